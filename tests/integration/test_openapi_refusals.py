"""The refusals a route gives outside its signature are in the OpenAPI schema too, so a client
knows them before it meets them (issue 4): every route that answers a patient with no
prescription yet with 409 lists it, and the sign-in lists its 429. The schemathesis run checks
every other answer against the schema (test_openapi_fuzz.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pacewise.adapters.db.models import ActivitySession
from pacewise.adapters.db.unit_of_work import UnitOfWork
from tests.integration.conftest import Clinic
from tests.integration.test_access_sweep import HEALTH_ROUTES, call

# Routes that would end the caller's account or session for every call after them, or give
# the patient the prescription the sweep is about their not having (a first one is no 409).
LEFT_OUT = {
    ("DELETE", "/api/v1/me"),
    ("DELETE", "/api/v1/session"),
    ("POST", "/api/v1/patients/{patient_id}/prescription"),
}


def listing(schema: dict[str, Any], code: str) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if code in operation["responses"]
    }


def test_every_route_that_answers_no_prescription_lists_it(clinic: Clinic) -> None:
    """ "other" is in the clinician's care with no prescription: each route that may hold health
    data is asked by them about their own record and by their clinician about it."""
    with UnitOfWork(clinic.engine) as uow:
        other = uow.users.by_email("other@example.org")
        assert other is not None
        other_id = other.id
        # A walk a watch's file brought in (imports need no prescription), so the routes about
        # one session (record 1 in the sweep's paths) reach the prescription too.
        walk = ActivitySession(
            patient_id=other_id,
            date=dt.date(2026, 1, 5),
            minutes=20.0,
            kind="walk",
            source="gpx",
            source_id="walk-1",
        )
        uow.sessions.db.add(walk)
        uow.commit()
        assert walk.id == 1
    # The sweep's sample edit changes the minutes, which an imported walk keeps (422); a pain
    # rating is the patient's to add, and its triage needs the prescription. Asked first: the
    # sweep deletes the walk.
    edit = ("PATCH", "/api/v1/patients/{patient_id}/sessions/{session_id}")
    url = f"/api/v1/patients/{other_id}/sessions/{walk.id}"
    rated = clinic.client.patch(url, json={"pain_after": 3}, headers=clinic.as_("other"))
    answered = {edit} if rated.status_code == 409 else set()
    answered |= {
        (method, path)
        for method, path in HEALTH_ROUTES
        if (method, path) not in LEFT_OUT
        for who in ("other", "doc")
        if call(clinic, method, path, who, other_id) == 409
    }
    listed = listing(clinic.client.get("/api/v1/openapi.json").json(), "409")
    assert ("GET", "/api/v1/patients/{patient_id}/plan") in answered
    assert answered == listed


def test_the_sign_in_lists_its_slow_down(clinic: Clinic) -> None:
    schema = clinic.client.get("/api/v1/openapi.json").json()
    assert listing(schema, "429") == {("POST", "/api/v1/session")}
    answer = schema["paths"]["/api/v1/session"]["post"]["responses"]["429"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_route_that_takes_a_body_lists_an_unreadable_one(clinic: Clinic) -> None:
    schema = clinic.client.get("/api/v1/openapi.json").json()
    with_body = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert ("POST", "/api/v1/patients/{patient_id}/sessions") in with_body
    assert listing(schema, "400") == with_body
