"""Accounts: users, care relationships and API tokens, for admins and scripts (issue 4).

Tokens are shown once and stored only as a SHA-256 hash; every change is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from pacewise.adapters.db.models import (
    ROLES,
    ApiToken,
    Invite,
    PrescriptionVersion,
    User,
    utc_now,
)
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput
from pacewise.domain.prescription import parse_condition
from pacewise.services.access import Caller, NotFound
from pacewise.services.passwords import hash_password

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TOKEN_PREFIX = "pw_"


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.fullmatch(cleaned) or len(cleaned) > 320:
        raise InvalidInput("email", f"is not an e-mail address: {email!r}")
    return cleaned


@dataclass(frozen=True, slots=True)
class NewUser:
    id: int
    email: str
    role: str


def add_user(
    uow: UnitOfWork,
    email: str,
    role: str,
    *,
    clinician_email: str | None = None,
    password: str | None = None,
    actor_id: int | None = None,
) -> NewUser:
    """Create an account; a patient may be put in a clinician's care at once."""
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}, got {role!r}")
    address = normalise_email(email)
    if clinician_email is not None and role != "patient":
        raise InvalidInput("clinician", "only a patient is put in a clinician's care")
    password_hash = hash_password(password) if password is not None else None
    with uow:
        if uow.users.by_email(address) is not None:
            raise InvalidInput("email", f"{address} already has an account")
        clinician = None
        if clinician_email is not None:
            clinician = uow.users.by_email(normalise_email(clinician_email))
            if clinician is None or clinician.role != "clinician":
                raise InvalidInput("clinician", f"no clinician with the e-mail {clinician_email}")
        user = uow.users.add(User(email=address, role=role, password_hash=password_hash))
        if role == "patient":
            uow.statuses.ensure([user.id])
        if clinician is not None:
            uow.care.link(clinician.id, user.id)
        uow.audit.record(
            "user.created",
            actor_id=actor_id,
            patient_id=user.id if role == "patient" else None,
            detail={"user_id": user.id, "role": role},
        )
        uow.commit()
        return NewUser(user.id, address, role)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(uow: UnitOfWork, user_id: int, name: str) -> tuple[str, ApiToken]:
    """A new bearer token for `user_id` inside the caller's unit of work (not committed).

    The plain token is returned once and never stored; the row keeps its hash.
    """
    label = name.strip()
    if not 1 <= len(label) <= 100:
        raise InvalidInput("name", "must be 1-100 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = uow.users.add_token(ApiToken(user_id=user_id, name=label, token_hash=token_hash(token)))
    uow.audit.record("token.created", actor_id=user_id, detail={"name": label, "token_id": row.id})
    return token, row


def create_token(uow: UnitOfWork, email: str, name: str) -> str:
    """A new bearer token for the user with this e-mail (for admins and scripts)."""
    with uow:
        user = uow.users.by_email(normalise_email(email))
        if user is None:
            raise InvalidInput("email", f"no account with the e-mail {email}")
        token, _ = issue_token(uow, user.id, name)
        uow.commit()
    return token


TOKEN_TOUCH_EVERY = dt.timedelta(minutes=5)
"""How stale a token's `last_used_at` may get: refreshing it on every request would make every
read a write."""


def caller_for_token(uow: UnitOfWork, token: str, now: dt.datetime | None = None) -> Caller | None:
    """The user behind a live token (unknown or revoked: None), from one read; the token's
    last use is written only when it is older than `TOKEN_TOUCH_EVERY`."""
    moment = now or utc_now()
    digest = token_hash(token)
    with uow.reading():
        found = uow.users.owner_of_token(digest)
    if found is None:
        return None
    user_id, role, last_used = found
    if last_used is None or last_used + TOKEN_TOUCH_EVERY <= moment:
        with uow:
            uow.users.touch_token(digest, moment)
            uow.commit()
    return Caller(user_id, role)


INVITE_VALID_FOR = dt.timedelta(days=7)
INVITE_INVALID = "this invite link is not valid any more; ask whoever sent it for a new one"


@dataclass(frozen=True, slots=True)
class CreatedPatient:
    id: int
    email: str
    invite_token: str
    invite_expires_at: dt.datetime


def create_patient(
    uow: UnitOfWork,
    caller: Caller,
    email: str,
    *,
    display_name: str = "",
    condition: str,
    start_date: dt.date,
    now: dt.datetime | None = None,
) -> CreatedPatient:
    """A clinician creates a patient in their care, with a starting prescription (the condition
    profile's defaults) and a one-time invite to set a password."""
    if caller.role != "clinician":
        raise NotFound(caller.user_id)
    address = normalise_email(email)
    profile = parse_condition(condition)
    moment = now or utc_now()
    token = secrets.token_urlsafe(32)
    with uow:
        if uow.users.by_email(address) is not None:
            raise InvalidInput("email", f"{address} already has an account")
        patient = uow.users.add(
            User(email=address, role="patient", display_name=display_name.strip()[:200])
        )
        uow.care.link(caller.user_id, patient.id)
        uow.statuses.ensure([patient.id])
        uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=patient.id,
                condition=profile.value,
                start_date=start_date,
                settings={},
                changed_by=caller.user_id,
                note="starting prescription",
            )
        )
        expires = issue_invite(uow, patient.id, token, caller.user_id, moment)
        uow.audit.record(
            "patient.created",
            actor_id=caller.user_id,
            actor_role="clinician",
            patient_id=patient.id,
        )
        uow.commit()
        return CreatedPatient(patient.id, address, token, expires)


def issue_invite(
    uow: UnitOfWork, user_id: int, token: str, created_by: int, now: dt.datetime
) -> dt.datetime:
    """Store a one-time invite for `user_id` (only the token's hash); returns when it expires."""
    expires = now + INVITE_VALID_FOR
    uow.users.add_invite(
        Invite(
            user_id=user_id,
            token_hash=token_hash(token),
            created_by=created_by,
            created_at=now,
            expires_at=expires,
        )
    )
    return expires


def accept_invite(
    uow: UnitOfWork, token: str, password: str, now: dt.datetime | None = None
) -> int:
    """Set the invited user's password (a patient's or a clinician's); the link then stops
    working. Returns the user id.

    Unknown, used and expired links, and links to a deactivated account, all get the same
    answer, which tells nothing about them.
    """
    password_hash = hash_password(password)
    moment = now or utc_now()
    with uow:
        invite = uow.users.invite_by_hash(token_hash(token))
        if invite is None or invite.used_at is not None or invite.expires_at <= moment:
            raise InvalidInput("invite", INVITE_INVALID)
        user = uow.users.get(invite.user_id)
        if user is None or user.deactivated_at is not None:
            raise InvalidInput("invite", INVITE_INVALID)
        user.password_hash = password_hash
        invite.used_at = moment
        uow.audit.record(
            "invite.accepted",
            actor_id=user.id,
            actor_role=user.role,
            patient_id=user.id if user.role == "patient" else None,
        )
        uow.commit()
        return user.id
