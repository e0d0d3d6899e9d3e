"""Every patient-scoped route, enumerated from the app itself, refuses everyone but the patient
and their clinician: a new endpoint cannot escape this sweep (issue 4, privacy)."""

from __future__ import annotations

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
    ("POST", "/api/v1/patients/{patient_id}/prescription/preview"): {"condition": "fibromyalgia"},
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


def patient_routes() -> list[tuple[str, str]]:
    app = create_app(engine=create_engine("sqlite://"))
    return [(method, path) for method, path in api_routes(app.routes) if "{patient_id}" in path]


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
    )
    for who, expected in OUTSIDERS.items():
        answer = clinic.client.request(method, url, json=body, headers=clinic.as_(who))
        assert answer.status_code == expected, (who, method, url, answer.text)
    anonymous = clinic.client.request(method, url, json=body)
    assert anonymous.status_code == 401, (method, url, anonymous.text)
