"""Browser tests: the real app on a live server, in Debian's headless Chromium (issue 5).

Every page a test opens is watched: any console error (a failed load, a script error, a content
security policy violation) fails the test when it ends. `check_page` also runs axe-core on the
page and fails on any serious or critical violation.

axe-core is pinned in tests/browser/package.json and installed by `npm ci` (`make test`). It is
evaluated in the page through the DevTools protocol rather than `page.add_script_tag`, because
our content security policy rightly refuses the inline script that `add_script_tag` would add.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from pacewise.services.demo_seed import DEMO_PASSWORD
from tests.browser.live_server import (
    AXE,
    DESKTOP,
    PHONE,
    LiveServer,
    launch_chromium,
    live_server,
)

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live")) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page and every console error and uncaught script error it has shown."""

    page: Page
    base_url: str
    javascript: bool = True
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        answer = self.page.goto(self.base_url + path)
        assert answer is not None, path
        assert answer.ok, f"{path}: {answer.status}"

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        self.go("/sign-in")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        assert "/sign-in" not in self.page.url, self.page.content()

    def check(self) -> None:
        """No console errors so far, and no serious or critical accessibility violations.

        axe-core is a script: with JavaScript off only the console is checked (the same pages
        with JavaScript on are where axe looks; evaluating a script there would wait forever).
        """
        assert self.errors == [], f"console errors on {self.page.url}: {self.errors}"
        if self.javascript:
            assert_accessible(self.page)


def _note_error(errors: list[str]) -> Callable[[ConsoleMessage], None]:
    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    return note


@pytest.fixture
def open_page(browser: Browser, server: LiveServer) -> Iterator[Callable[..., Watched]]:
    """Opens watched pages, each in its own browser context (its own cookies): at a viewport
    ("desktop" 1280x800 or "phone" 375x667), with JavaScript on or off. Any console error fails
    the test when it ends."""
    opened: list[Watched] = []

    def open_(viewport: str = "desktop", javascript: bool = True) -> Watched:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
            java_script_enabled=javascript,
        )
        page = context.new_page()
        watched = Watched(page, server.url, javascript)
        page.on("console", _note_error(watched.errors))
        page.on("pageerror", lambda error: watched.errors.append(f"uncaught: {error}"))
        opened.append(watched)
        return watched

    yield open_
    try:
        for watched in opened:
            assert watched.errors == [], f"console errors on {watched.page.url}: {watched.errors}"
    finally:
        for watched in opened:
            watched.page.context.close()


def assert_accessible(page: Page) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it with npm ci")
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document)).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], f"accessibility violations on {page.url}: {blocking}"


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: the quick suites report first."""
    here = Path(__file__).parent
    items.sort(key=lambda item: here in Path(str(item.path)).parents)
