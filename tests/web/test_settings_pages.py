"""The patient's settings: time zone, password, export and deletion, on both databases."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from pacewise.adapters.db.models import AuditEvent, utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Kind
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session
from pacewise.services.inputs import SessionInput
from pacewise.services.sign_in import LOCK_AFTER
from tests.web.conftest import PASSWORD, Site, csrf_of

NEW_PASSWORD = "a gentle walk after lunch"


def post(browser: TestClient, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
    token = csrf_of(browser.get("/settings").text)
    sent = browser.post(path, data={"csrf_token": token, **fields})
    return sent.status_code, sent.headers.get("location", ""), sent.text


def user(site: Site) -> tuple[str, str, str | None]:
    """The patient's e-mail, time zone and password hash, as stored now."""
    with UnitOfWork(site.engine).reading() as uow:
        found = uow.users.get(site.patient)
        assert found is not None
        return found.email, found.time_zone, found.password_hash


def newest_settings(site: Site) -> dict[str, object]:
    with UnitOfWork(site.engine).reading() as uow:
        newest = uow.prescriptions.current(site.patient)
        assert newest is not None
        return dict(newest.settings) | {"by": newest.changed_by}


def test_the_patient_saves_their_times_and_preferred_activity(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    page = browser.get("/settings").text
    assert 'id="time1" name="time1" type="time" value="10:00"' in page
    assert "No preference: walk, as planned" in page
    status, location, _ = post(
        browser,
        "/settings/preferences",
        {"time1": "17:30", "time2": "07:00", "time3": "", "preferred_kind": "yoga"},
    )
    assert (status, location) == (303, "/settings?saved=preferences")
    assert newest_settings(site) == {
        "session_times": ["07:00", "17:30"],
        "preferred_kind": "yoga",
        "by": site.patient,
    }
    page = browser.get("/settings?saved=preferences").text
    assert "from the start of next week" in page
    assert 'value="07:00"' in page
    assert 'value="17:30"' in page
    assert '<option value="yoga" selected>' in page


def test_unreadable_times_are_refused_with_the_form_kept(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    before = newest_settings(site)
    status, _, html = post(
        browser, "/settings/preferences", {"time1": "7 in the morning", "preferred_kind": ""}
    )
    assert status == 400
    assert "Please give one to three times of day, like 07:30." in html
    assert 'value="7 in "' in html  # what was typed, cut to the field's length
    status, _, html = post(
        browser, "/settings/preferences", {"time1": "08:00", "preferred_kind": "skydiving"}
    )
    assert status == 400
    assert "Please choose an activity from the list." in html
    assert newest_settings(site) == before


def test_the_time_zone_is_saved_and_a_made_up_one_is_refused(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    assert '<option value="Europe/Paris">' in browser.get("/settings").text
    status, location, _ = post(browser, "/settings/time-zone", {"time_zone": "Europe/Paris"})
    assert (status, location) == (303, "/settings?saved=time-zone")
    assert user(site)[1] == "Europe/Paris"
    assert '<option value="Europe/Paris" selected>' in browser.get("/settings").text
    status, _, html = post(browser, "/settings/time-zone", {"time_zone": "Mars/Olympus"})
    assert status == 400
    assert "Please choose a time zone from the list." in html
    assert user(site)[1] == "Europe/Paris"


def test_a_wrong_current_password_is_refused_and_nothing_changes(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    other = site.signed_in("pat@example.org")
    before = user(site)[2]
    status, _, html = post(
        browser,
        "/settings/password",
        {"current": "not my password", "new": NEW_PASSWORD, "again": NEW_PASSWORD},
    )
    assert status == 400
    assert "That is not your current password. Nothing has changed." in html
    assert user(site)[2] == before
    assert other.get("/settings").status_code == 200
    site.signed_in("pat@example.org")  # the old password still signs in


def test_new_passwords_must_match_and_follow_the_rules(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    status, _, html = post(
        browser, "/settings/password", {"current": PASSWORD, "new": NEW_PASSWORD, "again": "x"}
    )
    assert status == 400
    assert "The two new passwords are not the same." in html
    status, _, html = post(
        browser, "/settings/password", {"current": PASSWORD, "new": "short", "again": "short"}
    )
    assert status == 400
    assert "The new password must be at least 10 characters." in html


def test_a_changed_password_signs_out_every_other_browser_but_this_one(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    other = site.signed_in("pat@example.org")
    status, location, _ = post(
        browser,
        "/settings/password",
        {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
    )
    assert (status, location) == (303, "/settings?saved=password")
    assert browser.get("/settings").status_code == 200
    assert other.get("/settings").status_code == 303
    fresh = site.browser()
    assert (
        fresh.post("/sign-in", data={"email": "pat@example.org", "password": PASSWORD}).status_code
        == 400
    )
    assert (
        fresh.post(
            "/sign-in", data={"email": "pat@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 303
    )
    with UnitOfWork(site.engine).reading() as uow:
        actions = uow.users.db.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == site.patient)
        ).all()
    assert "password.changed" in actions


def test_export_is_a_json_download_with_my_sessions(site: Site) -> None:
    day = dt.datetime.now(dt.UTC).date()
    log_session(
        UnitOfWork(site.engine),
        Caller(site.patient, "patient"),
        site.patient,
        SessionInput(date=day, minutes=14, kind=Kind.CYCLE),
    )
    answer = site.signed_in("pat@example.org").get("/settings/export")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    data = json.loads(answer.text)
    assert data["account"]["email"] == "pat@example.org"
    sessions = data["activity_sessions"]
    assert [(s["minutes"], s["kind"], s["date"]) for s in sessions] == [
        (14, "cycle", day.isoformat())
    ]


def test_deleting_needs_a_confirmation_then_removes_the_account(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    confirm = browser.get("/settings/delete")
    assert confirm.status_code == 200
    token = csrf_of(confirm.text)
    unconfirmed = browser.post("/settings/delete", data={"csrf_token": token})
    assert unconfirmed.status_code == 400
    assert "Please tick the box" in unconfirmed.text
    assert user(site)[0] == "pat@example.org"
    assert browser.post("/settings/delete", data={"confirm": "yes"}).status_code == 403
    gone = browser.post("/settings/delete", data={"csrf_token": token, "confirm": "yes"})
    assert gone.status_code == 303
    assert gone.headers["location"] == "/sign-in?goodbye=1"
    assert "have been deleted" in browser.get("/sign-in?goodbye=1").text
    assert browser.get("/settings").status_code == 303
    with UnitOfWork(site.engine).reading() as uow:
        assert uow.users.get(site.patient) is None
    again = site.browser().post("/sign-in", data={"email": "pat@example.org", "password": PASSWORD})
    assert again.status_code == 400


def test_too_many_wrong_current_passwords_ask_the_patient_to_wait(site: Site) -> None:
    """The page's answer when the service throttles (its counting, with a fixed clock, is in
    tests/integration/test_password_change.py): enough failures are stored to lock the
    change for the whole window, so the test does not depend on how fast requests run."""
    browser = site.signed_in("pat@example.org")
    with UnitOfWork(site.engine) as uow:
        for _ in range(LOCK_AFTER):
            uow.users.add_failure(f"password-change:{site.patient}", utc_now())
        uow.commit()
    before = user(site)[2]
    right = {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    status, _, html = post(browser, "/settings/password", right)
    assert status == 400
    assert "please wait 15 min before trying again" in html
    assert "Nothing has changed." in html
    assert user(site)[2] == before
