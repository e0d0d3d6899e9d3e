"""Signing in with e-mail and password: sessions kept in the database, CSRF tokens, and
throttling of repeated failures (issue 4, accounts and access).

Failures are counted per account and per address over a window. After a few, each further try
must wait longer (slow down); after many, the account or address is locked for a while. The
answer never says whether the account exists; an account an admin deactivated gets the answer a
wrong password gets, and its sessions stop working.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, update

from pacewise.adapters.db.models import WebSession, utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.accounts import normalise_email, token_hash
from pacewise.services.passwords import verify_password

IDLE_EXPIRY = dt.timedelta(minutes=30)
ABSOLUTE_EXPIRY = dt.timedelta(hours=12)
FAILURE_WINDOW = dt.timedelta(minutes=15)
SLOW_DOWN_AFTER = 3
LOCK_AFTER = 10
WRONG = "the e-mail address or the password is not right"


class SignInRefused(Exception):
    """Sign-in refused; `retry_after` (seconds) is set when the caller must wait."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SignedIn:
    session_token: str
    csrf_token: str
    caller: Caller


def sign_in(
    uow: UnitOfWork, email: str, password: str, address: str, now: dt.datetime | None = None
) -> SignedIn:
    moment = now or utc_now()
    try:
        account_key = "account:" + normalise_email(email)
    except ValueError:
        account_key = "account:" + email.strip().lower()[:300]
    keys = [account_key, "address:" + address[:64]]
    with uow:
        db = uow.users.db
        wait = max(wait_before_next_try(uow, key, moment) for key in keys)
        if wait > 0:
            raise SignInRefused(
                f"too many sign-in attempts; try again in {max(1, round(wait / 60))} min", wait
            )
        user = uow.users.by_email(account_key.removeprefix("account:"))
        if (
            user is None
            or not verify_password(user.password_hash, password)
            or user.deactivated_at is not None
        ):
            for key in keys:
                uow.users.add_failure(key, moment)
            uow.audit.record("login.failed", actor_id=user.id if user else None, address=address)
            uow.commit()
            raise SignInRefused(WRONG)
        uow.users.clear_failures(account_key)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        db.add(
            WebSession(
                user_id=user.id,
                token_hash=token_hash(token),
                csrf_token=csrf,
                created_at=moment,
                last_seen_at=moment,
                expires_at=moment + ABSOLUTE_EXPIRY,
            )
        )
        uow.audit.record("login", actor_id=user.id, actor_role=user.role, address=address)
        uow.commit()
        return SignedIn(token, csrf, Caller(user.id, user.role))


SESSION_TOUCH_EVERY = dt.timedelta(minutes=1)
"""How stale a session's `last_seen_at` may get before it is written again; idle expiry is
therefore exact to within a minute, and most requests only read."""


def session_caller(
    uow: UnitOfWork, token: str, now: dt.datetime | None = None
) -> tuple[Caller, str] | None:
    """The caller and CSRF token of a live session (idle and absolute expiry), or None."""
    moment = now or utc_now()
    digest = token_hash(token)
    with uow.reading():
        found = uow.users.web_session(digest)
    if found is None:
        return None
    user_id, role, csrf, last_seen, expires = found
    if expires <= moment or last_seen + IDLE_EXPIRY <= moment:
        with uow:
            uow.users.db.execute(delete(WebSession).where(WebSession.token_hash == digest))
            uow.commit()
        return None
    if last_seen + SESSION_TOUCH_EVERY <= moment:
        with uow:
            uow.users.db.execute(
                update(WebSession)
                .where(WebSession.token_hash == digest)
                .values(last_seen_at=moment)
            )
            uow.commit()
    return Caller(user_id, role), csrf


@dataclass(frozen=True, slots=True)
class Swept:
    failures: int
    sessions: int


def sweep_sign_ins(uow: UnitOfWork, now: dt.datetime | None = None) -> Swept:
    """Delete what sign-in keeps but will never read again: failed tries older than the window
    they count in, and browser sessions past their expiry that nobody presented again (a
    presented one is deleted on the spot). The queue runs this every hour; the audit log keeps
    the failed sign-ins and the logins."""
    moment = now or utc_now()
    with uow:
        failures = uow.users.forget_failures_before(moment - FAILURE_WINDOW)
        sessions = uow.users.end_sessions_over(moment, moment - IDLE_EXPIRY)
        uow.commit()
    return Swept(failures, sessions)


def sign_out(uow: UnitOfWork, token: str) -> None:
    with uow:
        uow.users.db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
        uow.commit()


def wait_before_next_try(uow: UnitOfWork, key: str, now: dt.datetime) -> int:
    """How long `key` must wait before its next try, in seconds (0: go ahead), from the
    failures `uow.users.add_failure` recorded for it within `FAILURE_WINDOW`."""
    count, last = uow.users.failures_of(key, now - FAILURE_WINDOW)
    if not count or last is None:
        return 0
    if last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    if count >= LOCK_AFTER:
        return max(0, int((last + FAILURE_WINDOW - now).total_seconds()))
    if count >= SLOW_DOWN_AFTER:
        delay = dt.timedelta(seconds=2 ** (count - SLOW_DOWN_AFTER + 1))
        return max(0, int((last + delay - now).total_seconds()))
    return 0
