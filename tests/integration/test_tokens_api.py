"""A user makes, names, lists and revokes their own API tokens (issue 4)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from pacewise.adapters.db.models import ApiToken
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import token_hash
from tests.integration.conftest import Clinic

TOKENS = "/api/v1/me/tokens"


def test_a_new_token_works_once_shown_and_stops_when_revoked(
    engine: Engine, clinic: Clinic
) -> None:
    made = clinic.client.post(TOKENS, json={"name": " my phone "}, headers=clinic.as_("pat"))
    assert made.status_code == 201, made.text
    token, details = made.json()["token"], made.json()["details"]
    assert token.startswith("pw_")
    assert details["name"] == "my phone"
    bearer = {"Authorization": f"Bearer {token}"}
    assert clinic.client.get("/api/v1/me", headers=bearer).json()["id"] == clinic.patient
    with UnitOfWork(engine) as uow:
        stored = uow.users.db.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert token_hash(token) in stored

    listed = clinic.client.get(TOKENS, headers=bearer).json()
    assert listed["total"] == 2
    assert [t["name"] for t in listed["items"]] == ["my phone", "t"]
    assert "token" not in listed["items"][0]
    assert listed["items"][0]["last_used_at"] is not None

    revoked = clinic.client.delete(f"{TOKENS}/{details['id']}", headers=clinic.as_("pat"))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert clinic.client.get("/api/v1/me", headers=bearer).status_code == 401
    assert clinic.client.get("/api/v1/me", headers=clinic.as_("pat")).status_code == 200


def test_nobody_sees_or_revokes_another_users_tokens(clinic: Clinic) -> None:
    made = clinic.client.post(TOKENS, json={"name": "laptop"}, headers=clinic.as_("pat")).json()
    token_id = made["details"]["id"]
    for who in ("other", "doc", "admin"):
        assert (
            clinic.client.delete(f"{TOKENS}/{token_id}", headers=clinic.as_(who)).status_code == 404
        )
        names = [
            t["name"] for t in clinic.client.get(TOKENS, headers=clinic.as_(who)).json()["items"]
        ]
        assert "laptop" not in names
    bearer = {"Authorization": f"Bearer {made['token']}"}
    assert clinic.client.get("/api/v1/me", headers=bearer).status_code == 200
    assert clinic.client.get(TOKENS).status_code == 401


def test_a_token_needs_a_name(clinic: Clinic) -> None:
    for name in ("", "   ", "x" * 101):
        answer = clinic.client.post(TOKENS, json={"name": name}, headers=clinic.as_("pat"))
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["field"] == "name"
    extra = clinic.client.post(TOKENS, json={"name": "a", "user_id": 1}, headers=clinic.as_("pat"))
    assert extra.status_code == 422
