"""The JSON API end to end on SQLite and PostgreSQL: log, triage, plan, clear; access and
validation (issue 4, first routes)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from pacewise.adapters.db.models import AuditEvent
from pacewise.adapters.db.unit_of_work import UnitOfWork
from tests.integration.conftest import Clinic


def test_a_patient_logs_a_session_and_is_told_what_it_means(clinic: Clinic) -> None:
    body = {
        "date": "2026-01-05",
        "minutes": 5,
        "pain_before": 4,
        "pain_after": 5,
        "checkin": ["new_radiation"],
    }
    answer = clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/sessions", json=body, headers=clinic.as_("pat")
    )
    assert answer.status_code == 201, answer.text
    logged = answer.json()
    assert logged["triage"]["level"] == "ASSESS"
    assert logged["triage"]["card"] == "see_physician"
    assert "physician" in logged["triage"]["advice"]
    assert isinstance(logged["alert_id"], int)


def test_an_uncleared_alert_pauses_next_week_until_the_clinician_clears_it(clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient}"
    for day in ("2026-01-05", "2026-01-07"):
        clinic.client.post(
            f"{base}/sessions", json={"date": day, "minutes": 5}, headers=clinic.as_("pat")
        )
    alert = clinic.client.post(
        f"{base}/sessions",
        json={"date": "2026-01-09", "minutes": 5, "checkin": ["joint_swelling"]},
        headers=clinic.as_("pat"),
    ).json()["alert_id"]
    week2 = clinic.client.get(f"{base}/plan?date=2026-01-12", headers=clinic.as_("pat")).json()
    assert week2["week"]["decision"] == "paused"
    assert [p["date"] for p in week2["today"]] == ["2026-01-12"]
    cleared = clinic.client.post(
        f"{base}/alerts/{alert}/clear",
        json={"note": "Seen in clinic, swelling settled"},
        headers=clinic.as_("doc"),
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["clear_note"] == "Seen in clinic, swelling settled"
    alerts = clinic.client.get(f"{base}/alerts", headers=clinic.as_("pat")).json()
    assert alerts["total"] == 1
    assert alerts["items"][0]["cleared_on"] is not None
    still_open = clinic.client.get(f"{base}/alerts?open=true", headers=clinic.as_("pat")).json()
    assert still_open == {"items": [], "total": 0, "limit": 50, "offset": 0}


@pytest.mark.parametrize("who", ["other", "other-doc", "admin"])
def test_others_get_not_found_never_data(clinic: Clinic, who: str) -> None:
    base = f"/api/v1/patients/{clinic.patient}"
    for method, path, body in [
        ("GET", f"{base}/plan", None),
        ("GET", f"{base}/alerts", None),
        ("POST", f"{base}/sessions", {"date": "2026-01-05", "minutes": 5}),
        ("PUT", f"{base}/daily-pain", {"date": "2026-01-05", "pain": 4}),
    ]:
        answer = clinic.client.request(method, path, json=body, headers=clinic.as_(who))
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json() == {"detail": "not found"}


def test_a_patient_cannot_clear_their_own_alert(clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient}"
    alert = clinic.client.post(
        f"{base}/sessions",
        json={"date": "2026-01-05", "minutes": 5, "checkin": ["new_radiation"]},
        headers=clinic.as_("pat"),
    ).json()["alert_id"]
    answer = clinic.client.post(
        f"{base}/alerts/{alert}/clear", json={"note": "fine"}, headers=clinic.as_("pat")
    )
    assert answer.status_code == 404


def test_without_a_valid_token_the_answer_is_401(clinic: Clinic) -> None:
    path = f"/api/v1/patients/{clinic.patient}/plan"
    assert clinic.client.get(path).status_code == 401
    assert clinic.client.get(path, headers={"Authorization": "Bearer pw_nope"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-01-05", "minutes": 5, "pain_before": 11}, "pain_before"),
        ({"date": "2026-01-05", "minutes": 0}, "minutes"),
        ({"date": "2026-01-05", "minutes": 601}, "minutes"),
        ({"date": "2999-01-05", "minutes": 5}, "date"),
        ({"date": "2026-02-30", "minutes": 5}, "date"),
        ({"date": "2026-01-05", "minutes": 5, "patient_id": 99}, "patient_id"),
        ({"date": "2026-01-05", "minutes": 5, "checkin": ["ouch"]}, "checkin"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    clinic: Clinic, body: dict[str, object], field: str
) -> None:
    answer = clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/sessions", json=body, headers=clinic.as_("pat")
    )
    assert answer.status_code == 422, answer.text
    assert [problem["field"] for problem in answer.json()["detail"]] == [field]


def test_clinician_reads_are_audited_for_the_patient(clinic: Clinic, engine: Engine) -> None:
    clinic.client.get(f"/api/v1/patients/{clinic.patient}/alerts", headers=clinic.as_("doc"))
    clinic.client.get(f"/api/v1/patients/{clinic.patient}/alerts", headers=clinic.as_("pat"))
    with UnitOfWork(engine) as uow:
        events = uow.audit.db.scalars(
            select(AuditEvent).where(AuditEvent.patient_id == clinic.patient)
        ).all()
        accesses = [(e.action, e.actor_role) for e in events if e.action == "alerts.viewed"]
    assert accesses == [("alerts.viewed", "clinician")]


def test_the_openapi_schema_is_served(clinic: Clinic) -> None:
    schema = clinic.client.get("/api/v1/openapi.json").json()
    assert "/api/v1/patients/{patient_id}/sessions" in schema["paths"]
