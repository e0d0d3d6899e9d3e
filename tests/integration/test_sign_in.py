"""Signing in: cookie sessions with CSRF, sign-out, expiry and throttling (issue 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from pacewise.adapters.db.models import utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user
from pacewise.services.sign_in import (
    ABSOLUTE_EXPIRY,
    IDLE_EXPIRY,
    LOCK_AFTER,
    SESSION_TOUCH_EVERY,
    SLOW_DOWN_AFTER,
    WRONG,
    SignInRefused,
    session_caller,
    sign_in,
)
from tests.integration.conftest import Clinic

PASSWORD = "slow and steady every day"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def with_password(engine: Engine, email: str = "walker@example.org") -> int:
    return add_user(UnitOfWork(engine), email, "patient", password=PASSWORD).id


def test_a_browser_signs_in_and_must_send_the_csrf_token_to_change_anything(
    clinic: Clinic, engine: Engine
) -> None:
    add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    signed = clinic.client.post(
        "/api/v1/session", json={"email": "walker@example.org", "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    cookie = signed.headers["set-cookie"]
    assert "pacewise_session=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    me = signed.json()
    assert clinic.client.get("/api/v1/me").json()["id"] == me["id"]
    export = clinic.client.get("/api/v1/me/export")
    assert export.status_code == 200
    without = clinic.client.delete("/api/v1/me")
    assert without.status_code == 403
    wrong = clinic.client.delete("/api/v1/me", headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    assert clinic.client.get("/api/v1/me").status_code == 200  # still there
    assert clinic.client.delete("/api/v1/session").status_code == 403  # no CSRF token
    assert clinic.client.get("/api/v1/me").status_code == 200
    out = clinic.client.delete("/api/v1/session", headers={"X-CSRF-Token": me["csrf_token"]})
    assert out.status_code == 204
    assert clinic.client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_account_get_the_same_answer(
    clinic: Clinic, engine: Engine
) -> None:
    with_password(engine)
    wrong = clinic.client.post(
        "/api/v1/session", json={"email": "walker@example.org", "password": "nope nope nope"}
    )
    unknown = clinic.client.post(
        "/api/v1/session", json={"email": "ghost@example.org", "password": "nope nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": WRONG}


@pytest.mark.parametrize("email", ["walker@example.org", "ghost@example.org"])
def test_repeated_failures_slow_down_then_lock_whether_or_not_the_account_exists(
    engine: Engine, email: str
) -> None:
    with_password(engine)
    moment = T0
    for _ in range(SLOW_DOWN_AFTER):
        with pytest.raises(SignInRefused) as refused:
            sign_in(UnitOfWork(engine), email, "wrong password!", "10.0.0.1", now=moment)
        assert refused.value.retry_after is None
    with pytest.raises(SignInRefused) as slowed:
        sign_in(UnitOfWork(engine), email, PASSWORD, "10.0.0.1", now=moment)
    assert slowed.value.retry_after is not None
    assert slowed.value.retry_after > 0
    failures = SLOW_DOWN_AFTER
    while failures < LOCK_AFTER:  # a patient guesser who waits as long as told each time
        try:
            sign_in(UnitOfWork(engine), email, "wrong password!", "10.0.0.2", now=moment)
        except SignInRefused as refused:
            if refused.retry_after:
                moment += dt.timedelta(seconds=refused.retry_after + 1)
            else:
                failures += 1
    with pytest.raises(SignInRefused) as locked:
        sign_in(
            UnitOfWork(engine), email, PASSWORD, "10.0.0.3", now=moment + dt.timedelta(minutes=1)
        )
    assert locked.value.retry_after is not None
    assert locked.value.retry_after > 5 * 60
    if email == "walker@example.org":
        later = moment + dt.timedelta(minutes=16)
        assert (
            sign_in(UnitOfWork(engine), email, PASSWORD, "10.0.0.4", now=later).caller.role
            == "patient"
        )


def test_a_session_ends_after_idling_and_after_twelve_hours(engine: Engine) -> None:
    with_password(engine)
    idle = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, "10.0.0.1", now=T0)
    assert session_caller(UnitOfWork(engine), idle.session_token, now=T0 + IDLE_EXPIRY / 2)
    assert session_caller(UnitOfWork(engine), idle.session_token, now=T0 + IDLE_EXPIRY * 2) is None
    busy = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, "10.0.0.1", now=T0)
    moment = T0
    while moment + IDLE_EXPIRY / 2 < T0 + ABSOLUTE_EXPIRY:
        moment += IDLE_EXPIRY / 2
        assert session_caller(UnitOfWork(engine), busy.session_token, now=moment) is not None
    final = T0 + ABSOLUTE_EXPIRY + dt.timedelta(minutes=1)
    assert session_caller(UnitOfWork(engine), busy.session_token, now=final) is None


def test_too_many_attempts_through_the_api_say_when_to_come_back(
    clinic: Clinic, engine: Engine
) -> None:
    """Through the API: 401 while under the limit, then 429 with Retry-After. The failures past
    the first few are stored directly, so the answer does not depend on how fast the requests
    run (the slow-down after three lasts 2 s; the counting itself is tested above with a fixed
    clock)."""
    with_password(engine)
    body = {"email": "walker@example.org", "password": "wrong password!"}
    codes = [
        clinic.client.post("/api/v1/session", json=body).status_code for _ in range(SLOW_DOWN_AFTER)
    ]
    assert codes == [401] * SLOW_DOWN_AFTER
    with UnitOfWork(engine) as uow:
        for _ in range(LOCK_AFTER - SLOW_DOWN_AFTER):
            uow.users.add_failure("account:walker@example.org", utc_now())
        uow.commit()
    last = clinic.client.post("/api/v1/session", json=body)
    assert last.status_code == 429
    assert int(last.headers["Retry-After"]) > 0
    assert "too many sign-in attempts" in last.json()["detail"]


def test_a_request_within_a_minute_of_the_last_one_writes_nothing(engine: Engine) -> None:
    """Idle expiry is exact to within `SESSION_TOUCH_EVERY`, so most requests only read."""
    with_password(engine)
    signed = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, "10.0.0.1", now=T0)
    soon = T0 + SESSION_TOUCH_EVERY / 2
    assert session_caller(UnitOfWork(engine), signed.session_token, now=soon) is not None
    just_idle = T0 + IDLE_EXPIRY + dt.timedelta(seconds=1)
    assert session_caller(UnitOfWork(engine), signed.session_token, now=just_idle) is None
    again = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, "10.0.0.1", now=T0)
    later = T0 + SESSION_TOUCH_EVERY
    assert session_caller(UnitOfWork(engine), again.session_token, now=later) is not None
    assert session_caller(UnitOfWork(engine), again.session_token, now=just_idle) is not None
