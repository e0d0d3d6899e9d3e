"""Screenshots of the main pages, desktop and phone, on the demo clinic (`make screenshots`).

    python -m tests.browser.screenshots docs/screenshots

Not part of the test run: pictures change whenever a page does; commit them when they should.
Each picture is what the screen shows first (1280x800 or 375x667), but for `WHOLE_PAGE`.
A page that does not answer 200 is reported and skipped, so the pictures show only real pages.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from pacewise.services.demo_seed import DEMO_CLINICIAN, DEMO_PASSWORD
from tests.browser.live_server import DESKTOP, PHONE, launch_chromium, live_server

PATIENT_PAGES = {
    "tom@example.org": [("today", "/today"), ("log-session", "/log/new")],
    "sam@example.org": [("progress", "/progress")],
}
WHOLE_PAGE = {"progress"}
"""Pictures of the whole page, not just the first screen: the charts are the point."""
CLINICIAN_PAGES = [("clinician-dashboard", "/clinician")]


def take(browser: Browser, base_url: str, folder: Path) -> list[Path]:
    saved: list[Path] = []
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        accounts = [*PATIENT_PAGES.items(), (DEMO_CLINICIAN, CLINICIAN_PAGES)]
        for email, pages in accounts:
            context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
            page = context.new_page()
            page.goto(base_url + "/sign-in")
            page.get_by_label("E-mail").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            if email == DEMO_CLINICIAN:
                pages = [*pages, *_first_patient_page(page, base_url)]
            for name, path in pages:
                answer = page.goto(base_url + path)
                if answer is None or not answer.ok:
                    print(f"skipped {path}: {answer.status if answer else 'no answer'}")
                    continue
                saved.append(_snap(page, folder / f"{name}-{device}.png", name in WHOLE_PAGE))
            context.close()
    return saved


def _first_patient_page(page: Page, base_url: str) -> list[tuple[str, str]]:
    """The patient at the top of the clinician's list (the most urgent), if the list links one."""
    answer = page.goto(base_url + "/clinician")
    if answer is None or not answer.ok:
        return []
    link = page.locator("a[href^='/clinician/patients/']").first
    if link.count() == 0:
        return []
    href = link.get_attribute("href") or ""
    return [("clinician-patient", href.split("#")[0])]


def _snap(page: Page, path: Path, whole: bool = False) -> Path:
    page.screenshot(path=str(path), full_page=whole)
    print(f"saved {path}")
    return path


def main(folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as scratch,
        live_server(Path(scratch)) as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        take(browser, server.url, target)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
