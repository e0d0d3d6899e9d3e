"""The clinician's patient list: most urgent first, with reasons; only their own patients."""

from __future__ import annotations

from sqlalchemy import Engine, select

from pacewise.adapters.db.models import AuditEvent, PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user
from tests.integration.conftest import CLINIC_START, Clinic


def test_a_stop_alert_puts_the_patient_first_with_the_reason(
    clinic: Clinic, engine: Engine
) -> None:
    calm = add_user(
        UnitOfWork(engine), "calm@example.org", "patient", clinician_email="doc@example.org"
    )
    with UnitOfWork(engine) as uow:
        uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=calm.id, condition="fibromyalgia", start_date=CLINIC_START
            )
        )
        uow.commit()
    clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/sessions",
        json={"date": "2026-01-05", "minutes": 5, "checkin": ["dizziness_or_fainting"]},
        headers=clinic.as_("pat"),
    )
    answer = clinic.client.get("/api/v1/clinician/patients", headers=clinic.as_("doc"))
    assert answer.status_code == 200, answer.text
    listed = answer.json()["items"]
    assert answer.json()["total"] == 3
    assert [p["email"] for p in listed] == [
        "pat@example.org",
        "calm@example.org",
        "other@example.org",
    ]
    assert listed[0]["reasons"][0].startswith("STOP alert from 5 Jan not cleared")
    assert not any("alert" in reason for reason in listed[1]["reasons"])
    assert listed[2]["reasons"] == ["no prescription yet"]
    with UnitOfWork(engine) as uow:
        listed_events = uow.audit.db.scalars(
            select(AuditEvent.patient_id).where(AuditEvent.action == "patient.listed")
        ).all()
        other = uow.users.by_email("other@example.org")
        assert other is not None
        expected = {clinic.patient, calm.id, other.id}
    assert len(listed_events) == 3
    assert set(listed_events) == expected


def test_others_see_no_clinician_list(clinic: Clinic) -> None:
    assert (
        clinic.client.get("/api/v1/clinician/patients", headers=clinic.as_("pat")).status_code
        == 404
    )
    assert (
        clinic.client.get("/api/v1/clinician/patients", headers=clinic.as_("admin")).status_code
        == 404
    )
    empty = clinic.client.get("/api/v1/clinician/patients", headers=clinic.as_("other-doc"))
    assert empty.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
