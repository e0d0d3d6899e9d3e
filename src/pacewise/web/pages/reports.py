"""The PDF visit report download, the public calendar feed and the settings forms that make and
stop it (issue 7)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from pacewise.services.calendar_feeds import create_feed, feed_for_token, revoke_feed
from pacewise.services.inputs import IsoDate
from pacewise.services.records import NoPrescription
from pacewise.services.visit_report import default_period, visit_report
from pacewise.web.api.dependencies import RecordId, Uow
from pacewise.web.api.report_routes import feed_urls, pdf_response
from pacewise.web.pages.common import CheckedForm, PatientVisitor, VisitorDep, render
from pacewise.web.pages.progress import _settings as settings_page

router = APIRouter(include_in_schema=False)


@router.get("/records/{patient_id}/report.pdf")
def report_download(
    request: Request,
    patient_id: RecordId,
    uow: Uow,
    visitor: VisitorDep,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
) -> Response:
    """The visit report, for the patient themself and their clinician (anyone else: 404)."""
    default_start, default_end = default_period(end or visitor.today)
    first, last = start or default_start, end or default_end
    try:
        pdf = visit_report(uow, visitor.caller, patient_id, first, last, visitor.today)
    except NoPrescription:
        return render(
            request,
            "error.html",
            visitor,
            status_code=409,
            title="No plan yet",
            message="There is no report yet: the clinician sets up the plan first.",
        )
    return pdf_response(pdf, patient_id, first, last)


@router.get("/calendar/{token}.ics")
def calendar_feed(token: str, uow: Uow) -> Response:
    """The public feed a calendar app polls: no cookie, the secret in the URL is the key."""
    return Response(
        feed_for_token(uow, token[:200]),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


@router.post("/settings/calendar-feed")
def make_calendar_feed(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    """Make (or remake) the feed and show its link, this once, on the settings page."""
    made = create_feed(uow, visitor.caller)
    url, webcal = feed_urls(request, made.token)
    return settings_page(request, uow, visitor, calendar_link={"url": url, "webcal": webcal})


@router.post("/settings/calendar-feed/stop")
def stop_calendar_feed(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    revoke_feed(uow, visitor.caller)
    message = "Your calendar feed is stopped. Your calendar app will stop showing new sessions."
    return settings_page(request, uow, visitor, calendar_message=message)
