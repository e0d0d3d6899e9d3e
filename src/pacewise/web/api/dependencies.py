"""Typed dependencies: the unit of work and the authenticated caller.

A caller proves who they are with a bearer token (scripts, apps) or a session cookie (the
browser). Cookie callers must also send the session's CSRF token on every state-changing
request, so another site cannot make their browser act for them.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.accounts import caller_for_token
from pacewise.services.sign_in import session_caller
from pacewise.web.api.admin_schemas import MAX_ROW_ID

SESSION_COOKIE = "pacewise_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_bearer = HTTPBearer(auto_error=False)


async def unit_of_work(request: Request) -> UnitOfWork:
    """A new unit of work on the app's engine. `async` only because it does no I/O: FastAPI
    would otherwise hand this to a worker thread, a hop that costs more than the call."""
    return UnitOfWork(request.app.state.engine)


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]

# Every list is paginated the same way (issue 4): `limit` items from `offset`, newest first.
Limit = Annotated[int, Query(ge=1, le=200, description="how many items a page holds")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="how many items to skip")]
# A record named in a path: a larger id than an integer column holds names no record, and
# PostgreSQL (SQLite past 2**63) refuses to look it up.
RecordId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def current_caller(
    request: Request,
    uow: Uow,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The user behind the bearer token or the session cookie; 401 without either."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return _token_caller(uow, credentials.credentials)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = session_caller(uow, cookie)
        if found is None:
            raise _unauthorised()
        caller, csrf = found
        if request.method not in SAFE_METHODS and not secrets.compare_digest(
            request.headers.get(CSRF_HEADER, ""), csrf
        ):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
        return caller
    raise _unauthorised()


def _token_caller(uow: UnitOfWork, token: str) -> Caller:
    caller = caller_for_token(uow, token)
    if caller is None:
        raise _unauthorised()
    return caller


def _unauthorised() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "sign in, or send a valid API token",
        headers={"WWW-Authenticate": "Bearer"},
    )


CurrentCaller = Annotated[Caller, Depends(current_caller)]
