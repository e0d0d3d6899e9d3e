"""Export and delete are complete, checked against the models' metadata (issue 4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, or_, select

from pacewise.adapters.db.models import (
    AcupunctureVisitRecord,
    AuditEvent,
    Base,
    CalendarFeed,
    DailyActivity,
    FlareReport,
    ImportJob,
    QuestionnaireResponse,
)
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.accounts import create_token
from pacewise.services.activity_log import log_session, rate_daily_pain
from pacewise.services.inputs import SessionInput
from pacewise.services.my_data import patient_tables
from tests.integration.conftest import Clinic


def fill_every_table(engine: Engine, clinic: Clinic) -> None:
    patient = clinic.patient
    caller = Caller(patient, "patient")
    entry = SessionInput.model_validate(
        {"date": "2026-01-05", "minutes": 5, "pain_before": 3, "checkin": ["new_radiation"]}
    )
    log_session(UnitOfWork(engine), caller, patient, entry)
    rate_daily_pain(UnitOfWork(engine), caller, patient, dt.date(2026, 1, 6), 6)
    with UnitOfWork(engine) as uow:
        uow.flares.add(FlareReport(patient_id=patient, date=dt.date(2026, 1, 7), severe=True))
        uow.acupuncture.add(
            AcupunctureVisitRecord(patient_id=patient, date=dt.date(2026, 1, 4), pain_after=3)
        )
        uow.users.db.add(
            QuestionnaireResponse(
                patient_id=patient,
                instrument="PEG",
                answered_on=dt.date(2026, 1, 5),
                answers={"pain": 6, "enjoyment": 5, "activity": 5},
                score=16 / 3,
            )
        )
        uow.users.db.add(ImportJob(patient_id=patient, kind="gpx", filename="walk.gpx"))
        uow.users.db.add(
            DailyActivity(
                patient_id=patient, date=dt.date(2026, 1, 8), source="apple_health", steps=4000
            )
        )
        uow.users.db.add(CalendarFeed(patient_id=patient, token_hash="0" * 64))
        uow.commit()
    create_token(UnitOfWork(engine), "pat@example.org", "second phone")
    clinic.client.get(f"/api/v1/patients/{patient}/alerts", headers=clinic.as_("doc"))
    clinic.client.get("/api/v1/clinician/patients", headers=clinic.as_("doc"))  # its ranking


def test_the_export_holds_every_table_of_the_patients_data(clinic: Clinic, engine: Engine) -> None:
    fill_every_table(engine, clinic)
    answer = clinic.client.get("/api/v1/me/export", headers=clinic.as_("pat"))
    assert answer.status_code == 200, answer.text
    export = answer.json()
    assert export["account"]["email"] == "pat@example.org"
    for table in patient_tables():
        assert export[table.name], f"{table.name} is missing from the export"
    assert all(
        row["patient_id"] == clinic.patient for t in patient_tables() for row in export[t.name]
    )
    assert all("token_hash" not in row for row in export["calendar_feeds"])
    assert ("alerts.viewed", "clinician") in {
        (e["action"], e["role"]) for e in export["access_log"]
    }


def test_only_a_patient_exports_and_only_their_own(clinic: Clinic, engine: Engine) -> None:
    fill_every_table(engine, clinic)
    assert clinic.client.get("/api/v1/me/export", headers=clinic.as_("doc")).status_code == 404
    others = clinic.client.get("/api/v1/me/export", headers=clinic.as_("other")).json()
    # The other patient is in the same clinician's care and was ranked in the same list.
    theirs = ("care_relationships", "patient_status")
    assert all(not others[table.name] or table.name in theirs for table in patient_tables())
    other_id = others["account"]["id"]
    assert all(row["patient_id"] == other_id for name in theirs for row in others[name])
    assert others["account"]["email"] == "other@example.org"


def test_after_deletion_no_row_refers_to_the_patient(clinic: Clinic, engine: Engine) -> None:
    fill_every_table(engine, clinic)
    answer = clinic.client.delete("/api/v1/me", headers=clinic.as_("pat"))
    assert answer.status_code == 204
    patient = clinic.patient
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name == AuditEvent.__tablename__:
                continue
            to_users = [
                column
                for column in table.c
                if any(key.column.table.name == "users" for key in column.foreign_keys)
                or (table.name == "users" and column.name == "id")
            ]
            if not to_users:
                continue
            left = connection.scalar(
                select(func.count())
                .select_from(table)
                .where(or_(*(column == patient for column in to_users)))
            )
            assert left == 0, table.name
        audit = connection.execute(
            select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.patient_id == patient)
        ).all()
    assert ("account.deleted", {}) in [(action, detail) for action, detail in audit]
    assert clinic.client.get("/api/v1/me", headers=clinic.as_("pat")).status_code == 401
