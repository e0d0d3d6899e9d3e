"""/api/v1 routes for reports and exchange formats (issue 7): PDF, FHIR, iCalendar, CSV."""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from fastapi import APIRouter, Response

from pacewise.services.csv_export import csv_table
from pacewise.services.fhir_export import FHIR_MEDIA_TYPE, fhir_bundle
from pacewise.web.api.dependencies import CurrentCaller, RecordId, Uow

router = APIRouter(tags=["exports"])

CsvTable = Literal["sessions", "daily_pain", "questionnaires"]


@router.get(
    "/patients/{patient_id}/fhir",
    response_class=Response,
    responses={200: {"content": {FHIR_MEDIA_TYPE: {}}, "description": "A FHIR R4 Bundle"}},
)
def get_fhir_bundle(patient_id: RecordId, caller: CurrentCaller, uow: Uow) -> Response:
    """The patient's record as a FHIR R4 Bundle (type collection)."""
    bundle = fhir_bundle(uow, caller, patient_id, dt.datetime.now(dt.UTC).date())
    return Response(json.dumps(bundle, ensure_ascii=False), media_type=FHIR_MEDIA_TYPE)


@router.get(
    "/patients/{patient_id}/csv/{table}",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One table as CSV"}},
)
def get_csv_table(
    patient_id: RecordId, table: CsvTable, caller: CurrentCaller, uow: Uow
) -> Response:
    """Sessions, daily pain or questionnaires as CSV for a spreadsheet."""
    text = csv_table(uow, caller, patient_id, table)
    return csv_response(text, f"pacewise-{patient_id}-{table}.csv")


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
