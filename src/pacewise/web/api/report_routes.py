"""/api/v1 routes for the PDF visit report and the calendar feed's management (issue 7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from starlette.responses import Response

from pacewise.services.calendar_feeds import create_feed, feed_state, revoke_feed
from pacewise.services.inputs import IsoDate
from pacewise.services.visit_report import default_period, visit_report
from pacewise.web.api.dependencies import CurrentCaller, RecordId, Uow
from pacewise.web.api.refusals import NO_PRESCRIPTION
from pacewise.web.api.schemas import Out

router = APIRouter(tags=["exports"])

PDF = "application/pdf"


def pdf_response(pdf: bytes, patient_id: int, start: dt.date, end: dt.date) -> Response:
    """The PDF as a download named after the patient's id and the period (never their name)."""
    name = f"pacewise-report-{patient_id}-{start.isoformat()}-{end.isoformat()}.pdf"
    return Response(
        pdf,
        media_type=PDF,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/patients/{patient_id}/report.pdf",
    response_class=Response,
    responses={
        200: {"content": {PDF: {}}, "description": "The visit report, as a PDF."},
        **NO_PRESCRIPTION,
    },
)
def get_report(
    patient_id: RecordId,
    caller: CurrentCaller,
    uow: Uow,
    start: Annotated[IsoDate | None, Query(description="first day (default: 12 weeks ago)")] = None,
    end: Annotated[IsoDate | None, Query(description="last day (default: today, UTC)")] = None,
) -> Response:
    """The visit report for a period: plan, charts, alerts, findings and questionnaires."""
    today = dt.datetime.now(dt.UTC).date()
    default_start, default_end = default_period(end or today)
    first, last = start or default_start, end or default_end
    pdf = visit_report(uow, caller, patient_id, first, last, today)
    return pdf_response(pdf, patient_id, first, last)


def feed_urls(request: Request, token: str) -> tuple[str, str]:
    """The feed's https (or http) address, and the same as webcal:// for calendar apps."""
    url = f"{str(request.base_url).rstrip('/')}/calendar/{token}.ics"
    return url, "webcal://" + url.split("://", 1)[1]


class CalendarFeedMade(Out):
    """`url` is shown this once: only a hash of its secret is kept. Anyone with it can read
    the planned sessions, so share it only with your calendar app."""

    url: str
    webcal_url: str
    created_at: dt.datetime


class CalendarFeedState(Out):
    exists: bool
    created_at: dt.datetime | None


@router.post("/me/calendar-feed", status_code=status.HTTP_201_CREATED, tags=["account"])
def post_calendar_feed(request: Request, caller: CurrentCaller, uow: Uow) -> CalendarFeedMade:
    """Make my private calendar feed of planned sessions; an earlier feed's URL stops working."""
    made = create_feed(uow, caller)
    url, webcal = feed_urls(request, made.token)
    return CalendarFeedMade(url=url, webcal_url=webcal, created_at=made.created_at)


@router.get("/me/calendar-feed", tags=["account"])
def get_calendar_feed(caller: CurrentCaller, uow: Uow) -> CalendarFeedState:
    """Whether I have a live calendar feed, and since when (never its URL)."""
    state = feed_state(uow, caller, caller.user_id)
    return CalendarFeedState(exists=state.exists, created_at=state.created_at)


@router.delete(
    "/me/calendar-feed",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["account"],
)
def delete_calendar_feed(caller: CurrentCaller, uow: Uow) -> Response:
    """Stop my calendar feed: its URL answers 404 from now on."""
    revoke_feed(uow, caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
