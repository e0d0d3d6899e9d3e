"""Changing one's password in Settings: wrong current passwords are throttled like sign-in
failures, on their own count (issue 4: throttling; issue 5: Settings), on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.account_settings import TooManyTries, WrongPassword, change_password
from pacewise.services.accounts import add_user
from pacewise.services.passwords import verify_password
from pacewise.services.sign_in import SLOW_DOWN_AFTER, sign_in

PASSWORD = "slow and steady every day"
NEW = "a gentle walk after lunch"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _walker(engine: Engine) -> Caller:
    user = add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    return Caller(user.id, "patient")


def _stored_hash(engine: Engine, caller: Caller) -> str | None:
    with UnitOfWork(engine).reading() as uow:
        found = uow.users.get(caller.user_id)
        assert found is not None
        return found.password_hash


def test_repeated_wrong_passwords_make_even_the_right_one_wait(engine: Engine) -> None:
    walker = _walker(engine)
    for _ in range(SLOW_DOWN_AFTER):
        with pytest.raises(WrongPassword):
            change_password(UnitOfWork(engine), walker, "guess guess guess", NEW, None, T0)
    with pytest.raises(TooManyTries) as refused:
        change_password(UnitOfWork(engine), walker, PASSWORD, NEW, None, T0)
    assert refused.value.retry_after > 0
    hashed = _stored_hash(engine, walker)
    assert hashed is not None
    assert verify_password(hashed, PASSWORD)  # nothing changed

    later = T0 + dt.timedelta(seconds=refused.value.retry_after + 1)
    change_password(UnitOfWork(engine), walker, PASSWORD, NEW, None, later)
    hashed = _stored_hash(engine, walker)
    assert hashed is not None
    assert verify_password(hashed, NEW)


def test_a_right_password_starts_the_count_again(engine: Engine) -> None:
    walker = _walker(engine)
    for _ in range(SLOW_DOWN_AFTER - 1):
        with pytest.raises(WrongPassword):
            change_password(UnitOfWork(engine), walker, "guess guess guess", NEW, None, T0)
    change_password(UnitOfWork(engine), walker, PASSWORD, NEW, None, T0)
    for _ in range(SLOW_DOWN_AFTER - 1):
        with pytest.raises(WrongPassword):
            change_password(UnitOfWork(engine), walker, "guess guess guess", PASSWORD, None, T0)
    change_password(UnitOfWork(engine), walker, NEW, PASSWORD, None, T0)  # not throttled


def test_wrong_passwords_in_settings_do_not_lock_the_owner_out_of_signing_in(
    engine: Engine,
) -> None:
    walker = _walker(engine)
    for _ in range(SLOW_DOWN_AFTER + 2):
        with pytest.raises((WrongPassword, TooManyTries)):
            change_password(UnitOfWork(engine), walker, "guess guess guess", NEW, None, T0)
    signed = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, "10.0.0.1", now=T0)
    assert signed.caller == walker
