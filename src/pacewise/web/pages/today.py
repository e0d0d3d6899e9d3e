"""The patient's Today page: today's planned sessions, the phase and why (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from pacewise.services.plans import plan_for
from pacewise.services.records import NoPrescription
from pacewise.web.api.dependencies import Uow
from pacewise.web.pages.common import PatientVisitor, render

router = APIRouter(include_in_schema=False)


@router.get("/today")
def today_page(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    day = visitor.today
    try:
        plan = plan_for(uow, visitor.caller, visitor.user_id, day)
    except NoPrescription:
        return render(request, "no_plan.html", visitor)
    return render(request, "today.html", visitor, plan=plan, day=day)
