"""The "Calendar reminders" section of the patient's settings (issue 7): make a link, see it
once (webcal:// and https://), subscribe a calendar to it, make a new one, stop the feed."""

from __future__ import annotations

import re

import icalendar
from fastapi.testclient import TestClient

from tests.web.conftest import Site, csrf_of

LINK = re.compile(r'href="(webcal://[^"]+\.ics)"')
ADDRESS = re.compile(r'id="calendar-url" type="text" readonly value="(https?://[^"]+\.ics)"')


def post(browser: TestClient, path: str) -> str:
    token = csrf_of(browser.get("/settings").text)
    answer = browser.post(path, data={"csrf_token": token})
    assert answer.status_code == 200, answer.text
    return str(answer.text)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_a_patient_makes_a_link_sees_it_once_and_a_calendar_reads_it(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    page = browser.get("/settings").text
    assert "Calendar reminders" in page
    assert "Make my calendar link" in page

    made = post(browser, "/settings/calendar-feed")
    webcal, address = LINK.search(made), ADDRESS.search(made)
    assert webcal is not None
    assert address is not None
    assert webcal.group(1).split("://", 1)[1] == address.group(1).split("://", 1)[1]
    assert "Subscribe in your calendar" in made

    calendar = site.browser().get(path_of(address.group(1)))  # no cookie: a calendar app
    assert calendar.status_code == 200
    events = list(icalendar.Calendar.from_ical(calendar.content).walk("VEVENT"))
    assert events, "the plan has sessions in the next four weeks"

    later = browser.get("/settings").text
    assert address.group(1) not in later, "the link is shown only once"
    assert "Your calendar feed is on" in later
    assert "Stop the feed" in later


def test_a_new_link_retires_the_old_one_and_stopping_ends_the_feed(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    first = ADDRESS.search(post(browser, "/settings/calendar-feed"))
    second = ADDRESS.search(post(browser, "/settings/calendar-feed"))
    assert first is not None
    assert second is not None
    calendar_app = site.browser()
    assert calendar_app.get(path_of(first.group(1))).status_code == 404
    assert calendar_app.get(path_of(second.group(1))).status_code == 200

    stopped = post(browser, "/settings/calendar-feed/stop")
    assert "Your calendar feed is stopped" in stopped
    assert "You have no calendar feed" in stopped
    assert calendar_app.get(path_of(second.group(1))).status_code == 404
