"""Today shows the education card that fits the moment and the questionnaires now due."""

from __future__ import annotations

import datetime as dt

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.patient_records import report_flare, submit_questionnaire
from tests.web.conftest import Site


def test_today_asks_for_the_weekly_questions_until_they_are_answered(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    page = browser.get("/today")
    assert page.status_code == 200
    assert 'href="/questionnaires/peg"' in page.text
    day = dt.date.today()
    submit_questionnaire(
        UnitOfWork(site.engine),
        Caller(site.patient, "patient"),
        site.patient,
        "PEG",
        day,
        {"pain": 5, "enjoyment": 5, "activity": 5},
    )
    assert 'href="/questionnaires/peg"' not in browser.get("/today").text


def test_after_a_flare_today_shows_the_card_about_flares(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    assert 'href="/learn/flares"' not in browser.get("/today").text
    report_flare(
        UnitOfWork(site.engine),
        Caller(site.patient, "patient"),
        site.patient,
        dt.date.today(),
        True,
        "",
    )
    page = browser.get("/today")
    assert "For right now" in page.text
    assert 'href="/learn/flares"' in page.text
