"""What an admin does (issue 4): create clinicians, list the accounts, deactivate, reactivate
or sign out an account, and put a patient in a clinician's care or take them out of it.

An admin manages accounts but reads no health data: nothing here opens a patient's record, and
what comes back is account data only. To anyone but an admin these use cases do not exist
("not found", as in access.py). Every one of them is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pacewise.adapters.db.models import ROLES, User, utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput
from pacewise.services.access import Caller, NotFound
from pacewise.services.accounts import issue_invite, normalise_email
from pacewise.services.sign_in import FAILURE_WINDOW, LOCK_AFTER


def require_admin(caller: Caller) -> None:
    """Only an admin manages accounts; to anyone else the admin's use cases do not exist."""
    if caller.role != "admin":
        raise NotFound(caller.user_id)


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account as an admin sees it: who, in what role, and whether they can sign in.

    `active` is false once an admin deactivated the account; `locked` is true while repeated
    failed sign-ins lock it (sign_in.py); `password_set` is false until an invite is accepted.
    """

    id: int
    email: str
    role: str
    display_name: str
    created_at: dt.datetime
    active: bool
    locked: bool
    password_set: bool


@dataclass(frozen=True, slots=True)
class CreatedClinician:
    id: int
    email: str
    invite_token: str
    invite_expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Revoked:
    tokens: int
    sessions: int


def create_clinician(
    uow: UnitOfWork,
    caller: Caller,
    email: str,
    *,
    display_name: str = "",
    now: dt.datetime | None = None,
) -> CreatedClinician:
    """A clinician's account, opened with a one-time invite to set a password (7 days)."""
    require_admin(caller)
    address = normalise_email(email)
    moment = now or utc_now()
    token = secrets.token_urlsafe(32)
    with uow:
        if uow.users.by_email(address) is not None:
            raise InvalidInput("email", f"{address} already has an account")
        clinician = uow.users.add(
            User(email=address, role="clinician", display_name=display_name.strip()[:200])
        )
        expires = issue_invite(uow, clinician.id, token, caller.user_id, moment)
        _record(uow, caller, "user.created", clinician, role="clinician")
        uow.commit()
        return CreatedClinician(clinician.id, address, token, expires)


def list_users(
    uow: UnitOfWork,
    caller: Caller,
    limit: int,
    offset: int,
    role: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[list[AccountView], int]:
    """Accounts in the order they were made, a page at a time, and how many there are."""
    require_admin(caller)
    if role is not None and role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}, got {role!r}")
    with uow:
        users, total = uow.users.page(limit, offset, role)
        views = _views(uow, users, now or utc_now())
        uow.audit.record(
            "users.listed",
            actor_id=caller.user_id,
            actor_role="admin",
            detail={"limit": limit, "offset": offset, "role": role},
        )
        uow.commit()
        return views, total


def deactivate_user(
    uow: UnitOfWork, caller: Caller, user_id: int, now: dt.datetime | None = None
) -> AccountView:
    """Stop an account from signing in: its tokens are revoked and its sessions end; its data
    and care links stay. An admin cannot deactivate their own account, so one stays active."""
    require_admin(caller)
    if user_id == caller.user_id:
        raise InvalidInput("user_id", "an admin cannot deactivate their own account")
    moment = now or utc_now()
    with uow:
        user = _account(uow, user_id)
        if user.deactivated_at is None:
            user.deactivated_at = moment
        revoked = _sign_out_everywhere(uow, user, moment)
        _record(
            uow,
            caller,
            "account.deactivated",
            user,
            tokens_revoked=revoked.tokens,
            sessions_ended=revoked.sessions,
        )
        (view,) = _views(uow, [user], moment)
        uow.commit()
        return view


def reactivate_user(
    uow: UnitOfWork, caller: Caller, user_id: int, now: dt.datetime | None = None
) -> AccountView:
    """Let an account sign in again, and lift a lock from failed sign-ins. Tokens revoked
    before stay revoked: the user creates new ones."""
    require_admin(caller)
    moment = now or utc_now()
    with uow:
        user = _account(uow, user_id)
        user.deactivated_at = None
        uow.users.clear_failures(_failure_key(user))
        _record(uow, caller, "account.reactivated", user)
        (view,) = _views(uow, [user], moment)
        uow.commit()
        return view


def revoke_credentials(
    uow: UnitOfWork, caller: Caller, user_id: int, now: dt.datetime | None = None
) -> Revoked:
    """Revoke every API token of the account and end its browser sessions (a lost phone)."""
    require_admin(caller)
    moment = now or utc_now()
    with uow:
        user = _account(uow, user_id)
        revoked = _sign_out_everywhere(uow, user, moment)
        _record(
            uow,
            caller,
            "credentials.revoked",
            user,
            tokens_revoked=revoked.tokens,
            sessions_ended=revoked.sessions,
        )
        uow.commit()
        return revoked


def link_care(uow: UnitOfWork, caller: Caller, clinician_id: int, patient_id: int) -> None:
    """Put a patient in a clinician's care: the clinician may then read and change the record."""
    require_admin(caller)
    with uow:
        _with_role(uow, clinician_id, "clinician", "clinician_id")
        _with_role(uow, patient_id, "patient", "patient_id")
        if uow.care.is_in_care(clinician_id, patient_id):
            raise InvalidInput("patient_id", "is already in this clinician's care")
        uow.care.link(clinician_id, patient_id)
        _record_care(uow, caller, "care.linked", clinician_id, patient_id)
        uow.commit()


def unlink_care(uow: UnitOfWork, caller: Caller, clinician_id: int, patient_id: int) -> None:
    """Take a patient out of a clinician's care; NotFound when they were not in it."""
    require_admin(caller)
    with uow:
        if not uow.care.unlink(clinician_id, patient_id):
            raise NotFound(patient_id)
        _record_care(uow, caller, "care.unlinked", clinician_id, patient_id)
        uow.commit()


def _account(uow: UnitOfWork, user_id: int) -> User:
    user = uow.users.get(user_id)
    if user is None:
        raise NotFound(user_id)
    return user


def _with_role(uow: UnitOfWork, user_id: int, role: str, field: str) -> None:
    user = uow.users.get(user_id)
    if user is None or user.role != role:
        raise InvalidInput(field, f"no {role} has the id {user_id}")


def _sign_out_everywhere(uow: UnitOfWork, user: User, moment: dt.datetime) -> Revoked:
    return Revoked(uow.users.revoke_tokens(user.id, moment), uow.users.end_sessions(user.id))


def _failure_key(user: User) -> str:
    """The key sign_in.py counts an account's failed sign-ins under."""
    return "account:" + user.email


def _views(uow: UnitOfWork, users: Sequence[User], now: dt.datetime) -> list[AccountView]:
    failures = uow.users.failures_since([_failure_key(u) for u in users], now - FAILURE_WINDOW)
    return [
        AccountView(
            id=user.id,
            email=user.email,
            role=user.role,
            display_name=user.display_name,
            created_at=user.created_at,
            active=user.deactivated_at is None,
            locked=failures.get(_failure_key(user), 0) >= LOCK_AFTER,
            password_set=user.password_hash is not None,
        )
        for user in users
    ]


def _record(uow: UnitOfWork, caller: Caller, action: str, user: User, **detail: Any) -> None:
    """An admin's change to an account; a patient's account is also listed as theirs, so the
    patient sees it among the accesses to their record."""
    uow.audit.record(
        action,
        actor_id=caller.user_id,
        actor_role="admin",
        patient_id=user.id if user.role == "patient" else None,
        detail={"user_id": user.id, **detail},
    )


def _record_care(
    uow: UnitOfWork, caller: Caller, action: str, clinician_id: int, patient_id: int
) -> None:
    uow.audit.record(
        action,
        actor_id=caller.user_id,
        actor_role="admin",
        patient_id=patient_id,
        detail={"clinician_id": clinician_id},
    )
