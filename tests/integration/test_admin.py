"""An admin manages accounts and care, reads no health data, and every action is audited
(issue 4), on SQLite and PostgreSQL. That everyone else gets 404 from the admin routes, and an
admin 404 from every route with health data, is swept in test_access_sweep.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select

from pacewise.adapters.db.models import AuditEvent, utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user, create_token
from pacewise.services.sign_in import LOCK_AFTER, SignInRefused, sign_in
from tests.integration.conftest import Clinic

ADMIN = "/api/v1/admin"
PASSWORD = "a long walk by the sea"
ACCOUNT_FIELDS = {
    "id",
    "email",
    "role",
    "display_name",
    "created_at",
    "active",
    "locked",
    "password_set",
}


def user_id(engine: Engine, email: str) -> int:
    with UnitOfWork(engine) as uow:
        user = uow.users.by_email(email)
        assert user is not None
        return user.id


def admin_events(engine: Engine) -> list[tuple[str, int | None, dict[str, Any]]]:
    with UnitOfWork(engine) as uow:
        events = uow.users.db.scalars(
            select(AuditEvent).where(AuditEvent.actor_role == "admin").order_by(AuditEvent.id)
        ).all()
        return [(e.action, e.patient_id, e.detail) for e in events]


def all_users(clinic: Clinic, **query: Any) -> list[dict[str, Any]]:
    answer = clinic.client.get(f"{ADMIN}/users", params=query, headers=clinic.as_("admin"))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def listed(clinic: Clinic, email: str) -> dict[str, Any]:
    (found,) = [user for user in all_users(clinic, limit=200) if user["email"] == email]
    return found


def test_an_admin_creates_a_clinician_who_sets_a_password_with_the_invite(
    clinic: Clinic, engine: Engine
) -> None:
    made = clinic.client.post(
        f"{ADMIN}/clinicians",
        json={"email": "New-Doc@Example.org", "display_name": "Dr New"},
        headers=clinic.as_("admin"),
    )
    assert made.status_code == 201, made.text
    created = made.json()
    assert created["email"] == "new-doc@example.org"
    assert created["role"] == "clinician"
    expires = dt.datetime.fromisoformat(created["invite_expires_at"])
    assert dt.timedelta(days=6) < expires - utc_now() <= dt.timedelta(days=7)
    assert listed(clinic, "new-doc@example.org")["password_set"] is False
    token = created["invite_url"].removeprefix("/invite/")
    accepted = clinic.client.post(f"/api/v1/invites/{token}", json={"password": PASSWORD})
    assert accepted.status_code == 204, accepted.text
    again = clinic.client.post(f"/api/v1/invites/{token}", json={"password": PASSWORD})
    assert again.status_code == 422
    signed = clinic.client.post(
        "/api/v1/session", json={"email": "new-doc@example.org", "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["role"] == "clinician"
    assert listed(clinic, "new-doc@example.org")["password_set"] is True
    assert ("user.created", None, {"user_id": created["id"], "role": "clinician"}) in (
        admin_events(engine)
    )
    with UnitOfWork(engine) as uow:
        (acceptance,) = uow.users.db.scalars(
            select(AuditEvent).where(AuditEvent.action == "invite.accepted")
        ).all()
        assert (acceptance.actor_id, acceptance.patient_id) == (created["id"], None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "doc@example.org"}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "x@example.org", "role": "admin"}, "role"),
        ({"email": "x@example.org", "display_name": "Dr\x00X"}, "display_name"),
        ({"email": "x@example.org", "display_name": "x" * 201}, "display_name"),
        ({"email": 7}, "email"),
    ],
)
def test_a_clinician_request_with_a_taken_or_bad_field_is_422_naming_it(
    clinic: Clinic, body: dict[str, Any], field: str
) -> None:
    answer = clinic.client.post(f"{ADMIN}/clinicians", json=body, headers=clinic.as_("admin"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["field"] == field
    assert [u["email"] for u in all_users(clinic, role="clinician")] == [
        "doc@example.org",
        "other-doc@example.org",
    ]


def test_the_account_list_pages_through_accounts_with_their_state_and_nothing_else(
    clinic: Clinic,
) -> None:
    logged = clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/sessions",
        json={"date": "2026-01-05", "minutes": 5, "pain_before": 6, "checkin": ["new_radiation"]},
        headers=clinic.as_("pat"),
    )
    assert logged.status_code == 201
    first = clinic.client.get(f"{ADMIN}/users?limit=2", headers=clinic.as_("admin")).json()
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    pages = [first["items"]] + [all_users(clinic, limit=2, offset=offset) for offset in (2, 4, 6)]
    assert [len(page) for page in pages] == [2, 2, 1, 0]
    every = [user for page in pages for user in page]
    assert [u["email"] for u in every] == [
        "doc@example.org",
        "other-doc@example.org",
        "admin@example.org",
        "pat@example.org",
        "other@example.org",
    ]
    assert all(set(user) == ACCOUNT_FIELDS for user in every)
    assert all(user["active"] and not user["locked"] for user in every)
    patients = all_users(clinic, role="patient")
    assert [u["id"] for u in patients] == [clinic.patient, clinic.patient + 1]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "role=nurse"])
def test_a_bad_page_request_is_422(clinic: Clinic, query: str) -> None:
    answer = clinic.client.get(f"{ADMIN}/users?{query}", headers=clinic.as_("admin"))
    assert answer.status_code == 422


def test_a_deactivated_account_cannot_sign_in_nor_use_its_tokens_or_sessions(
    clinic: Clinic, engine: Engine
) -> None:
    walker = add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    token = create_token(UnitOfWork(engine), "walker@example.org", "phone")
    bearer = {"Authorization": f"Bearer {token}"}
    credentials = {"email": "walker@example.org", "password": PASSWORD}
    assert clinic.client.post("/api/v1/session", json=credentials).status_code == 200
    assert clinic.client.get("/api/v1/me").json()["id"] == walker.id  # by the cookie
    off = clinic.client.post(f"{ADMIN}/users/{walker.id}/deactivate", headers=clinic.as_("admin"))
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    assert clinic.client.get("/api/v1/me").status_code == 401
    assert clinic.client.get("/api/v1/me", headers=bearer).status_code == 401
    refused = clinic.client.post("/api/v1/session", json=credentials)
    assert refused.status_code == 401
    assert (
        refused.json()
        == clinic.client.post(
            "/api/v1/session", json={**credentials, "email": "ghost@example.org"}
        ).json()
    )
    fresh = create_token(UnitOfWork(engine), "walker@example.org", "new phone")
    assert clinic.client.get("/api/v1/me", headers=bearer_of(fresh)).status_code == 401

    on = clinic.client.post(f"{ADMIN}/users/{walker.id}/reactivate", headers=clinic.as_("admin"))
    assert on.status_code == 200, on.text
    assert on.json()["active"] is True
    assert clinic.client.post("/api/v1/session", json=credentials).status_code == 200
    assert clinic.client.get("/api/v1/me", headers=bearer_of(fresh)).status_code == 200
    assert clinic.client.get("/api/v1/me", headers=bearer).status_code == 401  # stays revoked
    actions = [(action, patient) for action, patient, _ in admin_events(engine)]
    assert actions[-2:] == [("account.deactivated", walker.id), ("account.reactivated", walker.id)]


def bearer_of(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_deactivated_clinician_cannot_accept_their_invite(clinic: Clinic) -> None:
    created = clinic.client.post(
        f"{ADMIN}/clinicians", json={"email": "late@example.org"}, headers=clinic.as_("admin")
    ).json()
    clinic.client.post(f"{ADMIN}/users/{created['id']}/deactivate", headers=clinic.as_("admin"))
    token = created["invite_url"].removeprefix("/invite/")
    answer = clinic.client.post(f"/api/v1/invites/{token}", json={"password": PASSWORD})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "invite"


def test_an_admin_cannot_deactivate_their_own_account(clinic: Clinic, engine: Engine) -> None:
    own = user_id(engine, "admin@example.org")
    answer = clinic.client.post(f"{ADMIN}/users/{own}/deactivate", headers=clinic.as_("admin"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "user_id"
    assert clinic.client.get("/api/v1/me", headers=clinic.as_("admin")).status_code == 200


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "revoke-credentials"])
def test_an_unknown_account_is_404(clinic: Clinic, action: str) -> None:
    answer = clinic.client.post(f"{ADMIN}/users/999999/{action}", headers=clinic.as_("admin"))
    assert answer.status_code == 404


def test_revoking_credentials_ends_tokens_and_sessions_but_not_the_account(
    clinic: Clinic, engine: Engine
) -> None:
    walker = add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    token = create_token(UnitOfWork(engine), "walker@example.org", "phone")
    credentials = {"email": "walker@example.org", "password": PASSWORD}
    clinic.client.post("/api/v1/session", json=credentials)
    answer = clinic.client.post(
        f"{ADMIN}/users/{walker.id}/revoke-credentials", headers=clinic.as_("admin")
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"tokens_revoked": 1, "sessions_ended": 1}
    assert clinic.client.get("/api/v1/me", headers=bearer_of(token)).status_code == 401
    assert clinic.client.get("/api/v1/me").status_code == 401
    assert clinic.client.post("/api/v1/session", json=credentials).status_code == 200
    assert admin_events(engine)[-1] == (
        "credentials.revoked",
        walker.id,
        {"user_id": walker.id, "tokens_revoked": 1, "sessions_ended": 1},
    )


def test_a_locked_account_is_listed_as_locked_and_reactivating_lifts_the_lock(
    clinic: Clinic, engine: Engine
) -> None:
    add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    moment, failures = utc_now() - dt.timedelta(minutes=10), 0
    while failures < LOCK_AFTER:  # each from another address, so only the account is locked
        with pytest.raises(SignInRefused) as refused:
            sign_in(
                UnitOfWork(engine), "walker@example.org", "wrong!", f"10.0.0.{failures}", moment
            )
        if refused.value.retry_after:
            moment += dt.timedelta(seconds=refused.value.retry_after)
        else:
            failures += 1
    credentials = {"email": "walker@example.org", "password": PASSWORD}
    assert clinic.client.post("/api/v1/session", json=credentials).status_code == 429
    assert listed(clinic, "walker@example.org")["locked"] is True
    walker = listed(clinic, "walker@example.org")["id"]
    clinic.client.post(f"{ADMIN}/users/{walker}/reactivate", headers=clinic.as_("admin"))
    assert listed(clinic, "walker@example.org")["locked"] is False
    assert clinic.client.post("/api/v1/session", json=credentials).status_code == 200


def test_an_admin_puts_a_patient_in_a_clinicians_care_and_takes_them_out(
    clinic: Clinic, engine: Engine
) -> None:
    link = {"clinician_id": user_id(engine, "other-doc@example.org"), "patient_id": clinic.patient}
    alerts = f"/api/v1/patients/{clinic.patient}/alerts"
    assert clinic.client.get(alerts, headers=clinic.as_("other-doc")).status_code == 404
    made = clinic.client.post(f"{ADMIN}/care", json=link, headers=clinic.as_("admin"))
    assert made.status_code == 201, made.text
    assert made.json() == link
    assert clinic.client.get(alerts, headers=clinic.as_("other-doc")).status_code == 200
    twice = clinic.client.post(f"{ADMIN}/care", json=link, headers=clinic.as_("admin"))
    assert twice.status_code == 422
    assert twice.json()["detail"][0]["field"] == "patient_id"
    ended = clinic.client.request("DELETE", f"{ADMIN}/care", json=link, headers=clinic.as_("admin"))
    assert ended.status_code == 204, ended.text
    assert clinic.client.get(alerts, headers=clinic.as_("other-doc")).status_code == 404
    again = clinic.client.request("DELETE", f"{ADMIN}/care", json=link, headers=clinic.as_("admin"))
    assert again.status_code == 404
    assert [(a, p, d) for a, p, d in admin_events(engine) if a.startswith("care.")] == [
        ("care.linked", clinic.patient, {"clinician_id": link["clinician_id"]}),
        ("care.unlinked", clinic.patient, {"clinician_id": link["clinician_id"]}),
    ]


def test_a_care_link_joins_a_clinician_and_a_patient(clinic: Clinic, engine: Engine) -> None:
    doc = user_id(engine, "doc@example.org")
    for body, field in [
        ({"clinician_id": clinic.patient, "patient_id": clinic.patient + 1}, "clinician_id"),
        ({"clinician_id": doc, "patient_id": doc}, "patient_id"),
    ]:
        answer = clinic.client.post(f"{ADMIN}/care", json=body, headers=clinic.as_("admin"))
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["field"] == field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"clinician_id": 0}, "clinician_id"),
        ({"patient_id": 2**31}, "patient_id"),
        ({"patient_id": "4"}, "patient_id"),
        ({"note": "seen"}, "note"),
    ],
)
def test_a_care_request_with_a_bad_field_is_422_naming_it(
    clinic: Clinic, change: dict[str, Any], field: str
) -> None:
    body = {"clinician_id": 1, "patient_id": clinic.patient, **change}
    answer = clinic.client.post(f"{ADMIN}/care", json=body, headers=clinic.as_("admin"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["field"] == field


def test_every_admin_answer_holds_account_fields_only(clinic: Clinic) -> None:
    """The OpenAPI schema of each admin route's answers names no field beyond account data."""
    schema = clinic.client.get("/api/v1/openapi.json").json()
    allowed = ACCOUNT_FIELDS | {
        "items",
        "total",
        "limit",
        "offset",
        "invite_url",
        "invite_expires_at",
        "tokens_revoked",
        "sessions_ended",
        "clinician_id",
        "patient_id",
        "detail",  # the 422 and 404 answers
        "field",
        "message",
        "loc",
        "msg",
        "type",
        "input",
        "ctx",
    }
    seen: set[str] = set()
    admin_paths = [path for path in schema["paths"] if path.startswith(ADMIN)]
    assert len(admin_paths) >= 5
    for path in admin_paths:
        for operation in schema["paths"][path].values():
            for response in operation["responses"].values():
                for content in response.get("content", {}).values():
                    seen |= property_names(content["schema"], schema["components"]["schemas"])
    assert seen, "the admin routes answer with no documented fields"
    assert seen <= allowed, seen - allowed


def property_names(
    node: Any, components: dict[str, Any], followed: frozenset[str] = frozenset()
) -> set[str]:
    """Every property name in a JSON schema, following references."""
    if isinstance(node, list):
        return {name for item in node for name in property_names(item, components, followed)}
    if not isinstance(node, dict):
        return set()
    names = set(node.get("properties", {}))
    reference = node.get("$ref")
    if isinstance(reference, str) and reference not in followed:
        target = components[reference.rsplit("/", 1)[-1]]
        names |= property_names(target, components, followed | {reference})
    for value in node.values():
        names |= property_names(value, components, followed)
    return names


def test_a_session_stops_working_once_its_account_is_deactivated(
    clinic: Clinic, engine: Engine
) -> None:
    """Even a session deactivation did not end (it ends them all) finds nobody."""
    walker = add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    clinic.client.post(
        "/api/v1/session", json={"email": "walker@example.org", "password": PASSWORD}
    )
    assert clinic.client.get("/api/v1/me").status_code == 200
    with UnitOfWork(engine) as uow:
        user = uow.users.get(walker.id)
        assert user is not None
        user.deactivated_at = utc_now()
        uow.commit()
    assert clinic.client.get("/api/v1/me").status_code == 401
