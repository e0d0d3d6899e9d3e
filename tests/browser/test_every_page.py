"""Every page, as each person sees it on the demo clinic, on a desktop and on a phone: no console
errors, and axe-core finds no serious or critical accessibility violation (issue 5).

Each test visits all of one person's pages and reports every problem at once, so one run shows
the whole list. Pages that only read are visited; the forms are exercised by the flow tests.
"""

from __future__ import annotations

from collections.abc import Callable

from pacewise.services.demo_seed import DEMO_CLINICIAN
from tests.browser.conftest import Watched, assert_accessible

PATIENT_PAGES = [
    "/today",
    "/log/new",
    "/pain",
    "/flare",
    "/acupuncture",
    "/progress",
    "/questionnaires/peg",
    "/questionnaires/psfs",
    "/questionnaires/tsk11",
    "/questionnaires/pgic",
    "/learn",
    "/learn/hurt_not_harm",
    "/settings",
    "/settings/delete",
]
CLINICIAN_PAGES = ["/clinician", "/clinician/new-patient"]
ANONYMOUS_PAGES = ["/sign-in", "/invite/not-a-real-invite"]


def _problems_on(browser: Watched, paths: list[str]) -> list[str]:
    problems = []
    for path in paths:
        answer = browser.page.goto(browser.base_url + path)
        if answer is None or not answer.ok:
            problems.append(f"{path}: answered {answer.status if answer else 'nothing'}")
            continue
        try:
            assert_accessible(browser.page)
        except AssertionError as violation:
            problems.append(str(violation).splitlines()[0])
        if browser.errors:
            problems.append(f"{path}: console errors {browser.errors}")
            browser.errors.clear()
    return problems


def test_patient_pages(open_page: Callable[..., Watched], viewport: str) -> None:
    browser = open_page(viewport)
    browser.sign_in("tom@example.org")
    assert _problems_on(browser, PATIENT_PAGES) == []


def test_clinician_pages(open_page: Callable[..., Watched], viewport: str) -> None:
    browser = open_page(viewport)
    browser.sign_in(DEMO_CLINICIAN)
    browser.go("/clinician")
    links = browser.page.locator("a[href^='/clinician/patients/']")
    record = (links.first.get_attribute("href") or "").split("#")[0]
    assert record, "the dashboard links no patient"
    pages = [*CLINICIAN_PAGES, record, f"{record}/prescription"]
    assert _problems_on(browser, pages) == []


def test_pages_before_signing_in(open_page: Callable[..., Watched], viewport: str) -> None:
    browser = open_page(viewport)
    assert _problems_on(browser, ANONYMOUS_PAGES) == []
