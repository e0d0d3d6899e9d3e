"""The private calendar feed of planned sessions (issue 7), on both databases: its events are
the plan engine's sessions at the patient's local times, each with one reminder and a UID that
stays put, they follow a prescription change, and a revoked, rotated or unknown link answers 404.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from pacewise.adapters.db.models import AuditEvent
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Condition, PlannedSession
from pacewise.domain.wording import kind_words, shown_minutes
from pacewise.services.access import Caller, NotFound
from pacewise.services.account_settings import set_time_zone
from pacewise.services.activity_log import log_session
from pacewise.services.calendar_feeds import (
    FEED_DAYS,
    REMINDER_MINUTES,
    create_feed,
    feed_for_token,
    feed_state,
    revoke_feed,
)
from pacewise.services.inputs import SessionInput
from pacewise.services.patient_records import report_flare
from pacewise.services.plans import plan_for
from pacewise.services.prescription_input import PrescriptionInput
from pacewise.services.prescriptions import PrescriptionChangeInput, change_prescription
from tests.integration.conftest import CLINIC_START, Clinic

ZONE = "America/New_York"
NOW = dt.datetime(2026, 3, 18, 14, 0, tzinfo=dt.UTC)  # 10:00 on 18 Mar in New York
TODAY = dt.date(2026, 3, 18)


def _patient(clinic: Clinic) -> Caller:
    caller = Caller(clinic.patient, "patient")
    set_time_zone(UnitOfWork(clinic.engine), caller, ZONE)
    return caller


def _id(clinic: Clinic, name: str) -> int:
    with UnitOfWork(clinic.engine) as uow:
        user = uow.users.by_email(f"{name}@example.org")
        assert user is not None
        return user.id


def _events(ics: bytes) -> list[icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(ics)
    return list(calendar.walk("VEVENT"))


def _planned(clinic: Clinic, caller: Caller) -> list[PlannedSession]:
    """The engine's planned sessions of the feed's four weeks, through the plan service."""
    last = TODAY + dt.timedelta(days=FEED_DAYS - 1)
    view = plan_for(UnitOfWork(clinic.engine), caller, clinic.patient, last)
    return [
        planned
        for week in view.result.weeks
        for planned in week.planned
        if TODAY <= planned.date <= last
    ]


def test_the_feed_holds_the_plans_sessions_at_local_times_each_with_one_reminder(
    clinic: Clinic,
) -> None:
    caller = _patient(clinic)
    made = create_feed(UnitOfWork(clinic.engine), caller)
    events = _events(feed_for_token(UnitOfWork(clinic.engine), made.token, NOW))
    planned = _planned(clinic, caller)
    assert len(planned) >= 12, "four weeks of at least three sessions"
    assert len(events) == len(planned)
    for event, session in zip(events, planned, strict=True):
        start = event.decoded("dtstart")
        assert start.tzinfo == ZoneInfo(ZONE)
        assert (start.date(), start.time()) == (session.date, session.time)
        minutes = shown_minutes(session.minutes)
        assert event.decoded("dtend") - start == dt.timedelta(minutes=minutes)
        assert str(event["summary"]) == f"{minutes}-minute {kind_words(session.kind)}"
        assert "phase" in str(event["description"])
        alarms = list(event.walk("VALARM"))
        assert len(alarms) == 1
        assert alarms[0].decoded("trigger") == -dt.timedelta(minutes=REMINDER_MINUTES)


def test_uids_stay_the_same_across_fetches_and_the_events_follow_a_prescription_change(
    clinic: Clinic,
) -> None:
    caller = _patient(clinic)
    made = create_feed(UnitOfWork(clinic.engine), caller)
    first = _events(feed_for_token(UnitOfWork(clinic.engine), made.token, NOW))
    again = _events(
        feed_for_token(UnitOfWork(clinic.engine), made.token, NOW + dt.timedelta(minutes=30))
    )
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in again]
    assert len({str(e["uid"]) for e in first}) == len(first)

    change = PrescriptionChangeInput(
        condition=Condition.LOW_BACK_PAIN,
        settings=PrescriptionInput.model_validate({"session_times": ["07:30"]}),
    )
    change_prescription(
        UnitOfWork(clinic.engine),
        Caller(_id(clinic, "doc"), "clinician"),
        clinic.patient,
        change,
        TODAY,
    )
    changed = _events(feed_for_token(UnitOfWork(clinic.engine), made.token, NOW))
    assert [e.decoded("dtstart") for e in changed] != [e.decoded("dtstart") for e in first]
    later = [e for e in changed if e.decoded("dtstart").date() >= TODAY + dt.timedelta(days=7)]
    assert later
    assert {e.decoded("dtstart").time() for e in later} == {dt.time(7, 30)}
    assert [e.decoded("dtstart") for e in changed] == [
        dt.datetime.combine(p.date, p.time, tzinfo=ZoneInfo(ZONE)) for p in _planned(clinic, caller)
    ]
    # The same days keep their UIDs, so a calendar app moves the events instead of adding more.
    before = {e.decoded("dtstart").date(): str(e["uid"]) for e in first}
    after = {e.decoded("dtstart").date(): str(e["uid"]) for e in changed}
    assert all(after[day] == uid for day, uid in before.items() if day in after)


def test_a_new_link_revokes_the_old_and_stopping_revokes_it_all(clinic: Clinic) -> None:
    caller = _patient(clinic)
    old = create_feed(UnitOfWork(clinic.engine), caller)
    new = create_feed(UnitOfWork(clinic.engine), caller)
    for token in (old.token, "not-a-feed"):
        try:
            feed_for_token(UnitOfWork(clinic.engine), token, NOW)
        except NotFound:
            continue
        raise AssertionError(f"{token} still answers")
    assert feed_for_token(UnitOfWork(clinic.engine), new.token, NOW).startswith(b"BEGIN:VCALENDAR")
    assert revoke_feed(UnitOfWork(clinic.engine), caller)
    assert not revoke_feed(UnitOfWork(clinic.engine), caller)
    assert not feed_state(UnitOfWork(clinic.engine), caller, clinic.patient).exists
    with UnitOfWork(clinic.engine) as uow:
        actions = uow.users.db.scalars(
            select(AuditEvent.action).where(AuditEvent.patient_id == clinic.patient)
        ).all()
    assert actions.count("calendar_feed.created") == 2
    assert actions.count("calendar_feed.revoked") == 1


def test_the_public_route_serves_the_feed_without_a_cookie_and_404s_after_revoking(
    clinic: Clinic,
) -> None:
    made = clinic.client.post("/api/v1/me/calendar-feed", headers=clinic.as_("pat"))
    assert made.status_code == 201, made.text
    body = made.json()
    path = "/" + body["url"].split("/", 3)[3]
    assert body["webcal_url"] == "webcal://" + body["url"].split("://", 1)[1]
    assert path.startswith("/calendar/")
    assert path.endswith(".ics")
    answer = clinic.client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(answer.content).get("x-wr-calname")

    state = clinic.client.get("/api/v1/me/calendar-feed", headers=clinic.as_("pat")).json()
    assert state["exists"] is True
    assert "url" not in state

    gone = clinic.client.delete("/api/v1/me/calendar-feed", headers=clinic.as_("pat"))
    assert gone.status_code == 204
    assert clinic.client.get(path).status_code == 404
    assert clinic.client.get("/calendar/unknown-token.ics").status_code == 404
    state = clinic.client.get("/api/v1/me/calendar-feed", headers=clinic.as_("pat")).json()
    assert state == {"exists": False, "created_at": None}


def test_only_a_patient_makes_a_feed_and_a_clinician_sees_only_whether_one_exists(
    clinic: Clinic,
) -> None:
    for who in ("doc", "other-doc", "admin"):
        for method in ("POST", "GET", "DELETE"):
            answer = clinic.client.request(
                method, "/api/v1/me/calendar-feed", headers=clinic.as_(who)
            )
            assert answer.status_code == 404, (who, method)
    create_feed(UnitOfWork(clinic.engine), Caller(clinic.patient, "patient"))
    seen = feed_state(
        UnitOfWork(clinic.engine), Caller(_id(clinic, "doc"), "clinician"), clinic.patient
    )
    assert seen.exists
    for stranger in (
        Caller(_id(clinic, "other-doc"), "clinician"),
        Caller(_id(clinic, "other"), "patient"),
    ):
        try:
            feed_state(UnitOfWork(clinic.engine), stranger, clinic.patient)
        except NotFound:
            continue
        raise AssertionError(f"{stranger} saw the feed")


def test_a_flare_steps_the_coming_sessions_back_in_the_feed(clinic: Clinic) -> None:
    caller = _patient(clinic)
    week_start = CLINIC_START
    while week_start < TODAY - dt.timedelta(days=6):  # every plan week done as planned
        plan = plan_for(UnitOfWork(clinic.engine), caller, clinic.patient, week_start)
        assert plan.week is not None
        for planned in plan.week.planned:
            entry = SessionInput(date=planned.date, minutes=planned.minutes, kind=planned.kind)
            log_session(UnitOfWork(clinic.engine), caller, clinic.patient, entry)
        week_start += dt.timedelta(days=7)
    made = create_feed(UnitOfWork(clinic.engine), caller)
    before = _events(feed_for_token(UnitOfWork(clinic.engine), made.token, NOW))

    report_flare(UnitOfWork(clinic.engine), caller, clinic.patient, TODAY, False, "")
    after = _events(feed_for_token(UnitOfWork(clinic.engine), made.token, NOW))

    def minutes(events: list[icalendar.Component]) -> list[dt.timedelta]:
        return [e.decoded("dtend") - e.decoded("dtstart") for e in events]

    assert sum(minutes(after), dt.timedelta()) < sum(minutes(before), dt.timedelta())
    expected = _planned(clinic, caller)
    assert minutes(after) == [dt.timedelta(minutes=shown_minutes(p.minutes)) for p in expected]
    assert [e.decoded("dtstart") for e in after] == [
        dt.datetime.combine(p.date, p.time, tzinfo=ZoneInfo(ZONE)) for p in expected
    ]
