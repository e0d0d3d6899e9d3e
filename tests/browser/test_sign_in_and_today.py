"""Signing in and the Today page in a real browser, on a desktop and on a phone (issue 5)."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import Watched, path_of


def test_sign_in_page_is_clean_and_accessible(
    open_page: Callable[..., Watched], viewport: str
) -> None:
    browser = open_page(viewport)
    browser.go("/sign-in")
    assert browser.page.get_by_role("heading", name="Sign in").is_visible()
    browser.check()


def test_a_wrong_password_is_refused_in_words(
    open_page: Callable[..., Watched], viewport: str
) -> None:
    browser = open_page(viewport)
    browser.go("/sign-in")
    browser.page.get_by_label("E-mail").fill("sam@example.org")
    browser.page.get_by_label("Password").fill("not the password at all")
    browser.page.get_by_role("button", name="Sign in").click()
    assert browser.page.get_by_role("alert").is_visible()
    assert path_of(browser.page.url) == "/sign-in"
    browser.errors.clear()  # the browser logs the 400 answer itself; it is what we asked for
    browser.check()


def test_a_patient_signs_in_and_sees_today(
    open_page: Callable[..., Watched], viewport: str
) -> None:
    browser = open_page(viewport)
    browser.sign_in("sam@example.org")
    assert path_of(browser.page.url) == "/today"
    assert browser.page.get_by_role("heading", level=1).inner_text().startswith("Today")
    assert browser.page.get_by_text("Why this plan").is_visible()
    browser.check()


def test_signing_in_works_without_javascript(open_page: Callable[..., Watched]) -> None:
    browser = open_page("phone", javascript=False)
    browser.sign_in("maria@example.org")
    assert path_of(browser.page.url) == "/today"
    browser.page.get_by_role("button", name="Sign out").click()
    assert path_of(browser.page.url) == "/sign-in"


def test_a_page_that_needs_signing_in_comes_back_after_it(
    open_page: Callable[..., Watched],
) -> None:
    browser = open_page()
    browser.go("/today")
    assert path_of(browser.page.url) == "/sign-in?next=/today"
    browser.page.get_by_label("E-mail").fill("tom@example.org")
    browser.page.get_by_label("Password").fill("pacewise-demo")
    browser.page.get_by_role("button", name="Sign in").click()
    assert path_of(browser.page.url) == "/today"
