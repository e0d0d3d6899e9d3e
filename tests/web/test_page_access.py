"""Every page, enumerated from the app itself, answers only the people it is for (issue 5 on
issue 4's rules): a stranger is sent to sign in, anyone else gets 404 and no data, and a form
without the session's token is refused. A new page cannot escape this sweep."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session
from pacewise.services.inputs import SessionInput
from pacewise.web.app import create_app
from tests.integration.test_access_sweep import api_routes
from tests.web.conftest import Site, csrf_of

PUBLIC = {"/", "/sign-in", "/invite/{token}", "/sign-out", "/calendar/{token}.ics"}
ANY_SIGNED_IN = {"/account"}
WHO = ("pat@example.org", "outsider@example.org", "doc@example.org", "outsider-doc@example.org")
ADMIN = "outsider-admin@example.org"
RECORD_IDS = ("patient_id", "session_id", "alert_id", "job_id")
"""Path parameters that name someone's record (a card or a questionnaire's name does not)."""
CARE_TEAM_PAGES = {
    "/records/{patient_id}/report.pdf",
    "/records/{patient_id}/fhir.json",
    "/records/{patient_id}/{table}.csv",
}
"""Pages of a patient's record that their own clinician may also open (issue 7's downloads)."""


def page_routes() -> list[tuple[str, str]]:
    app = create_app(engine=create_engine("sqlite://"))
    return [
        (method, path)
        for method, path in api_routes(app.routes)
        if not path.startswith("/api/") and path not in PUBLIC | ANY_SIGNED_IN
    ]


PAGES = page_routes()


def owner_of(path: str) -> str:
    """Who a page is for: a clinician's pages live under /clinician, every other one is the
    signed-in patient's own."""
    return "clinician" if path.startswith("/clinician") else "patient"


def test_the_sweep_sees_the_pages() -> None:
    paths = {path for _, path in PAGES}
    assert {"/today", "/progress", "/clinician", "/clinician/patients/{patient_id}"} <= paths
    assert len(PAGES) >= 30


def url_for(path: str, site: Site, session_id: int) -> str:
    values = {
        "patient_id": str(site.patient),
        "session_id": str(session_id),
        "alert_id": "1",
        "job_id": "1",
        "card_id": "flares",
        "slug": "peg",
        "table": "sessions",
    }
    return re.sub(r"\{(\w+)\}", lambda name: values[name[1]], path)


def form_token(browser: TestClient) -> str:
    return csrf_of(browser.get("/account").text)


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_every_page_answers_only_the_people_it_is_for(site: Site, method: str, path: str) -> None:
    logged = log_session(
        UnitOfWork(site.engine),
        Caller(site.patient, "patient"),
        site.patient,
        SessionInput.model_validate({"date": dt.date.today().isoformat(), "minutes": 5}),
    )
    url = url_for(path, site, logged.session_id)

    stranger = site.browser().request(method, url)
    assert stranger.status_code == 303, (method, url)
    assert stranger.headers["location"].startswith("/sign-in?next=")

    owner = "doc@example.org" if owner_of(path) == "clinician" else "pat@example.org"
    for email in (*WHO, ADMIN):
        if email == owner or (path in CARE_TEAM_PAGES and email == "doc@example.org"):
            continue
        browser = site.signed_in(email)
        data = {"csrf_token": form_token(browser)} if method == "POST" else None
        answer = browser.request(method, url, data=data)
        # Other people of the same role reach only their own records: a page without an id
        # shows them their own (200), a page with someone else's id answers 404.
        own_kind = owner_of(path) == ("clinician" if "doc@" in email else "patient")
        names_a_record = any(f"{{{key}}}" in path for key in RECORD_IDS)
        if own_kind and email != ADMIN and not names_a_record and method == "GET":
            assert answer.status_code == 200, (email, method, url)
            assert "pat@example.org" not in answer.text, (email, url)
            continue
        if own_kind and email != ADMIN and not names_a_record:
            continue  # their own form, with nothing to fill in: tested page by page
        assert answer.status_code == 404, (email, method, url, answer.status_code)

    if method == "POST":
        browser = site.signed_in(owner)
        assert browser.request(method, url, data={}).status_code == 403, url
        assert browser.request(method, url, data={"csrf_token": "guess"}).status_code == 403
