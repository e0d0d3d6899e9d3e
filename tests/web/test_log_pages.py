"""The patient's logging pages: a session, its check-in and triage result, editing and deleting,
daily pain, flares and acupuncture visits (issue 5; PROTOCOL.md 3, 4, 6)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.accounts import add_user
from pacewise.services.activity_log import SessionView, list_sessions
from pacewise.services.alerts import AlertView, list_alerts
from pacewise.services.plans import plan_for
from tests.web.conftest import PASSWORD, Site, csrf_of

PATIENT = "pat@example.org"


def today() -> dt.date:
    """The patient's local day (their time zone is UTC)."""
    return dt.datetime.now(dt.UTC).date()


def days_ago(days: int) -> str:
    return (today() - dt.timedelta(days=days)).isoformat()


def sessions_of(site: Site) -> list[SessionView]:
    views, _ = list_sessions(
        UnitOfWork(site.engine), Caller(site.patient, "patient"), site.patient, 50, 0
    )
    return views


def alerts_of(site: Site) -> list[AlertView]:
    views, _ = list_alerts(
        UnitOfWork(site.engine), Caller(site.patient, "patient"), site.patient, 50, 0
    )
    return list(views)


def token(browser: TestClient, page: str = "/today") -> str:
    return csrf_of(browser.get(page).text)


def log_session(browser: TestClient, **fields: str) -> int:
    """Log a session through the form; returns its id from the check-in address."""
    form = {"date": today().isoformat(), "minutes": "20", "kind": "walk"} | fields
    answer = browser.post("/log/new", data={"csrf_token": token(browser), **form})
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/log/sessions/(\d+)/checkin", answer.headers["location"])
    assert found is not None, answer.headers["location"]
    return int(found.group(1))


def check_in(browser: TestClient, session_id: int, codes: list[str]) -> str:
    """Answer the check-in; returns the result page."""
    page = browser.get(f"/log/sessions/{session_id}/checkin")
    assert page.status_code == 200
    answer = browser.post(
        f"/log/sessions/{session_id}/checkin",
        data={"csrf_token": csrf_of(page.text), "checkin": codes},
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/log/sessions/{session_id}/result"
    result = browser.get(answer.headers["location"])
    assert result.status_code == 200
    return str(result.text)


def start_plan_today(site: Site) -> None:
    """Move the plan's start to today: the first day of a plan week always has a session."""
    with UnitOfWork(site.engine) as uow:
        for version in uow.prescriptions.history(site.patient):
            version.start_date = version.effective_from = today()
        uow.statuses.bump([site.patient])
        uow.commit()


# Today and "Done as planned" ------------------------------------------------------------------


def test_done_as_planned_logs_the_planned_session_then_asks_for_the_check_in(site: Site) -> None:
    start_plan_today(site)
    browser = site.signed_in(PATIENT)
    planned = plan_for(
        UnitOfWork(site.engine), Caller(site.patient, "patient"), site.patient, today()
    ).today[0]
    page = browser.get("/today")
    assert "Done as planned" in page.text
    assert 'href="/log/new"' in page.text
    at = planned.time.strftime("%H:%M")
    answer = browser.post("/log/planned", data={"csrf_token": csrf_of(page.text), "at": at})
    assert answer.status_code == 303
    assert re.fullmatch(r"/log/sessions/\d+/checkin", answer.headers["location"])
    (logged,) = sessions_of(site)
    assert (logged.date, logged.start, logged.kind) == (today(), planned.time, planned.kind.value)
    assert logged.minutes == planned.minutes
    after = browser.get("/today").text
    assert "Logged, well done" in after
    assert f"/log/sessions/{logged.id}/edit" in after
    assert f'action="/log/sessions/{logged.id}/delete" data-confirm=' in after


def test_a_second_tap_on_done_as_planned_logs_nothing_more(site: Site) -> None:
    start_plan_today(site)
    browser = site.signed_in(PATIENT)
    page = browser.get("/today")
    planned = plan_for(
        UnitOfWork(site.engine), Caller(site.patient, "patient"), site.patient, today()
    ).today[0]
    form = {"csrf_token": csrf_of(page.text), "at": planned.time.strftime("%H:%M")}
    first = browser.post("/log/planned", data=form)
    again = browser.post("/log/planned", data=form)
    (logged,) = sessions_of(site)
    assert first.headers["location"] == f"/log/sessions/{logged.id}/checkin"
    assert again.status_code == 303
    assert again.headers["location"] == f"/log/sessions/{logged.id}/edit?already=1"
    shown = browser.get(again.headers["location"]).text
    assert "You logged this session already, so it is not logged twice." in shown


def test_done_as_planned_for_a_time_the_plan_does_not_have_logs_nothing(site: Site) -> None:
    start_plan_today(site)
    browser = site.signed_in(PATIENT)
    answer = browser.post("/log/planned", data={"csrf_token": token(browser), "at": "03:17"})
    assert answer.status_code == 404
    assert sessions_of(site) == []


def test_today_links_the_records_a_patient_can_add(site: Site) -> None:
    page = site.signed_in(PATIENT).get("/today").text
    for target in ("/pain", "/flare", "/acupuncture", "/log/new"):
        assert f'href="{target}"' in page


# Logging something else, the check-in and the result ------------------------------------------


def test_a_session_from_yesterday_with_normal_effort_says_carry_on_with_the_card(
    site: Site,
) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(
        browser,
        date=days_ago(1),
        start="17:45",
        minutes="25",
        kind="cycle",
        pain_before="3",
        pain_after="4",
        effort="5",
    )
    result = check_in(browser, session_id, ["tired_muscles", "effort_warmth"])
    assert "Carry on" in result
    assert "CONTINUE" in result
    assert "Hurt is not harm" in result  # the card the triage names
    assert "Tired muscles while moving" in result
    (logged,) = sessions_of(site)
    assert (logged.date.isoformat(), logged.start, logged.minutes) == (
        days_ago(1),
        dt.time(17, 45),
        25.0,
    )
    assert (logged.kind, logged.pain_before, logged.pain_after, logged.effort) == (
        "cycle",
        3,
        4,
        5,
    )
    assert logged.level == "CONTINUE"
    assert alerts_of(site) == []


def test_several_sessions_a_day_are_kept(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    log_session(browser, minutes="10")
    log_session(browser, minutes="15", kind="stretch")
    assert sorted(s.minutes for s in sessions_of(site)) == [10.0, 15.0]
    page = browser.get("/today").text
    assert "10 min walk" in page
    assert "15 min stretch" in page


def test_a_warning_sign_gives_assess_and_alerts_the_clinician_once(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser, minutes="20", pain_before="4", pain_after="5")
    result = check_in(browser, session_id, ["new_radiation", "tired_muscles"])
    assert "ASSESS" in result
    assert "What to tell your physician" in result
    assert "New pain spreading into an arm or a leg" in result
    assert "Your clinician has been told" in result  # the domain's advice
    (alert,) = alerts_of(site)
    assert alert.level == "ASSESS"
    assert "New pain spreading into an arm or a leg" in alert.reason
    assert alert.cleared_on is None
    check_in(browser, session_id, ["new_radiation", "joint_swelling"])
    assert len(alerts_of(site)) == 1
    doctor = site.signed_in("doc@example.org")
    listed = doctor.get(f"/api/v1/patients/{site.patient}/alerts", params={"open": "true"})
    assert listed.status_code == 200
    assert [item["level"] for item in listed.json()["items"]] == ["ASSESS"]


def test_a_stop_sign_says_stop_now_with_emergency_advice_and_an_urgent_alert(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser)
    result = check_in(browser, session_id, ["chest_pain_or_breathless", "tired_muscles"])
    assert "Stop now" in result
    assert "call your local emergency number" in result
    assert "alerted urgently" in result
    assert "Chest pain, or badly out of breath" in result
    assert "Also: tired muscles while moving" in result
    assert [alert.level for alert in alerts_of(site)] == ["STOP"]


def test_feel_fine_ticked_beside_a_red_flag_still_counts_the_red_flag(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser)
    result = check_in(browser, session_id, ["none", "bladder_bowel_or_saddle_numbness"])
    assert "Stop now" in result
    assert "emergency" in result
    assert sessions_of(site)[0].level == "STOP"


def test_feeling_fine_is_continue_and_raises_nothing(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser)
    result = check_in(browser, session_id, ["none"])
    assert "Carry on" in result
    assert sessions_of(site)[0].checkin == ()
    assert alerts_of(site) == []


def test_the_check_in_needs_an_answer(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser)
    page = browser.get(f"/log/sessions/{session_id}/checkin")
    answer = browser.post(
        f"/log/sessions/{session_id}/checkin", data={"csrf_token": csrf_of(page.text)}
    )
    assert answer.status_code == 400
    assert "None of these: I feel fine" in answer.text
    assert 'role="alert"' in answer.text


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("date", "8 days ago", "last 7 days"),
        ("date", "tomorrow", "has not come yet"),
        ("date", "28/11/2026", "year-month-day"),
        ("minutes", "0", "from 1 to 600"),
        ("minutes", "601", "from 1 to 600"),
        ("minutes", "twenty", "from 1 to 600"),
        ("minutes", "", "how many minutes"),
        ("start", "25:00", "time of day"),
        ("kind", "running", "what you did"),
        ("pain_before", "11", "0 to 10"),
        ("effort", "-1", "0 to 10"),
    ],
)
def test_a_wrong_entry_is_shown_again_with_a_message_and_nothing_is_saved(
    site: Site, field: str, typed: str, message: str
) -> None:
    value = {"8 days ago": days_ago(8), "tomorrow": days_ago(-1)}.get(typed, typed)
    browser = site.signed_in(PATIENT)
    form = {"date": today().isoformat(), "minutes": "12", "kind": "swim", "pain_after": "4"}
    answer = browser.post("/log/new", data={"csrf_token": token(browser), **form, field: value})
    assert answer.status_code == 400
    assert message in answer.text
    assert f'id="{field}-problem"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    if field not in ("kind", "pain_before", "effort"):
        assert f'value="{value}"' in answer.text  # what was typed is kept
    assert '<option value="4" selected>' in answer.text  # and so is the rest
    assert sessions_of(site) == []


# Editing and deleting -------------------------------------------------------------------------


def test_editing_a_session_shows_it_filled_in_and_triages_it_again(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser, start="08:00", minutes="15", pain_before="2")
    check_in(browser, session_id, ["tired_muscles"])
    page = browser.get(f"/log/sessions/{session_id}/edit")
    assert page.status_code == 200
    assert 'value="08:00"' in page.text
    assert 'value="15"' in page.text
    form = {
        "date": today().isoformat(),
        "start": "08:00",
        "minutes": "18",
        "kind": "walk",
        "pain_before": "2",
        "pain_after": "6",
        "effort": "",
    }
    answer = browser.post(
        f"/log/sessions/{session_id}/edit", data={"csrf_token": csrf_of(page.text), **form}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/log/sessions/{session_id}/result"
    result = browser.get(answer.headers["location"]).text
    assert "ASSESS" in result
    assert "Pain rose from 2 to 6" in result
    (edited,) = sessions_of(site)
    assert (edited.minutes, edited.pain_after, edited.level) == (18.0, 6, "ASSESS")
    assert edited.checkin == ("tired_muscles",)  # the answers stay
    assert [alert.level for alert in alerts_of(site)] == ["ASSESS"]


def test_a_wrong_edit_changes_nothing(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser, minutes="15")
    page = browser.get(f"/log/sessions/{session_id}/edit")
    form = {"date": days_ago(9), "minutes": "15", "kind": "walk"}
    answer = browser.post(
        f"/log/sessions/{session_id}/edit", data={"csrf_token": csrf_of(page.text), **form}
    )
    assert answer.status_code == 400
    assert "last 7 days" in answer.text
    assert sessions_of(site)[0].date == today()


def test_deleting_a_session_asks_first_and_removes_it(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser)
    page = browser.get("/today").text
    assert re.search(
        rf'action="/log/sessions/{session_id}/delete" data-confirm="Delete this session', page
    )
    answer = browser.post(f"/log/sessions/{session_id}/delete", data={"csrf_token": csrf_of(page)})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/today?saved=deleted"
    assert sessions_of(site) == []
    assert "The session is deleted." in browser.get("/today?saved=deleted").text


# Daily pain -----------------------------------------------------------------------------------


def pain_ratings(site: Site) -> dict[dt.date, int]:
    with UnitOfWork(site.engine) as uow:
        return dict(uow.pain.for_patient(site.patient))


def test_rating_todays_pain(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    page = browser.get("/pain")
    assert page.status_code == 200
    assert "no pain" in page.text
    assert "worst imaginable" in page.text
    assert page.text.count('type="radio" id="pain-') == 11
    answer = browser.post(
        "/pain",
        data={"csrf_token": csrf_of(page.text), "date": today().isoformat(), "pain": "4"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/today?saved=pain"
    assert pain_ratings(site) == {today(): 4}


def test_pain_still_up_a_day_after_a_session_tells_the_clinician(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser, date=days_ago(1), pain_before="2", pain_after="3")
    check_in(browser, session_id, ["none"])
    answer = browser.post(
        "/pain", data={"csrf_token": token(browser), "date": today().isoformat(), "pain": "7"}
    )
    assert answer.headers["location"] == "/today?saved=pain-alert"
    assert (
        "your clinician has been told and will look at it"
        in browser.get(answer.headers["location"]).text
    )
    assert [alert.level for alert in alerts_of(site)] == ["ASSESS"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"date": "today"}, "0 to 10"),
        ({"date": "today", "pain": "11"}, "0 to 10"),
        ({"date": "2 days ago", "pain": "3"}, "today or yesterday"),
        ({"date": "tomorrow", "pain": "3"}, "has not come yet"),
    ],
)
def test_a_wrong_pain_rating_is_refused_and_not_saved(
    site: Site, form: dict[str, str], message: str
) -> None:
    days = {"today": today().isoformat(), "2 days ago": days_ago(2), "tomorrow": days_ago(-1)}
    browser = site.signed_in(PATIENT)
    sent = form | {"date": days[form["date"]]}
    answer = browser.post("/pain", data={"csrf_token": token(browser), **sent})
    assert answer.status_code == 400
    assert message in answer.text
    assert pain_ratings(site) == {}


# Flares ---------------------------------------------------------------------------------------


def test_reporting_a_flare_says_what_happens_to_next_week(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    page = browser.get("/flare")
    assert "steps back" in page.text
    answer = browser.post(
        "/flare",
        data={"csrf_token": csrf_of(page.text), "severe": "yes", "note": "after gardening"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/flare/reported"
    shown = browser.get("/flare/reported")
    caller = Caller(site.patient, "patient")
    this_week = plan_for(UnitOfWork(site.engine), caller, site.patient, today()).week
    assert this_week is not None
    next_week = plan_for(
        UnitOfWork(site.engine), caller, site.patient, this_week.start + dt.timedelta(days=7)
    ).week
    assert next_week is not None
    assert next_week.decision.value == "step_back"
    assert next_week.reason in shown.text
    with UnitOfWork(site.engine) as uow:
        (flare,) = uow.flares.for_patient(site.patient)
        assert (flare.date, flare.severe, flare.note) == (today(), True, "after gardening")


def test_a_flare_needs_its_severity(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    answer = browser.post("/flare", data={"csrf_token": token(browser, "/flare"), "note": "kept"})
    assert answer.status_code == 400
    assert "how bad the flare is" in answer.text
    assert ">kept</textarea>" in answer.text
    with UnitOfWork(site.engine) as uow:
        assert list(uow.flares.for_patient(site.patient)) == []


# Acupuncture ----------------------------------------------------------------------------------


def visits_of(site: Site) -> list[tuple[dt.date, int | None, int | None, str]]:
    with UnitOfWork(site.engine) as uow:
        return [
            (v.date, v.pain_before, v.pain_after, v.notes)
            for v in uow.acupuncture.for_patient(site.patient)
        ]


def test_logging_an_acupuncture_visit(site: Site) -> None:
    browser = site.signed_in(PATIENT)
    form = {"date": days_ago(2), "pain_before": "7", "pain_after": "4", "notes": "lower back"}
    answer = browser.post("/acupuncture", data={"csrf_token": token(browser), **form})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/today?saved=acupuncture"
    assert visits_of(site) == [(today() - dt.timedelta(days=2), 7, 4, "lower back")]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"date": "tomorrow"}, "has not come yet"),
        ({"date": "", "notes": "kept"}, "enter the day"),
        ({"date": "today", "pain_after": "12"}, "0 to 10"),
    ],
)
def test_a_wrong_acupuncture_visit_is_refused_and_not_saved(
    site: Site, form: dict[str, str], message: str
) -> None:
    days = {"today": today().isoformat(), "tomorrow": days_ago(-1), "": ""}
    browser = site.signed_in(PATIENT)
    sent = form | {"date": days[form["date"]]}
    answer = browser.post("/acupuncture", data={"csrf_token": token(browser), **sent})
    assert answer.status_code == 400
    assert message in answer.text
    if "notes" in form:
        assert ">kept</textarea>" in answer.text
    assert visits_of(site) == []


# Who may use these pages ----------------------------------------------------------------------


def test_every_form_needs_the_form_token(site: Site) -> None:
    start_plan_today(site)
    browser = site.signed_in(PATIENT)
    session_id = log_session(browser)
    planned = plan_for(
        UnitOfWork(site.engine), Caller(site.patient, "patient"), site.patient, today()
    ).today[0]
    posts = {
        "/log/planned": {"at": planned.time.strftime("%H:%M")},
        "/log/new": {"date": today().isoformat(), "minutes": "9", "kind": "walk"},
        f"/log/sessions/{session_id}/edit": {
            "date": today().isoformat(),
            "minutes": "9",
            "kind": "walk",
        },
        f"/log/sessions/{session_id}/checkin": {"checkin": "chest_pain_or_breathless"},
        f"/log/sessions/{session_id}/delete": {},
        "/pain": {"date": today().isoformat(), "pain": "5"},
        "/flare": {"severe": "no"},
        "/acupuncture": {"date": today().isoformat()},
    }
    for path, form in posts.items():
        for sent in ({}, {"csrf_token": "guess"}):
            assert browser.post(path, data={**form, **sent}).status_code == 403, path
    (kept,) = sessions_of(site)
    assert (kept.minutes, kept.level) == (20.0, "CONTINUE")
    assert alerts_of(site) == []
    assert pain_ratings(site) == {}
    assert visits_of(site) == []


def test_another_patient_cannot_reach_a_patients_session(site: Site) -> None:
    owner = site.signed_in(PATIENT)
    session_id = log_session(owner)
    add_user(
        UnitOfWork(site.engine),
        "other@example.org",
        "patient",
        clinician_email="doc@example.org",
        password=PASSWORD,
    )
    other = site.signed_in("other@example.org")
    csrf = token(other, "/log/new")
    for path in ("checkin", "result", "edit"):
        assert other.get(f"/log/sessions/{session_id}/{path}").status_code == 404, path
    form = {"date": today().isoformat(), "minutes": "99", "kind": "walk"}
    assert (
        other.post(f"/log/sessions/{session_id}/edit", data={"csrf_token": csrf, **form})
    ).status_code == 404
    assert (
        other.post(
            f"/log/sessions/{session_id}/checkin",
            data={"csrf_token": csrf, "checkin": "chest_pain_or_breathless"},
        )
    ).status_code == 404
    assert (
        other.post(f"/log/sessions/{session_id}/delete", data={"csrf_token": csrf})
    ).status_code == 404
    (kept,) = sessions_of(site)
    assert (kept.minutes, kept.level) == (20.0, "CONTINUE")


def test_the_clinician_cannot_use_the_patients_logging_pages(site: Site) -> None:
    owner = site.signed_in(PATIENT)
    session_id = log_session(owner)
    doctor = site.signed_in("doc@example.org")
    csrf = csrf_of(doctor.get("/account").text)
    for path in (
        "/log/new",
        f"/log/sessions/{session_id}/checkin",
        f"/log/sessions/{session_id}/result",
        f"/log/sessions/{session_id}/edit",
        "/pain",
        "/flare",
        "/flare/reported",
        "/acupuncture",
    ):
        assert doctor.get(path).status_code == 404, path
    posts = {
        "/log/new": {"date": today().isoformat(), "minutes": "9", "kind": "walk"},
        f"/log/sessions/{session_id}/delete": {},
        "/pain": {"date": today().isoformat(), "pain": "5"},
        "/flare": {"severe": "no"},
    }
    for path, form in posts.items():
        assert doctor.post(path, data={"csrf_token": csrf, **form}).status_code == 404, path
    assert len(sessions_of(site)) == 1
    assert pain_ratings(site) == {}


def test_a_stranger_is_sent_to_sign_in(site: Site) -> None:
    browser = site.browser()
    answer = browser.get("/log/new")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/log/new"
