"""Flares, acupuncture visits, questionnaires and cards through the API (issue 4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from pacewise.adapters.db.models import ActivitySession
from pacewise.adapters.db.unit_of_work import UnitOfWork
from tests.integration.conftest import Clinic


def test_reporting_a_flare_says_next_week_steps_back(clinic: Clinic) -> None:
    answer = clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/flares",
        json={"date": "2026-01-14", "severe": True, "note": "bad back after gardening"},
        headers=clinic.as_("pat"),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["next_week"].startswith("Stepped back to")
    assert "14 Jan" in answer.json()["next_week"]


def test_an_acupuncture_visit_marks_the_window_in_the_plan(clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient}"
    made = clinic.client.post(
        f"{base}/acupuncture",
        json={"date": "2026-01-05", "pain_before": 7, "pain_after": 4},
        headers=clinic.as_("pat"),
    )
    assert made.status_code == 201, made.text
    plan = clinic.client.get(f"{base}/plan?date=2026-01-07", headers=clinic.as_("pat")).json()
    assert plan["in_acupuncture_window"] is True
    assert plan["today"][0]["in_acupuncture_window"] is True


def test_questionnaires_are_scored_and_kept(clinic: Clinic, engine: Engine) -> None:
    base = f"/api/v1/patients/{clinic.patient}/questionnaires"
    peg = clinic.client.post(
        f"{base}/PEG",
        json={"date": "2026-01-05", "answers": {"pain": 6, "enjoyment": 5, "activity": 4}},
        headers=clinic.as_("pat"),
    )
    assert peg.status_code == 201, peg.text
    assert peg.json()["score"] == 5.0
    tsk = clinic.client.post(
        f"{base}/TSK11",
        json={"date": "2026-01-05", "answers": {"items": [3] * 11}},
        headers=clinic.as_("pat"),
    )
    assert tsk.json()["score"] == 33
    bad = clinic.client.post(
        f"{base}/PEG",
        json={"date": "2026-01-05", "answers": {"pain": 11, "enjoyment": 5, "activity": 4}},
        headers=clinic.as_("pat"),
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "peg.pain"
    missing = clinic.client.post(
        f"{base}/PGIC", json={"date": "2026-01-05", "answers": {}}, headers=clinic.as_("pat")
    )
    assert missing.json()["detail"] == [{"field": "answers.rating", "message": "is required"}]
    unknown = clinic.client.post(
        f"{base}/ODI", json={"date": "2026-01-05", "answers": {}}, headers=clinic.as_("pat")
    )
    assert unknown.json()["detail"][0]["field"] == "instrument"
    with UnitOfWork(engine) as uow:
        assert uow.questionnaires.last_answered(clinic.patient, "PEG") is not None


def test_every_education_card_is_served(clinic: Clinic) -> None:
    cards = clinic.client.get("/api/v1/cards").json()
    assert {"hurt_not_harm", "pacing", "see_physician"} <= {card["id"] for card in cards}
    assert all(card["body"] and card["source"] for card in cards)


def test_sessions_come_newest_first_a_page_at_a_time_and_can_be_deleted(clinic: Clinic) -> None:
    base = f"/api/v1/patients/{clinic.patient}/sessions"
    for day in range(5, 10):
        clinic.client.post(
            base,
            json={"date": f"2026-01-{day:02d}", "minutes": day, "checkin": ["tired_muscles"]},
            headers=clinic.as_("pat"),
        )
    first = clinic.client.get(f"{base}?limit=2", headers=clinic.as_("pat")).json()
    assert first["total"] == 5
    assert [item["date"] for item in first["items"]] == ["2026-01-09", "2026-01-08"]
    assert first["items"][0]["level"] == "CONTINUE"
    rest = clinic.client.get(f"{base}?limit=2&offset=4", headers=clinic.as_("doc")).json()
    assert [item["minutes"] for item in rest["items"]] == [5]
    assert clinic.client.get(f"{base}?limit=500", headers=clinic.as_("pat")).status_code == 422
    gone = first["items"][0]["id"]
    assert clinic.client.delete(f"{base}/{gone}", headers=clinic.as_("pat")).status_code == 204
    assert clinic.client.delete(f"{base}/{gone}", headers=clinic.as_("pat")).status_code == 404
    after = clinic.client.get(base, headers=clinic.as_("pat")).json()
    assert after["total"] == 4
    assert gone not in [item["id"] for item in after["items"]]


def test_editing_a_session_triages_it_again_and_alerts_once(clinic: Clinic, engine: Engine) -> None:
    base = f"/api/v1/patients/{clinic.patient}/sessions"
    made = clinic.client.post(
        base,
        json={
            "date": "2026-01-05",
            "minutes": 5,
            "pain_before": 3,
            "pain_after": 4,
            "checkin": ["tired_muscles"],
        },
        headers=clinic.as_("pat"),
    ).json()
    assert made["alert_id"] is None
    url = f"{base}/{made['session_id']}"
    longer = clinic.client.patch(url, json={"minutes": 12}, headers=clinic.as_("pat"))
    assert longer.status_code == 200, longer.text
    assert longer.json()["triage"]["level"] == "CONTINUE"
    worse = clinic.client.patch(url, json={"pain_after": 7}, headers=clinic.as_("pat")).json()
    assert worse["triage"]["level"] == "ASSESS"
    assert worse["alert_id"] is not None
    again = clinic.client.patch(
        url, json={"checkin": ["new_radiation"]}, headers=clinic.as_("pat")
    ).json()
    assert again["alert_id"] == worse["alert_id"]
    listed = clinic.client.get(base, headers=clinic.as_("pat")).json()["items"][0]
    assert (listed["minutes"], listed["pain_after"], listed["checkin"]) == (
        12,
        7,
        ["new_radiation"],
    )
    assert (
        clinic.client.patch(url, json={"minutes": None}, headers=clinic.as_("pat")).status_code
        == 422
    )
    assert clinic.client.patch(url, json={"owner": 3}, headers=clinic.as_("pat")).status_code == 422
    with UnitOfWork(engine) as uow:
        assert len(uow.alerts.for_patient(clinic.patient)) == 1


def test_what_an_imported_file_recorded_is_left_to_the_file(clinic: Clinic, engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        imported = uow.sessions.add(
            ActivitySession(
                patient_id=clinic.patient,
                date=dt.date(2026, 1, 6),
                minutes=31.5,
                kind="walk",
                source="gpx",
                source_id="track-9",
            )
        )
        uow.commit()
        session_id = imported.id
    url = f"/api/v1/patients/{clinic.patient}/sessions/{session_id}"
    refused = clinic.client.patch(url, json={"minutes": 40}, headers=clinic.as_("pat"))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "minutes"
    rated = clinic.client.patch(
        url, json={"pain_before": 4, "pain_after": 4}, headers=clinic.as_("pat")
    )
    assert rated.status_code == 200, rated.text
