"""The patient's Today page: today's planned sessions, the phase and why (issue 5), with one tap
to log a planned session as done, the sessions already logged today, what else to record, the
education card that fits the moment and the questionnaires now due."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from pacewise.services.plans import plan_for
from pacewise.services.progress import progress_records
from pacewise.services.records import NoPrescription
from pacewise.services.session_entries import sessions_on
from pacewise.web.api.dependencies import Uow
from pacewise.web.pages.common import PatientVisitor, render

router = APIRouter(include_in_schema=False)

SAVED = {
    "deleted": "The session is deleted.",
    "pain": "Thank you: today's pain rating is saved.",
    "pain-alert": (
        "Thank you: your pain rating is saved. It is still well above your pain before "
        "yesterday's session, so your clinician has been told and will look at it."
    ),
    "acupuncture": "The acupuncture visit is saved.",
}
"""The note shown after a change made elsewhere; a fixed text per key, never text sent in."""


@router.get("/today")
def today_page(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    day = visitor.today
    try:
        plan = plan_for(uow, visitor.caller, visitor.user_id, day)
    except NoPrescription:
        return render(request, "no_plan.html", visitor)
    logged = sessions_on(uow, visitor.caller, visitor.user_id, day)
    records = progress_records(uow, visitor.caller, visitor.user_id, day)
    done_at = {(s.start, s.kind) for s in logged if s.start is not None}
    return render(
        request,
        "today.html",
        visitor,
        plan=plan,
        day=day,
        logged=logged,
        done_at=done_at,
        card=records.card,
        due=records.due,
        saved=SAVED.get(request.query_params.get("saved", "")),
    )
