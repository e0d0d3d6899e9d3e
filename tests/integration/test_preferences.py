"""A patient sets their own times of day and preferred activity (issue 5: Settings)."""

from __future__ import annotations

import datetime as dt

from tests.integration.conftest import Clinic
from tests.integration.test_prescription_api import next_week_start, url

PREFERENCES = "/api/v1/me/preferences"


def test_saved_times_apply_from_next_week_and_keep_the_clinicians_settings(
    clinic: Clinic,
) -> None:
    before = clinic.client.get(url(clinic), headers=clinic.as_("pat")).json()["items"][0]
    saved = clinic.client.put(
        PREFERENCES,
        json={"session_times": ["18:30", "07:15"], "preferred_kind": "swim"},
        headers=clinic.as_("pat"),
    )
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"effective_from": next_week_start().isoformat()}

    versions = clinic.client.get(url(clinic), headers=clinic.as_("doc")).json()
    assert versions["total"] == 2
    newest = versions["items"][0]
    assert newest["settings"]["session_times"] == ["07:15", "18:30"]
    assert newest["settings"]["preferred_kind"] == "swim"
    assert newest["effective_from"] == next_week_start().isoformat()
    assert newest["changed_by"] == clinic.patient
    assert (newest["changed_by_name"], newest["changed_by_role"]) == ("pat@example.org", "patient")
    unchanged = {"session_times", "preferred_kind"}
    assert {k: v for k, v in newest["settings"].items() if k not in unchanged} == {
        k: v for k, v in before["settings"].items() if k not in unchanged
    }
    shown = clinic.client.get(PREFERENCES, headers=clinic.as_("pat")).json()
    assert shown["session_times"] == ["07:15", "18:30"]
    assert shown["preferred_kind"] == "swim"


def test_this_weeks_plan_keeps_its_times_and_next_week_uses_the_new_ones(
    clinic: Clinic,
) -> None:
    plan = f"/api/v1/patients/{clinic.patient}/plan"
    this_week = clinic.client.get(plan, headers=clinic.as_("pat")).json()["week"]
    clinic.client.put(
        PREFERENCES, json={"session_times": ["06:45"]}, headers=clinic.as_("pat")
    ).raise_for_status()
    again = clinic.client.get(plan, headers=clinic.as_("pat")).json()["week"]
    assert again["planned"] == this_week["planned"]
    later = next_week_start() + dt.timedelta(days=6)
    next_week = clinic.client.get(
        plan, params={"date": later.isoformat()}, headers=clinic.as_("pat")
    ).json()["week"]
    assert next_week["planned"], next_week
    assert {session["time"] for session in next_week["planned"]} == {"06:45"}


def test_too_few_times_for_the_prescribed_sessions_are_refused_naming_the_field(
    clinic: Clinic,
) -> None:
    daily_twice = {
        "condition": "low_back_pain",
        "settings": {
            "sessions_per_week": 10,
            "max_sessions_per_week": 10,
            "session_times": ["08:00", "17:00"],
        },
    }
    clinic.client.post(url(clinic), json=daily_twice, headers=clinic.as_("doc")).raise_for_status()
    refused = clinic.client.put(
        PREFERENCES, json={"session_times": ["08:00"]}, headers=clinic.as_("pat")
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()["detail"][0]
    assert problem["field"] == "session_times"
    assert "at least 2 times of day" in problem["message"]
    assert clinic.client.get(url(clinic), headers=clinic.as_("doc")).json()["total"] == 2


def test_only_a_patient_has_preferences(clinic: Clinic) -> None:
    body = {"session_times": ["09:00"]}
    for who in ("doc", "admin"):
        assert clinic.client.put(PREFERENCES, json=body, headers=clinic.as_(who)).status_code == 404
    assert clinic.client.get(url(clinic), headers=clinic.as_("doc")).json()["total"] == 1


def test_bad_preferences_get_a_422(clinic: Clinic) -> None:
    bodies: list[dict[str, object]] = [
        {"session_times": []},
        {"session_times": ["25:00"]},
        {"session_times": ["08:00", "09:00", "10:00", "11:00"]},
        {"session_times": ["08:00"], "preferred_kind": "skydiving"},
        {"session_times": ["08:00"], "patient_id": 1},
    ]
    for body in bodies:
        answer = clinic.client.put(PREFERENCES, json=body, headers=clinic.as_("pat"))
        assert answer.status_code == 422, (body, answer.text)
