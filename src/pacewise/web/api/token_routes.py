"""/api/v1/me/tokens: the caller's own API tokens, made, listed and revoked."""

from __future__ import annotations

from fastapi import APIRouter, status

from pacewise.services.inputs import StrictModel
from pacewise.services.tokens import TokenView, create_my_token, my_tokens, revoke_my_token
from pacewise.web.api.dependencies import CurrentCaller, Limit, Offset, RecordId, Uow
from pacewise.web.api.schemas import Out, Page

router = APIRouter(prefix="/me/tokens", tags=["account"])


class TokenIn(StrictModel):
    name: str


class TokenMade(Out):
    """`token` is shown this once: keep it safe, it cannot be seen again."""

    token: str
    details: TokenView


@router.post("", status_code=status.HTTP_201_CREATED)
def post_token(body: TokenIn, caller: CurrentCaller, uow: Uow) -> TokenMade:
    """Make a named bearer token for a script or an app."""
    made = create_my_token(uow, caller, body.name)
    return TokenMade(token=made.token, details=made.view)


@router.get("")
def get_tokens(
    caller: CurrentCaller, uow: Uow, limit: Limit = 50, offset: Offset = 0
) -> Page[TokenView]:
    """My tokens, newest first (never the tokens themselves, only their names and dates)."""
    tokens = my_tokens(uow, caller)
    return Page(
        items=tokens[offset : offset + limit], total=len(tokens), limit=limit, offset=offset
    )


@router.delete("/{token_id}")
def delete_token(token_id: RecordId, caller: CurrentCaller, uow: Uow) -> TokenView:
    """Revoke one of my tokens: it stops working at once."""
    return revoke_my_token(uow, caller, token_id)
