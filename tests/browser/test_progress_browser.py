"""Progress, questionnaires, Learn and Settings in a real browser, desktop and phone (issue 5)."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import Watched, path_of

PAGES = (
    "/progress",
    "/questionnaires/peg",
    "/questionnaires/psfs",
    "/questionnaires/tsk11",
    "/questionnaires/pgic",
    "/learn",
    "/learn/pacing",
    "/settings",
    "/settings/delete",
)


def test_the_patients_progress_pages_are_clean_and_accessible(
    open_page: Callable[..., Watched], viewport: str
) -> None:
    browser = open_page(viewport)
    browser.sign_in("sam@example.org")
    for path in PAGES:
        browser.go(path)
        assert browser.page.get_by_role("heading", level=1).is_visible(), path
        browser.check()
    browser.go("/progress")
    charts = browser.page.get_by_role("img")
    assert charts.count() >= 2
    assert browser.page.locator("figure svg").first.bounding_box()["width"] > 250  # type: ignore[index]


def test_a_questionnaire_is_answered_with_the_keyboard_and_no_javascript(
    open_page: Callable[..., Watched],
) -> None:
    browser = open_page("phone", javascript=False)
    browser.sign_in("maria@example.org")
    browser.go("/questionnaires/pgic")
    choice = browser.page.get_by_label("5: Moderately better", exact=False)
    choice.focus()
    browser.page.keyboard.press("Space")
    assert choice.is_checked()
    browser.page.get_by_role("button", name="Save my answers").click()
    assert path_of(browser.page.url) == "/questionnaires/pgic?answered=latest"
    assert "You chose 5 out of 7" in browser.page.get_by_role("status").inner_text()
    browser.check()
