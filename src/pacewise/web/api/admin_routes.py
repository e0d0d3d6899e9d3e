"""The /api/v1/admin routes: an admin manages accounts and care, and reads no health data.

To anyone but an admin every one of them answers 404, like a record one may not see
(access.py); that check runs before the request is validated, so a refusal says nothing more.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, status

from pacewise.services.access import Caller
from pacewise.services.admin import (
    AccountView,
    create_clinician,
    deactivate_user,
    link_care,
    list_users,
    reactivate_user,
    require_admin,
    revoke_credentials,
    unlink_care,
)
from pacewise.web.api.admin_schemas import (
    MAX_ROW_ID,
    CareIn,
    CareOut,
    NewClinicianIn,
    NewClinicianOut,
    RevokedOut,
)
from pacewise.web.api.dependencies import CurrentCaller, Limit, Offset, Uow
from pacewise.web.api.schemas import Page

router = APIRouter(prefix="/admin", tags=["admin"])


def admin_caller(caller: CurrentCaller) -> Caller:
    require_admin(caller)
    return caller


AdminCaller = Annotated[Caller, Depends(admin_caller)]
UserId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


@router.post("/clinicians", status_code=status.HTTP_201_CREATED)
def post_clinician(caller: AdminCaller, body: NewClinicianIn, uow: Uow) -> NewClinicianOut:
    """Create a clinician's account; the answer holds a one-time invite link (valid 7 days) for
    them to set a password, as a patient's does."""
    created = create_clinician(uow, caller, body.email, display_name=body.display_name)
    return NewClinicianOut(
        id=created.id,
        email=created.email,
        role="clinician",
        invite_url=f"/invite/{created.invite_token}",
        invite_expires_at=created.invite_expires_at,
    )


@router.get("/users")
def get_users(
    caller: AdminCaller,
    uow: Uow,
    limit: Limit = 50,
    offset: Offset = 0,
    role: Literal["patient", "clinician", "admin"] | None = None,
) -> Page[AccountView]:
    """Accounts in the order they were made, a page at a time: who, in what role, whether they
    can sign in (`active`, `locked`) and have set a password. No health data."""
    views, total = list_users(uow, caller, limit, offset, role)
    return Page(items=views, total=total, limit=limit, offset=offset)


@router.post("/users/{user_id}/deactivate")
def post_deactivate(user_id: UserId, caller: AdminCaller, uow: Uow) -> AccountView:
    """The account can no longer sign in; its tokens are revoked and its sessions end. Its data
    and care links stay. An admin cannot deactivate their own account."""
    return deactivate_user(uow, caller, user_id)


@router.post("/users/{user_id}/reactivate")
def post_reactivate(user_id: UserId, caller: AdminCaller, uow: Uow) -> AccountView:
    """The account can sign in again (a lock from failed sign-ins is lifted too); tokens
    revoked before stay revoked."""
    return reactivate_user(uow, caller, user_id)


@router.post("/users/{user_id}/revoke-credentials")
def post_revoke_credentials(user_id: UserId, caller: AdminCaller, uow: Uow) -> RevokedOut:
    """Revoke every API token of the account and end its browser sessions."""
    revoked = revoke_credentials(uow, caller, user_id)
    return RevokedOut(tokens_revoked=revoked.tokens, sessions_ended=revoked.sessions)


@router.post("/care", status_code=status.HTTP_201_CREATED)
def post_care(caller: AdminCaller, body: CareIn, uow: Uow) -> CareOut:
    """Put a patient in a clinician's care: the clinician may then read and change the record."""
    link_care(uow, caller, body.clinician_id, body.patient_id)
    return CareOut(clinician_id=body.clinician_id, patient_id=body.patient_id)


@router.delete("/care", status_code=status.HTTP_204_NO_CONTENT)
def delete_care(caller: AdminCaller, body: CareIn, uow: Uow) -> None:
    """Take a patient out of a clinician's care (404 when they were not in it)."""
    unlink_care(uow, caller, body.clinician_id, body.patient_id)
