"""Routes that read the audit log back: who viewed a patient's record (issue 4, privacy)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from pacewise.services.audit_views import AccessEvent, who_viewed
from pacewise.web.api.admin_schemas import MAX_ROW_ID
from pacewise.web.api.dependencies import CurrentCaller, Limit, Offset, Uow
from pacewise.web.api.schemas import Page

router = APIRouter()


@router.get("/patients/{patient_id}/viewers", tags=["patient", "clinician"])
def get_viewers(
    patient_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)],
    caller: CurrentCaller,
    uow: Uow,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AccessEvent]:
    """Who opened or changed my record (or, for my clinician, my patient's), newest first, a
    page at a time: each access by someone else, with who, in what role, what and when."""
    items, total = who_viewed(uow, caller, patient_id, limit, offset)
    return Page(items=items, total=total, limit=limit, offset=offset)
