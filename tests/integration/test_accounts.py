"""Accounts on SQLite and PostgreSQL: users, care, passwords and API tokens (issue 4)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from pacewise.adapters.db.models import ApiToken, AuditEvent, User
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.cli import app
from pacewise.domain import InvalidInput
from pacewise.services.access import Caller
from pacewise.services.accounts import (
    TOKEN_TOUCH_EVERY,
    add_user,
    caller_for_token,
    create_token,
    token_hash,
)
from pacewise.services.passwords import MIN_PASSWORD_LENGTH, check_new_password, verify_password

GOOD_PASSWORD = "walk every morning 10 min"


def test_a_clinician_creates_a_patient_in_their_care(engine: Engine) -> None:
    clinician = add_user(UnitOfWork(engine), "Doc@Example.org", "clinician")
    patient = add_user(
        UnitOfWork(engine), "pat@example.org", "patient", clinician_email="doc@example.org"
    )
    assert clinician.email == "doc@example.org"
    with UnitOfWork(engine) as uow:
        assert uow.care.is_in_care(clinician.id, patient.id)
        assert [p.email for p in uow.care.patients_of(clinician.id)] == ["pat@example.org"]
        stored = uow.users.get(patient.id)
        assert stored is not None
        assert stored.password_hash is None  # opened later through an invite


def test_an_email_has_one_account_whatever_its_case(engine: Engine) -> None:
    add_user(UnitOfWork(engine), "pat@example.org", "patient")
    with pytest.raises(InvalidInput, match="already has an account"):
        add_user(UnitOfWork(engine), "PAT@example.org ", "patient")


@pytest.mark.parametrize(
    ("email", "role", "clinician", "field"),
    [
        ("not-an-address", "patient", None, "email"),
        ("x@example.org", "nurse", None, "role"),
        ("x@example.org", "patient", "nobody@example.org", "clinician"),
        ("x@example.org", "clinician", "doc@example.org", "clinician"),
    ],
)
def test_bad_account_requests_name_the_field_and_write_nothing(
    engine: Engine, email: str, role: str, clinician: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        add_user(UnitOfWork(engine), email, role, clinician_email=clinician)
    assert raised.value.field == field
    with UnitOfWork(engine) as uow:
        assert uow.users.db.scalars(select(User)).all() == []


def test_passwords_are_stored_as_argon2_hashes(engine: Engine) -> None:
    user = add_user(UnitOfWork(engine), "pat@example.org", "patient", password=GOOD_PASSWORD)
    with UnitOfWork(engine) as uow:
        stored = uow.users.get(user.id)
        assert stored is not None
        assert stored.password_hash is not None
        assert stored.password_hash.startswith("$argon2")
        assert GOOD_PASSWORD not in stored.password_hash
        assert verify_password(stored.password_hash, GOOD_PASSWORD)
        assert not verify_password(stored.password_hash, GOOD_PASSWORD + "!")
    assert not verify_password(None, GOOD_PASSWORD)
    assert not verify_password("not a hash", GOOD_PASSWORD)


@pytest.mark.parametrize("password", ["short", "1234567890", "Password123", "qwertyuiop"])
def test_short_and_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_new_password(password)
    assert raised.value.field == "password"
    assert len(password) < MIN_PASSWORD_LENGTH or "common" in raised.value.message


def test_a_token_is_shown_once_stored_hashed_and_finds_its_user(engine: Engine) -> None:
    user = add_user(UnitOfWork(engine), "pat@example.org", "patient")
    token = create_token(UnitOfWork(engine), "pat@example.org", "phone")
    assert token.startswith("pw_")
    with UnitOfWork(engine) as uow:
        (stored,) = uow.users.db.scalars(select(ApiToken)).all()
        assert stored.token_hash == token_hash(token)
        assert token not in stored.token_hash
    assert caller_for_token(UnitOfWork(engine), token) == Caller(user.id, "patient")
    assert caller_for_token(UnitOfWork(engine), token + "x") is None


def test_a_tokens_last_use_is_written_only_when_it_has_gone_stale(engine: Engine) -> None:
    add_user(UnitOfWork(engine), "pat@example.org", "patient")
    token = create_token(UnitOfWork(engine), "pat@example.org", "phone")

    def last_used() -> dt.datetime | None:
        with UnitOfWork(engine) as uow:
            found = uow.users.by_token_hash(token_hash(token))
            assert found is not None
            return found.last_used_at

    first = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert caller_for_token(UnitOfWork(engine), token, first) is not None
    assert last_used() == first
    soon = first + TOKEN_TOUCH_EVERY - dt.timedelta(seconds=1)
    assert caller_for_token(UnitOfWork(engine), token, soon) is not None
    assert last_used() == first
    later = first + TOKEN_TOUCH_EVERY
    assert caller_for_token(UnitOfWork(engine), token, later) is not None
    assert last_used() == later


def test_a_revoked_token_finds_nobody(engine: Engine) -> None:
    add_user(UnitOfWork(engine), "pat@example.org", "patient")
    token = create_token(UnitOfWork(engine), "pat@example.org", "laptop")
    with UnitOfWork(engine) as uow:
        found = uow.users.by_token_hash(token_hash(token))
        assert found is not None
        found.revoked_at = found.created_at
        uow.commit()
    assert caller_for_token(UnitOfWork(engine), token) is None


def test_account_changes_are_in_the_audit_log(engine: Engine) -> None:
    patient = add_user(UnitOfWork(engine), "pat@example.org", "patient")
    create_token(UnitOfWork(engine), "pat@example.org", "phone")
    with UnitOfWork(engine) as uow:
        events = uow.users.db.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        logged = [(e.action, e.actor_id, e.patient_id) for e in events]
    assert logged == [("user.created", None, patient.id), ("token.created", patient.id, None)]


def test_user_add_and_token_create_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACEWISE_DATABASE_URL", f"sqlite:///{tmp_path / 'pacewise.sqlite3'}")
    runner = CliRunner()
    made = runner.invoke(app, ["user", "add", "doc@example.org", "--role", "clinician"])
    assert made.exit_code == 0, made.stderr
    patient = runner.invoke(
        app,
        ["user", "add", "pat@example.org", "--clinician", "doc@example.org", "--password-stdin"],
        input=io.StringIO(GOOD_PASSWORD + "\n").read(),
    )
    assert patient.exit_code == 0, patient.stderr
    assert "created patient pat@example.org" in patient.stdout
    weak = runner.invoke(app, ["user", "add", "p2@example.org", "--password-stdin"], input="123\n")
    assert weak.exit_code == 2
    assert weak.stderr.startswith("error: password: must be at least")
    token = runner.invoke(app, ["token", "create", "pat@example.org", "--name", "phone"])
    assert token.exit_code == 0, token.stderr
    assert token.stdout.strip().startswith("pw_")
