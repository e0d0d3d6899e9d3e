"""Schemathesis over the OpenAPI schema, as a patient and as their clinician: no answer is a 5xx,
every answer matches the schema, and no status is one the schema does not know (issue 4).

Every operation is fuzzed on SQLite and on PostgreSQL, with `{patient_id}` set to the clinic's
patient, so requests reach a real record with entries in it rather than only 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlalchemy import create_engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import create_token
from pacewise.web.app import create_app
from tests.integration.conftest import BACKENDS, CLINIC_START, Clinic, clean_engine, open_clinic

ME = "/api/v1/me"
ROLES = ["pat", "doc"]

# What runs is what this file says, not a schemathesis.toml found on the way up. The coverage
# phase (each parameter's edge values in turn) sends only valid requests: the invalid ones, more
# than twice as many, are left to the fuzzing phase's random examples, which keeps the file to
# about a minute. No requests with a method a path does not have either: those test FastAPI.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 4,
        "phases": {"coverage": {"unexpected-methods": [], "generation": {"mode": "positive"}}},
    }
)

# The schema does not depend on the database, so it is read once, from an app on a throwaway
# one; each request goes to the clinic's app (`app=` below).
SCHEMA = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json", create_app(engine=create_engine("sqlite://")), config=CONFIG
)

# DELETE /me takes nothing but the caller's token, and after it every request of that caller is
# a 401: fuzzed, it would shut the caller out of the shared clinic for every operation after
# it. It is called once instead, on a clinic of its own (`test_deleting_my_account...`).
FUZZED = SCHEMA.exclude(method="DELETE", path=ME)

# Every operation that needs a caller lists no or an unknown token (401), a patient asking for a
# clinician's action (403) and a record that is not the caller's or is not there (404), and
# their answers must match it; the few that need none (an invite, the sign-in) may give those
# unlisted. Every other status must be in the schema: 400, 409 and 429 too, which routes give
# outside their signatures (test_openapi_refusals.py checks that they are listed).
CALLER_ANSWERS = frozenset({401, 403, 404})


def status_code_listed(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    needs_caller = bool(case.operation.definition.raw.get("security"))
    if response.status_code in CALLER_ANSWERS and not needs_caller:
        return None
    return status_code_conformance(ctx, response, case)


def test_every_operation_that_needs_a_caller_lists_its_refusals() -> None:
    """401, 403 and 404 are documented with their shape wherever a caller is needed."""
    operations = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
    needing = [op for op in operations if op.definition.raw.get("security")]
    assert len(needing) > 30
    for operation in needing:
        answers = operation.definition.raw["responses"]
        for code in ("401", "403", "404"):
            schema = answers[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (operation.label, code)


CHECKS = [not_a_server_error, response_schema_conformance, status_code_listed]


def token_headers(clinic: Clinic, who: str) -> dict[str, str]:
    """A new token of `who`'s: the fuzzing of DELETE /me/tokens/{token_id} may have revoked any
    earlier one, the clinic's own included."""
    token = create_token(UnitOfWork(clinic.engine), f"{who}@example.org", "fuzz")
    return {"Authorization": f"Bearer {token}"}


def add_records(clinic: Clinic) -> None:
    """One record of each kind for the clinic's patient, so reads, edits and clears find
    something: session 1 (its STOP check-in raises alert 1, and it has a start time), a pain
    rating, a flare, an acupuncture visit and a questionnaire."""
    day = CLINIC_START.isoformat()
    session = {
        "date": day,
        "minutes": 5,
        "start": "07:30",
        "pain_before": 4,
        "pain_after": 5,
        "effort": 3,
        "checkin": ["dizziness_or_fainting"],
    }
    peg = {"date": day, "answers": {"pain": 5, "enjoyment": 5, "activity": 5}}
    records = [
        ("POST", "sessions", session),
        ("PUT", "daily-pain", {"date": day, "pain": 4}),
        ("POST", "flares", {"date": day, "note": "after gardening"}),
        ("POST", "acupuncture", {"date": day, "pain_before": 6, "pain_after": 4}),
        ("POST", "questionnaires/PEG", peg),
    ]
    for method, path, body in records:
        url = f"/api/v1/patients/{clinic.patient}/{path}"
        answer = clinic.client.request(method, url, json=body, headers=clinic.as_("pat"))
        assert answer.is_success, (method, path, answer.text)


@pytest.fixture(scope="module", params=BACKENDS)
def shared_clinic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Clinic]:
    """One clinic per database for every operation, so what one operation's examples write the
    next ones read (and a PostgreSQL database per operation would take minutes)."""
    folder = tmp_path_factory.mktemp("fuzz")
    with clean_engine(request, request.param, folder) as engine, open_clinic(engine) as clinic:
        add_records(clinic)
        yield clinic


@pytest.fixture(params=ROLES)
def caller(request: pytest.FixtureRequest, shared_clinic: Clinic) -> dict[str, str]:
    """The headers of the patient, or of the clinician in whose care they are."""
    return token_headers(shared_clinic, request.param)


@FUZZED.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    # The clinic is shared by the examples on purpose (`shared_clinic`).
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_within_its_schema(
    case: schemathesis.Case[Any], shared_clinic: Clinic, caller: dict[str, str]
) -> None:
    if case.path_parameters and "patient_id" in case.path_parameters:
        case.path_parameters["patient_id"] = shared_clinic.patient
    case.call_and_validate(app=shared_clinic.client.app, headers=caller, checks=CHECKS)


@pytest.mark.parametrize("who", ROLES)
def test_deleting_my_account_answers_within_its_schema(clinic: Clinic, who: str) -> None:
    case = SCHEMA[ME]["DELETE"].Case()
    case.call_and_validate(app=clinic.client.app, headers=clinic.as_(who), checks=CHECKS)
    after = clinic.client.get(ME, headers=clinic.as_(who))
    assert after.status_code == 401, after.text


# Requests answered with a 500 (on one database or both) before this file: found by the fuzzing,
# or by sending what it found to the other routes. A path without a leading slash is under the
# patient's record.
FOUND_BY_FUZZING = [
    pytest.param(
        "pat", "PUT", "daily-pain", '{"date": "0001-01-01", "pain": 0}', "date", id="year 1"
    ),
    pytest.param("pat", "GET", "plan?date=9999-12-31", None, "date", id="year 9999"),
    pytest.param("pat", "PATCH", "sessions/1", '{"date": null}', "date", id="date emptied"),
    pytest.param("pat", "DELETE", "sessions/2147483648", None, "session_id", id="id past int4"),
    pytest.param(
        "doc",
        "POST",
        "alerts/9223372036854775808/clear",
        '{"note": "seen"}',
        "alert_id",
        id="id past int8",
    ),
    pytest.param(
        "pat", "POST", "flares", '{"date": "2026-01-05", "note": "a\\u0000b"}', "note", id="NUL"
    ),
    pytest.param(
        None,
        "POST",
        "/api/v1/session",
        '{"email": "a\\u0000@example.org", "password": "a long pass phrase"}',
        "email",
        id="NUL in a sign-in",
    ),
    pytest.param(
        "pat",
        "POST",
        "questionnaires/PEG",
        '{"date": "2026-01-05", "answers": {"pain": 5, "enjoyment": 5, "activity": 5, "x": 1e400}}',
        "answers",
        id="infinity",
    ),
]


@pytest.mark.parametrize(("who", "method", "path", "body", "field"), FOUND_BY_FUZZING)
def test_what_the_fuzzing_found_is_bad_input_naming_its_field(
    shared_clinic: Clinic, who: str | None, method: str, path: str, body: str | None, field: str
) -> None:
    url = path if path.startswith("/") else f"/api/v1/patients/{shared_clinic.patient}/{path}"
    headers = token_headers(shared_clinic, who) if who else {}
    answer = shared_clinic.client.request(
        method, url, content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    assert [problem["field"] for problem in answer.json()["detail"]] == [field]


def test_a_prescription_with_session_times_reads_back(shared_clinic: Clinic) -> None:
    """Its times were saved as "07:30:00", which the prescription's own check then refused."""
    rx = f"/api/v1/patients/{shared_clinic.patient}/prescription"
    times = {"sessions_per_week": 2, "session_times": ["07:30", "18:00"]}
    body = {"condition": "low_back_pain", "settings": times}
    saved = shared_clinic.client.post(rx, json=body, headers=token_headers(shared_clinic, "doc"))
    assert saved.status_code == 201, saved.text
    assert saved.json()["version"]["settings"]["session_times"] == ["07:30", "18:00"]
