"""The PDF visit report download and the public calendar feed (issue 7)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from pacewise.services.inputs import IsoDate
from pacewise.services.visit_report import default_period, visit_report
from pacewise.web.api.dependencies import RecordId, Uow
from pacewise.web.api.report_routes import pdf_response
from pacewise.web.pages.common import VisitorDep

router = APIRouter(include_in_schema=False)


@router.get("/records/{patient_id}/report.pdf")
def report_download(
    patient_id: RecordId,
    uow: Uow,
    visitor: VisitorDep,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
) -> Response:
    """The visit report, for the patient themself and their clinician (anyone else: 404)."""
    default_start, default_end = default_period(end or visitor.today)
    first, last = start or default_start, end or default_end
    return pdf_response(
        visit_report(uow, visitor.caller, patient_id, first, last), patient_id, first, last
    )
