"""The clinician's patient list: most urgent first, with reasons; only their own patients."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select

from pacewise.adapters.db.models import AuditEvent, FlareReport, PatientStatus, PrescriptionVersion
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


def listed(clinic: Clinic) -> list[tuple[str, list[str]]]:
    answer = clinic.client.get("/api/v1/clinician/patients", headers=clinic.as_("doc"))
    assert answer.status_code == 200, answer.text
    return [(p["email"], p["reasons"]) for p in answer.json()["items"]]


def listed_from_scratch(clinic: Clinic, engine: Engine) -> list[tuple[str, list[str]]]:
    with UnitOfWork(engine) as uow:
        uow.users.db.execute(delete(PatientStatus))
        uow.commit()
    return listed(clinic)


def test_the_stored_rankings_always_match_a_fresh_replay(clinic: Clinic, engine: Engine) -> None:
    """Every kind of change to a record reaches the list at once (issue 4: lists stay true)."""
    base = f"/api/v1/patients/{clinic.patient}"
    pat, doc = clinic.as_("pat"), clinic.as_("doc")
    changes = [
        ("POST", f"{base}/sessions", {"date": "2026-11-20", "minutes": 5}, pat),
        ("PUT", f"{base}/daily-pain", {"date": "2026-11-20", "pain": 4}, pat),
        ("POST", f"{base}/flares", {"date": "2026-11-21"}, pat),
        ("POST", f"{base}/acupuncture", {"date": "2026-11-21"}, pat),
        (
            "POST",
            f"{base}/questionnaires/PEG",
            {"date": "2026-11-22", "answers": {"pain": 5, "enjoyment": 5, "activity": 5}},
            pat,
        ),
        (
            "POST",
            f"{base}/sessions",
            {"date": "2026-11-23", "minutes": 5, "checkin": ["dizziness_or_fainting"]},
            pat,
        ),
        ("POST", f"{base}/alerts/1/clear", {"note": "Seen, settled"}, doc),
        ("POST", f"{base}/prescription", {"condition": "fibromyalgia"}, doc),
    ]
    before = listed(clinic)
    seen = [before]
    for method, url, body, who in changes:
        answer = clinic.client.request(method, url, json=body, headers=who)
        assert answer.status_code in (200, 201), (url, answer.text)
        now = listed(clinic)
        assert now == listed_from_scratch(clinic, engine), url
        seen.append(now)
    assert len({str(entry) for entry in seen}) > 3  # the changes did move the list


def test_a_ranking_replayed_from_records_that_changed_meanwhile_is_not_kept(
    clinic: Clinic, engine: Engine
) -> None:
    listed(clinic)
    with UnitOfWork(engine) as uow:
        status = uow.users.db.get(PatientStatus, clinic.patient)
        assert status is not None
        version = status.version
        assert status.computed_version == version
    with UnitOfWork(engine) as uow:
        uow.flares.add(FlareReport(patient_id=clinic.patient, date=CLINIC_START))
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert not uow.statuses.save(clinic.patient, version, CLINIC_START, [0], ["stale"])
        assert uow.statuses.save(clinic.patient, version + 1, CLINIC_START, [0], ["fresh"])
        uow.commit()
