"""/api/v1 routes for the PDF visit report and the calendar feed's management (issue 7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from pacewise.services.inputs import IsoDate
from pacewise.services.visit_report import default_period, visit_report
from pacewise.web.api.dependencies import CurrentCaller, RecordId, Uow

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
    responses={200: {"content": {PDF: {}}, "description": "The visit report, as a PDF."}},
)
def get_report(
    patient_id: RecordId,
    caller: CurrentCaller,
    uow: Uow,
    start: Annotated[IsoDate | None, Query(description="first day (default: 12 weeks ago)")] = None,
    end: Annotated[IsoDate | None, Query(description="last day (default: today, UTC)")] = None,
) -> Response:
    """The visit report for a period: plan, charts, alerts, findings and questionnaires."""
    default_start, default_end = default_period(end or dt.datetime.now(dt.UTC).date())
    first, last = start or default_start, end or default_end
    return pdf_response(visit_report(uow, caller, patient_id, first, last), patient_id, first, last)
