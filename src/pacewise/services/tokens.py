"""API tokens a user creates, names and revokes for their own scripts and apps (issue 4).

A token is shown once, when made; only its SHA-256 hash is kept, so a stolen database holds no
usable token. Revoking keeps the row (with its names and dates) so the owner can see what existed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.adapters.db.models import ApiToken, utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput
from pacewise.services.access import Caller, NotFound
from pacewise.services.accounts import issue_token

MAX_LIVE_TOKENS = 20


@dataclass(frozen=True, slots=True)
class TokenView:
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, row: ApiToken) -> TokenView:
        return cls(row.id, row.name, row.created_at, row.last_used_at, row.revoked_at)


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str
    view: TokenView


def create_my_token(uow: UnitOfWork, caller: Caller, name: str) -> NewToken:
    with uow:
        live = [t for t in uow.users.tokens_of(caller.user_id) if t.revoked_at is None]
        if len(live) >= MAX_LIVE_TOKENS:
            raise InvalidInput(
                "name", f"you already have {MAX_LIVE_TOKENS} tokens; revoke one first"
            )
        token, row = issue_token(uow, caller.user_id, name)
        uow.commit()
        return NewToken(token, TokenView.of(row))


def my_tokens(uow: UnitOfWork, caller: Caller) -> list[TokenView]:
    """Every token the caller made, newest first; revoked ones say when."""
    with uow.reading():
        return [TokenView.of(row) for row in reversed(uow.users.tokens_of(caller.user_id))]


def revoke_my_token(
    uow: UnitOfWork, caller: Caller, token_id: int, now: dt.datetime | None = None
) -> TokenView:
    """Stop a token working at once; another user's token id is "not found"."""
    with uow:
        row = next((t for t in uow.users.tokens_of(caller.user_id) if t.id == token_id), None)
        if row is None:
            raise NotFound(token_id)
        if row.revoked_at is None:
            row.revoked_at = now or utc_now()
            uow.audit.record("token.revoked", actor_id=caller.user_id, detail={"token_id": row.id})
        view = TokenView.of(row)
        uow.commit()
        return view
