"""The patient's Progress page, questionnaires and Learn cards, on both databases (issue 5)."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Kind
from pacewise.domain.cards import all_cards
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session, rate_daily_pain
from pacewise.services.inputs import SessionInput
from pacewise.services.patient_records import log_acupuncture, report_flare
from tests.web.conftest import Site, csrf_of

PEG_OK = {"pain": "5", "enjoyment": "4", "activity": "4"}


def today() -> dt.date:
    """The patient's time zone is UTC, so their today is UTC's."""
    return dt.datetime.now(dt.UTC).date()


def patient(site: Site) -> tuple[TestClient, Caller]:
    return site.signed_in("pat@example.org"), Caller(site.patient, "patient")


def answer(browser: TestClient, slug: str, fields: dict[str, str]) -> tuple[int, str]:
    page = browser.get(f"/questionnaires/{slug}")
    assert page.status_code == 200, page.text
    sent = browser.post(
        f"/questionnaires/{slug}", data={"csrf_token": csrf_of(page.text), **fields}
    )
    if sent.status_code != 303:
        return sent.status_code, sent.text
    assert sent.headers["location"] == f"/questionnaires/{slug}?answered=latest"
    shown = browser.get(sent.headers["location"])
    return shown.status_code, shown.text


def due_links(html: str) -> list[str]:
    section = html.split('id="due-heading"', 1)
    if len(section) < 2:
        return []
    return re.findall(r'href="/questionnaires/(\w+)"', section[1].split("</section>", 1)[0])


def test_progress_charts_show_pain_flares_visits_and_minutes_with_words(site: Site) -> None:
    browser, me = patient(site)
    day = today()
    for back, pain in ((3, 4), (2, 7), (1, 5)):
        rate_daily_pain(UnitOfWork(site.engine), me, site.patient, day - dt.timedelta(back), pain)
    report_flare(UnitOfWork(site.engine), me, site.patient, day - dt.timedelta(2), False, "")
    log_acupuncture(UnitOfWork(site.engine), me, site.patient, day - dt.timedelta(1), 6, 3, "")
    log_session(
        UnitOfWork(site.engine),
        me,
        site.patient,
        SessionInput(date=day, minutes=12, kind=Kind.WALK),
    )
    page = browser.get("/progress")
    assert page.status_code == 200
    html = page.text
    assert html.count('role="img"') == 2
    assert "PEG score</strong>: no answers yet." in html
    two_days_ago = day - dt.timedelta(2)
    assert f"{two_days_ago.day} {two_days_ago.strftime('%b')}: pain 7 out of 10" in html
    assert "<title>Flare from" in html
    assert "<title>Acupuncture visit on" in html
    assert "3 ratings, from 4 to 7 out of 10" in html
    assert "So far this week: 12 of" in html  # WeekSummary.words from week_history
    assert "<figcaption>Minutes per plan week" in html
    assert "Recent weeks" in html
    # The flare sets the card that fits the moment (PROTOCOL.md 8).
    assert 'href="/learn/flares"' in html


def test_every_questionnaire_is_due_at_first_and_an_answered_peg_is_not(site: Site) -> None:
    browser, _ = patient(site)
    assert due_links(browser.get("/progress").text) == ["peg", "psfs", "tsk11", "pgic"]
    status, _ = answer(browser, "peg", PEG_OK)
    assert status == 200
    assert due_links(browser.get("/progress").text) == ["psfs", "tsk11", "pgic"]


def test_a_peg_answer_shows_its_score_its_meaning_and_then_the_change(site: Site) -> None:
    browser, _ = patient(site)
    status, html = answer(browser, "peg", {"pain": "6", "enjoyment": "6", "activity": "6"})
    assert status == 200
    assert "Your PEG score is 6.0 out of 10" in html
    status, html = answer(browser, "peg", {"pain": "4", "enjoyment": "4", "activity": "4"})
    assert "Your PEG score is 4.0 out of 10" in html
    assert "fell from 6.0 to 4.0" in html
    assert "a meaningful improvement" in html
    progress = browser.get("/progress").text
    assert "PEG score 4</title>" in progress
    assert "PEG score 6</title>" in progress


def test_a_missing_answer_is_named_and_what_was_chosen_is_kept(site: Site) -> None:
    browser, _ = patient(site)
    status, html = answer(browser, "peg", {"pain": "5", "enjoyment": "4"})
    assert status == 400
    assert 'id="activity-problem">Please choose an answer.' in html
    assert 'name="pain" value="5" checked' in html
    assert 'name="enjoyment" value="4" checked' in html
    assert "Your PEG score" not in html


def test_an_answer_out_of_range_is_refused(site: Site) -> None:
    browser, _ = patient(site)
    status, html = answer(browser, "peg", {**PEG_OK, "pain": "11"})
    assert status == 400
    assert 'id="pain-problem"' in html


def test_tsk11_lists_eleven_statements_and_high_fear_brings_the_avoidance_card(
    site: Site,
) -> None:
    browser, _ = patient(site)
    form = browser.get("/questionnaires/tsk11").text
    assert len(re.findall(r'name="item_\d+" value="4"', form)) == 11
    assert "Woby" in form
    status, html = answer(browser, "tsk11", {f"item_{n}": "3" for n in range(1, 12)})
    assert status == 200
    assert "Your score is 33" in html
    learn = browser.get("/learn").text
    assert 'href="/learn/avoidance_cycle"' in learn.split('id="cards-heading"')[0]


def test_psfs_keeps_each_activity_and_offers_them_again(site: Site) -> None:
    browser, _ = patient(site)
    status, html = answer(browser, "psfs", {"activity_1": "climbing stairs", "rating_1": ""})
    assert status == 400
    assert 'id="rating_1-problem"' in html
    assert 'value="climbing stairs"' in html
    status, html = answer(
        browser,
        "psfs",
        {
            "activity_1": "climbing stairs",
            "rating_1": "3",
            "activity_2": "gardening",
            "rating_2": "6",
        },
    )
    assert status == 200
    assert "Your average activity rating is 4.5 out of 10" in html
    again = browser.get("/questionnaires/psfs").text
    assert (
        'id="activity_2" name="activity_2" type="text" maxlength="200" value="gardening"' in again
    )


def test_pgic_shows_the_published_anchors(site: Site) -> None:
    browser, _ = patient(site)
    status, html = answer(browser, "pgic", {"rating": "6"})
    assert status == 200
    assert "You chose 6 out of 7" in html
    assert "a real and worthwhile difference" in html


def test_a_questionnaire_needs_the_form_token_and_an_unknown_one_is_not_found(
    site: Site,
) -> None:
    browser, _ = patient(site)
    assert browser.post("/questionnaires/peg", data=PEG_OK).status_code == 403
    assert browser.get("/questionnaires/nope").status_code == 404
    assert "Your PEG score" not in browser.get("/progress").text


def test_learn_lists_every_card_and_each_reads_on_its_own_page(site: Site) -> None:
    browser, _ = patient(site)
    learn = browser.get("/learn")
    assert learn.status_code == 200
    for card in all_cards():
        assert f'href="/learn/{card.id}"' in learn.text
    pacing = browser.get("/learn/pacing")
    assert pacing.status_code == 200
    assert "boom and bust" in pacing.text
    assert "<h1>Pacing: steady beats boom and bust</h1>" in pacing.text
    assert browser.get("/learn/nope").status_code == 404


def test_these_pages_are_the_patients_own(site: Site) -> None:
    doctor = site.signed_in("doc@example.org")
    for path in ("/progress", "/learn", "/questionnaires/peg", "/settings"):
        assert doctor.get(path).status_code == 404, path
    stranger = site.browser()
    assert stranger.get("/progress").headers["location"] == "/sign-in?next=/progress"
