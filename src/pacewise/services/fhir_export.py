"""Export a patient's record as a FHIR R4 Bundle (issue 7), for the patient and their clinician.

Every export is written to the audit log as "export" with its format, the patient's own too:
a file of health data leaving the app is worth a line in the record's log whoever takes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pacewise.adapters.db.models import utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports.fhir import PatientRecord, build_bundle
from pacewise.domain.summaries import weekly_summaries
from pacewise.services.access import Caller, NotFound
from pacewise.services.records import prescription_of
from pacewise.services.replays import replay

FHIR_MEDIA_TYPE = "application/fhir+json"


def open_for_export(uow: UnitOfWork, caller: Caller, patient_id: int, format_name: str) -> None:
    """Allow the patient or a clinician caring for them, else NotFound; audit the export.

    Runs inside the caller's unit of work, so the audit event commits with the use case.
    """
    own = caller.role == "patient" and caller.user_id == patient_id
    cares = caller.role == "clinician" and uow.care.is_in_care(caller.user_id, patient_id)
    if not (own or cares):
        raise NotFound(patient_id)
    uow.audit.record(
        "export",
        actor_id=caller.user_id,
        actor_role=caller.role,
        patient_id=patient_id,
        detail={"format": format_name},
    )


def fhir_bundle(
    uow: UnitOfWork, caller: Caller, patient_id: int, today: dt.date | None = None
) -> dict[str, Any]:
    """The patient's whole record as a FHIR Bundle (JSON), with the plan as of `today`."""
    day = today or dt.datetime.now(dt.UTC).date()
    with uow:
        open_for_export(uow, caller, patient_id, "fhir")
        record = load_record(uow, patient_id, day)
        uow.commit()
    return build_bundle(record)


def operator_fhir_bundle(
    uow: UnitOfWork, patient_email: str, today: dt.date | None = None
) -> dict[str, Any]:
    """The bundle for `pacewise export fhir`: whoever runs the command reads the database
    anyway, so no caller is checked, but the export is audited like any other."""
    day = today or dt.datetime.now(dt.UTC).date()
    with uow:
        patient_id = operator_export(uow, patient_email, "fhir")
        record = load_record(uow, patient_id, day)
        uow.commit()
    return build_bundle(record)


def operator_export(uow: UnitOfWork, patient_email: str, format_name: str) -> int:
    """The patient's id by e-mail (NotFound if none), with the operator's export audited."""
    user = uow.users.by_email(patient_email)
    if user is None or user.role != "patient":
        raise NotFound(patient_email)
    uow.audit.record(
        "export",
        actor_id=None,
        actor_role="operator",
        patient_id=user.id,
        detail={"format": format_name},
    )
    return user.id


def load_record(uow: UnitOfWork, patient_id: int, day: dt.date) -> PatientRecord:
    """Everything the bundle holds, read inside the caller's unit of work."""
    user = uow.users.get(patient_id)
    if user is None or user.role != "patient":
        raise NotFound(patient_id)
    versions = uow.prescriptions.history(patient_id)
    current_week = None
    finished: list[Any] = []
    target = None
    if versions:
        target = prescription_of(versions[-1]).weekly_target_minutes
        history, result = replay(uow, patient_id, day)
        current_week = result.current_week
        finished = [
            summary for summary in weekly_summaries(history, result, today=day) if summary.complete
        ]
    return PatientRecord(
        patient=user,
        prescriptions=versions,
        sessions=uow.sessions.for_patient(patient_id),
        checkins=uow.sessions.checkins_for(patient_id),
        daily_pain=uow.pain.for_patient(patient_id),
        flares=uow.flares.for_patient(patient_id),
        visits=uow.acupuncture.for_patient(patient_id),
        questionnaires=uow.questionnaires.for_patient(patient_id),
        alerts=uow.alerts.for_patient(patient_id),
        daily_activity=uow.exchange.daily_activity(patient_id),
        weekly_target_minutes=target,
        current_week=current_week,
        finished_weeks=finished,
        generated_at=utc_now(),
    )
