"""The clinician changes a prescription through the API, with a preview of next week (issue 4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from pacewise.adapters.db.models import AuditEvent
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session
from pacewise.services.inputs import SessionInput
from tests.integration.conftest import CLINIC_START, Clinic

FIVE_A_WEEK = {"condition": "low_back_pain", "settings": {"sessions_per_week": 5}}


def next_week_start() -> dt.date:
    """The first plan week of CLINIC_START's programme that begins after today (UTC)."""
    today = dt.datetime.now(dt.UTC).date()
    return CLINIC_START + dt.timedelta(days=((today - CLINIC_START).days // 7 + 1) * 7)


def url(clinic: Clinic, tail: str = "") -> str:
    return f"/api/v1/patients/{clinic.patient}/prescription{tail}"


def test_a_preview_shows_next_week_both_ways_and_saves_nothing(clinic: Clinic) -> None:
    answer = clinic.client.post(
        url(clinic, "/preview"), json=FIVE_A_WEEK, headers=clinic.as_("doc")
    )
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert preview["effective_from"] == next_week_start().isoformat()
    assert preview["next_week_now"]["start"] == next_week_start().isoformat()
    # Nothing was logged, so the patient is held at the baseline: 3 sessions of 5 minutes.
    assert preview["next_week_now"]["sessions_per_week"] == 3
    # Five sessions a week: the 15 minutes reached would be 3 a session, so the 5-min floor.
    assert preview["next_week_if_saved"]["sessions_per_week"] == 5
    assert preview["next_week_if_saved"]["session_minutes"] == 5.0
    assert "changed your prescription" in preview["next_week_if_saved"]["reason"]
    versions = clinic.client.get(url(clinic), headers=clinic.as_("doc")).json()
    assert versions["total"] == 1


def test_a_saved_change_applies_from_next_week_and_keeps_the_history(
    engine: Engine, clinic: Clinic
) -> None:
    change = {**FIVE_A_WEEK, "note": "Walks daily now"}
    saved = clinic.client.post(url(clinic), json=change, headers=clinic.as_("doc"))
    assert saved.status_code == 201, saved.text
    assert saved.json()["version"]["effective_from"] == next_week_start().isoformat()
    assert saved.json()["preview"]["next_week_if_saved"]["sessions_per_week"] == 5

    versions = clinic.client.get(url(clinic), headers=clinic.as_("pat")).json()
    assert versions["total"] == 2
    newest, first = versions["items"]
    assert newest["note"] == "Walks daily now"
    assert newest["overrides"] == {"sessions_per_week": 5}
    assert newest["settings"]["sessions_per_week"] == 5
    assert newest["settings"]["session_times"] == ["10:00"]
    assert first["settings"]["sessions_per_week"] == 3
    assert first["effective_from"] == CLINIC_START.isoformat()

    plans = "/api/v1/patients/{}/plan?date={}"
    this_week = next_week_start() - dt.timedelta(days=1)
    now = clinic.client.get(plans.format(clinic.patient, this_week), headers=clinic.as_("pat"))
    assert now.json()["week"]["sessions_per_week"] == 3
    then = clinic.client.get(
        plans.format(clinic.patient, next_week_start()), headers=clinic.as_("pat")
    )
    assert then.json()["week"]["sessions_per_week"] == 5

    with UnitOfWork(engine) as uow:
        actions = uow.audit.db.scalars(
            select(AuditEvent.action).where(AuditEvent.patient_id == clinic.patient)
        ).all()
    assert "prescription.changed" in actions


def test_only_the_clinician_in_charge_may_change_it(clinic: Clinic) -> None:
    mine = clinic.client.post(url(clinic), json=FIVE_A_WEEK, headers=clinic.as_("pat"))
    assert mine.status_code == 403
    assert "clinician" in mine.json()["detail"]
    for who in ("other", "other-doc", "admin"):
        assert (
            clinic.client.post(url(clinic), json=FIVE_A_WEEK, headers=clinic.as_(who)).status_code
            == 404
        )
    assert clinic.client.get(url(clinic), headers=clinic.as_("doc")).json()["total"] == 1


def test_settings_that_break_a_rule_name_their_field(clinic: Clinic) -> None:
    bad = {"condition": "low_back_pain", "settings": {"max_session_minutes": 4}}
    answer = clinic.client.post(url(clinic), json=bad, headers=clinic.as_("doc"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "settings.max_session_minutes"
    unknown = {"condition": "low_back_pain", "settings": {"speed": 3}}
    answer = clinic.client.post(url(clinic, "/preview"), json=unknown, headers=clinic.as_("doc"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "settings.speed"
    owner = {**FIVE_A_WEEK, "patient_id": 1}
    answer = clinic.client.post(url(clinic), json=owner, headers=clinic.as_("doc"))
    assert answer.status_code == 422
    assert clinic.client.get(url(clinic), headers=clinic.as_("doc")).json()["total"] == 1


def test_a_session_is_triaged_by_the_prescription_in_force_on_its_day(
    engine: Engine, clinic: Clinic
) -> None:
    """Triage's numbers follow the version in force on the session's day, not the newest."""
    lenient = {"condition": "low_back_pain", "settings": {"assess_pain_rise_points": 5}}
    saved = clinic.client.post(url(clinic), json=lenient, headers=clinic.as_("doc"))
    assert saved.status_code == 201
    patient = Caller(clinic.patient, "patient")

    def level_on(day: dt.date) -> str:
        entry = {"date": day.isoformat(), "minutes": 5, "pain_before": 3, "pain_after": 6}
        logged = log_session(
            UnitOfWork(engine), patient, clinic.patient, SessionInput.model_validate(entry)
        )
        return logged.triage.level.value

    assert level_on(next_week_start() - dt.timedelta(days=1)) == "ASSESS"  # old rule: 3 points
    assert level_on(next_week_start()) == "CONTINUE"  # new rule: 5 points


def other_patient(clinic: Clinic) -> int:
    """The clinic's second patient, added without a prescription (as `pacewise user add`)."""
    with UnitOfWork(clinic.engine) as uow:
        other = uow.users.by_email("other@example.org")
        assert other is not None
        return other.id


def test_a_patient_added_without_a_prescription_gets_a_first_one_that_starts_today(
    clinic: Clinic,
) -> None:
    """Before, the save answered 409 "no prescription yet" to the one who sets it, and such a
    patient could never get a plan."""
    base = f"/api/v1/patients/{other_patient(clinic)}"
    today = dt.datetime.now(dt.UTC).date()
    assert clinic.client.get(f"{base}/plan", headers=clinic.as_("other")).status_code == 409
    none = clinic.client.get(f"{base}/prescription", headers=clinic.as_("doc"))
    assert none.status_code == 200, none.text
    assert none.json()["total"] == 0

    preview = clinic.client.post(
        f"{base}/prescription/preview", json=FIVE_A_WEEK, headers=clinic.as_("doc")
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["next_week_now"] is None
    assert preview.json()["effective_from"] == today.isoformat()
    assert preview.json()["next_week_if_saved"]["start"] == today.isoformat()
    assert preview.json()["next_week_if_saved"]["sessions_per_week"] == 5
    assert clinic.client.get(f"{base}/prescription", headers=clinic.as_("doc")).json()["total"] == 0

    saved = clinic.client.post(f"{base}/prescription", json=FIVE_A_WEEK, headers=clinic.as_("doc"))
    assert saved.status_code == 201, saved.text
    version = saved.json()["version"]
    assert (version["start_date"], version["effective_from"]) == (today.isoformat(),) * 2
    assert saved.json()["preview"]["next_week_now"] is None

    plan = clinic.client.get(f"{base}/plan", headers=clinic.as_("other"))
    assert plan.status_code == 200, plan.text
    assert plan.json()["week"]["start"] == today.isoformat()
    assert plan.json()["week"]["sessions_per_week"] == 5
    again = clinic.client.post(f"{base}/prescription", json=FIVE_A_WEEK, headers=clinic.as_("doc"))
    assert again.json()["version"]["start_date"] == today.isoformat()
    assert again.json()["version"]["effective_from"] == (today + dt.timedelta(days=7)).isoformat()
    assert again.json()["preview"]["next_week_now"] is not None
