"""A user's own settings: their time zone and their password (issue 5: Settings).

Plan weeks run in the patient's local dates (DESIGN.md, data rules), so the time zone decides
which day is "today". A password change needs the current password, follows the same rules as
a new account's (services.passwords), signs every other browser out and is audited.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

from pacewise.adapters.db.models import utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput
from pacewise.services.access import Caller, NotFound
from pacewise.services.accounts import token_hash
from pacewise.services.passwords import check_new_password, hash_password, verify_password
from pacewise.services.sign_in import wait_before_next_try


class WrongPassword(Exception):
    """The current password given was not right; nothing was changed."""


class TooManyTries(Exception):
    """Wrong current passwords came too often; `retry_after` seconds must pass first."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many wrong passwords; try again in {retry_after} s")
        self.retry_after = retry_after


@cache
def time_zones() -> tuple[str, ...]:
    """Every time zone name this system knows, sorted (the choices offered)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def set_time_zone(uow: UnitOfWork, caller: Caller, zone: str) -> None:
    if zone not in time_zones():
        raise InvalidInput("time_zone", f"is not a known time zone: {zone[:64]!r}")
    with uow:
        user = uow.users.get(caller.user_id)
        if user is None:
            raise NotFound(caller.user_id)
        user.time_zone = zone
        uow.audit.record(
            "settings.time_zone_changed", actor_id=user.id, actor_role=user.role, detail={}
        )
        uow.commit()


def change_password(
    uow: UnitOfWork,
    caller: Caller,
    current: str,
    new: str,
    keep_session: str | None,
    now: dt.datetime | None = None,
) -> int:
    """Check `current`, set `new` (at least the minimum length, not a common password) and end
    the user's other browser sessions, keeping `keep_session` (the cookie of the browser that
    asked). Returns how many sessions ended. A wrong `current` changes nothing but is audited.

    Wrong current passwords are throttled like sign-in failures (`sign_in`'s rules, counted on
    their own key): someone at an unlocked, signed-in browser cannot guess the password
    at speed. The count is not the sign-in's, so they cannot lock the owner out of signing in.
    """
    check_new_password(new)
    moment = now or utc_now()
    key = f"password-change:{caller.user_id}"
    with uow:
        user = uow.users.get(caller.user_id)
        if user is None:
            raise NotFound(caller.user_id)
        wait = wait_before_next_try(uow, key, moment)
        if wait > 0:
            raise TooManyTries(wait)
        if not verify_password(user.password_hash, current):
            uow.users.add_failure(key, moment)
            uow.audit.record("password.change_refused", actor_id=user.id, actor_role=user.role)
            uow.commit()
            raise WrongPassword
        uow.users.clear_failures(key)
        user.password_hash = hash_password(new)
        keep = token_hash(keep_session) if keep_session else ""
        ended = uow.users.end_other_sessions(user.id, keep)
        uow.audit.record(
            "password.changed",
            actor_id=user.id,
            actor_role=user.role,
            detail={"other_sessions_ended": ended},
        )
        uow.commit()
        return ended
