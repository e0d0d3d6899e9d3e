"""A patient's sessions, daily pain or questionnaires as CSV for spreadsheets (issue 7), for
the patient and their clinician; each download is an "export" in the audit log."""

from __future__ import annotations

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports.csv_tables import TABLES, Cell, answers_cell, csv_text
from pacewise.services.access import Caller, NotFound
from pacewise.services.fhir_export import open_for_export, operator_export


def csv_table(uow: UnitOfWork, caller: Caller, patient_id: int, table: str) -> str:
    """One table as CSV text, oldest first; an unknown table is not found."""
    if table not in TABLES:
        raise NotFound(table)
    with uow:
        open_for_export(uow, caller, patient_id, f"csv:{table}")
        rows = _rows(uow, patient_id, table)
        uow.commit()
    return csv_text(table, rows)


def operator_csv_table(uow: UnitOfWork, patient_email: str, table: str) -> str:
    """The table for `pacewise export csv` (no caller to check; audited as the operator's)."""
    if table not in TABLES:
        raise NotFound(table)
    with uow:
        patient_id = operator_export(uow, patient_email, f"csv:{table}")
        rows = _rows(uow, patient_id, table)
        uow.commit()
    return csv_text(table, rows)


def _rows(uow: UnitOfWork, patient_id: int, table: str) -> list[list[Cell]]:
    if table == "daily_pain":
        return [
            [day.isoformat(), pain]
            for day, pain in sorted(uow.pain.for_patient(patient_id).items())
        ]
    if table == "questionnaires":
        return [
            [q.instrument, q.answered_on.isoformat(), q.score, answers_cell(q.answers)]
            for q in uow.questionnaires.for_patient(patient_id)
        ]
    checkins = uow.sessions.checkins_for(patient_id)
    return [
        [
            s.date.isoformat(),
            s.start_time.strftime("%H:%M") if s.start_time else None,
            s.minutes,
            s.kind,
            s.source,
            s.pain_before,
            s.pain_after,
            s.effort,
            checkins[s.id].level if s.id in checkins else None,
        ]
        for s in uow.sessions.for_patient(patient_id)
    ]
