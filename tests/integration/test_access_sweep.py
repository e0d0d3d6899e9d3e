"""Every patient-scoped route, enumerated from the app itself, refuses everyone but the patient
and their clinician: a new endpoint cannot escape this sweep (issue 4, privacy). Likewise the
clinician's routes refuse patients and admins, an admin reaches no route with health data, and
the admin's routes refuse everyone but admins."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import create_engine
from starlette.routing import BaseRoute

from pacewise.web.app import create_app
from tests.integration.conftest import Clinic

# A valid body for each route that takes one, so refusals are about access, never validation.
SAMPLE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/patients/{patient_id}/sessions"): {"date": "2026-01-05", "minutes": 5},
    ("PUT", "/api/v1/patients/{patient_id}/daily-pain"): {"date": "2026-01-05", "pain": 4},
    ("POST", "/api/v1/patients/{patient_id}/alerts/{alert_id}/clear"): {"note": "seen"},
    ("POST", "/api/v1/patients/{patient_id}/flares"): {"date": "2026-01-05"},
    ("PATCH", "/api/v1/patients/{patient_id}/sessions/{session_id}"): {"minutes": 6},
    ("POST", "/api/v1/patients/{patient_id}/acupuncture"): {"date": "2026-01-05"},
    ("POST", "/api/v1/patients/{patient_id}/prescription"): {"condition": "fibromyalgia"},
    ("PUT", "/api/v1/me/preferences"): {"session_times": ["09:00"]},
    ("POST", "/api/v1/patients/{patient_id}/prescription/preview"): {"condition": "fibromyalgia"},
    ("POST", "/api/v1/patients/{patient_id}/imports"): {},  # the body is the file itself
    ("POST", "/api/v1/patients/{patient_id}/questionnaires/{instrument}"): {
        "date": "2026-01-05",
        "answers": {"pain": 5, "enjoyment": 5, "activity": 5},
    },
}
OUTSIDERS = {"other": 404, "other-doc": 404, "admin": 404}


def api_routes(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every API route, also inside included routers (FastAPI keeps those
    as one entry holding the router and its prefix)."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods or ()):
                yield method, prefix + route.path
        included = getattr(route, "include_context", None)
        if included is not None:
            yield from api_routes(included.included_router.routes, prefix + included.prefix)


API = "/api/v1/"
"""The JSON API; the pages have their own sweep (tests/web/test_page_access.py)."""


def patient_routes() -> list[tuple[str, str]]:
    app = create_app(engine=create_engine("sqlite://"))
    return [
        (method, path)
        for method, path in api_routes(app.routes)
        if "{patient_id}" in path and path.startswith(API)
    ]


ROUTES = patient_routes()


def test_the_sweep_sees_the_patient_routes() -> None:
    assert ("POST", "/api/v1/patients/{patient_id}/sessions") in ROUTES
    assert len(ROUTES) >= 5


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_patient_route_refuses_outsiders_and_anonymous_callers(
    clinic: Clinic, method: str, path: str
) -> None:
    body = SAMPLE_BODIES.get((method, path))
    if method in ("POST", "PUT", "PATCH"):
        assert body is not None, f"add a sample body for {method} {path} to SAMPLE_BODIES"
    url = (
        path.replace("{patient_id}", str(clinic.patient))
        .replace("{alert_id}", "1")
        .replace("{instrument}", "PEG")
        .replace("{session_id}", "1")
        .replace("{job_id}", "1")
        .replace("{table}", "sessions")
    )
    for who, expected in OUTSIDERS.items():
        answer = clinic.client.request(method, url, json=body, headers=clinic.as_(who))
        assert answer.status_code == expected, (who, method, url, answer.text)
    anonymous = clinic.client.request(method, url, json=body)
    assert anonymous.status_code == 401, (method, url, anonymous.text)


# Routes an admin may use: their own account, signing in and out, and what holds no one's
# health data. Every other route, the /admin ones aside, must answer an admin 404 (issue 4: an
# admin manages accounts but reads no health data).
ADMIN_MAY_USE = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/me"),
    ("DELETE", "/api/v1/me"),
    ("GET", "/api/v1/cards"),
    ("GET", "/api/v1/imports/template.csv"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("POST", "/api/v1/invites/{token}"),
    ("POST", "/api/v1/me/tokens"),
    ("GET", "/api/v1/me/tokens"),
    ("DELETE", "/api/v1/me/tokens/{token_id}"),
}
ADMIN_PREFIX = "/api/v1/admin/"
CLINICIAN_PREFIX = "/api/v1/clinician/"
PATH_VALUES = {"instrument": "PEG", "token": "no-such-invite", "table": "sessions"}  # else: 1
SAMPLE_BODIES[("POST", "/api/v1/clinician/patients")] = {
    "email": "sweep@example.org",
    "start_date": "2026-01-05",
}
SAMPLE_BODIES[("POST", "/api/v1/me/calendar-feed")] = {}
SAMPLE_BODIES[("POST", "/api/v1/admin/clinicians")] = {"email": "sweep-doc@example.org"}
SAMPLE_BODIES[("POST", "/api/v1/admin/care")] = {"clinician_id": 1, "patient_id": 1}
SAMPLE_BODIES[("DELETE", "/api/v1/admin/care")] = {"clinician_id": 1, "patient_id": 1}


def every_route() -> list[tuple[str, str]]:
    routes = api_routes(create_app(engine=create_engine("sqlite://")).routes)
    return [(method, path) for method, path in routes if path.startswith(API)]


EVERY_ROUTE = every_route()
HEALTH_ROUTES = [
    route
    for route in EVERY_ROUTE
    if route not in ADMIN_MAY_USE and not route[1].startswith(ADMIN_PREFIX)
]
CLINICIAN_ROUTES = [route for route in EVERY_ROUTE if route[1].startswith(CLINICIAN_PREFIX)]
ADMIN_ROUTES = [route for route in EVERY_ROUTE if route[1].startswith(ADMIN_PREFIX)]


def call(
    clinic: Clinic, method: str, path: str, who: str | None, patient: int | None = None
) -> int:
    """The status a route answers `who` (None: nobody signed in) with a valid body, about
    `patient` (default: the clinic's patient, who has a prescription)."""
    body = SAMPLE_BODIES.get((method, path))
    if method in ("POST", "PUT", "PATCH") and not path.startswith(ADMIN_PREFIX):
        assert body is not None, f"add a sample body for {method} {path} to SAMPLE_BODIES"
    values = {**PATH_VALUES, "patient_id": str(patient or clinic.patient)}
    url = re.sub(r"\{(\w+)\}", lambda name: values.get(name[1], "1"), path)
    headers = clinic.as_(who) if who else None
    return int(clinic.client.request(method, url, json=body, headers=headers).status_code)


def test_the_sweeps_see_the_clinician_and_admin_routes() -> None:
    assert ("GET", "/api/v1/clinician/patients") in HEALTH_ROUTES
    assert ("GET", "/api/v1/me/export") in HEALTH_ROUTES
    assert ("GET", "/api/v1/clinician/patients") in CLINICIAN_ROUTES
    assert ("GET", "/api/v1/admin/users") in ADMIN_ROUTES
    assert set(ADMIN_MAY_USE) <= set(EVERY_ROUTE), "a route an admin may use has gone"


@pytest.mark.parametrize(("method", "path"), HEALTH_ROUTES)
def test_an_admin_reads_and_writes_no_health_data(clinic: Clinic, method: str, path: str) -> None:
    assert call(clinic, method, path, "admin") == 404, (method, path)


@pytest.mark.parametrize(("method", "path"), CLINICIAN_ROUTES)
def test_clinician_routes_refuse_patients_admins_and_anonymous_callers(
    clinic: Clinic, method: str, path: str
) -> None:
    for who in ("pat", "other", "admin"):
        assert call(clinic, method, path, who) == 404, (who, method, path)
    assert call(clinic, method, path, None) == 401, (method, path)


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_refuse_everyone_but_admins(clinic: Clinic, method: str, path: str) -> None:
    for who in ("pat", "other", "doc", "other-doc"):
        assert call(clinic, method, path, who) == 404, (who, method, path)
    assert call(clinic, method, path, None) == 401, (method, path)
