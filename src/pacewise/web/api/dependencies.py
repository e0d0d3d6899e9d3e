"""Typed dependencies: the unit of work and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.accounts import user_for_token

_bearer = HTTPBearer(auto_error=False)


def unit_of_work(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]


def current_caller(
    uow: Uow,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The user behind the bearer token; 401 without a live token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorised()
    user_id = user_for_token(uow, credentials.credentials)
    if user_id is None:
        raise _unauthorised()
    with uow:
        user = uow.users.get(user_id)
        if user is None:
            raise _unauthorised()
        return Caller(user.id, user.role)


def _unauthorised() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "a valid API token is needed",
        headers={"WWW-Authenticate": "Bearer"},
    )


CurrentCaller = Annotated[Caller, Depends(current_caller)]
