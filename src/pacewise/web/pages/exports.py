"""Pages and downloads for reports, exchange formats and the calendar feed (issue 7).

The downloads are for the patient and for a clinician caring for them (signed in with the
browser's cookie); the services decide who may, so everyone else gets the same 404 as the API.
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Response

from pacewise.services.csv_export import csv_table
from pacewise.services.fhir_export import FHIR_MEDIA_TYPE, fhir_bundle
from pacewise.web.api.dependencies import RecordId, Uow
from pacewise.web.api.export_routes import csv_response
from pacewise.web.pages.common import VisitorDep

router = APIRouter()


@router.get("/records/{patient_id}/fhir.json")
def fhir_download(patient_id: RecordId, uow: Uow, visitor: VisitorDep) -> Response:
    """The patient's record as a FHIR bundle file, to hand to another clinic's system."""
    bundle = fhir_bundle(uow, visitor.caller, patient_id, visitor.today)
    name = f"pacewise-{patient_id}-fhir-{visitor.today.isoformat()}.json"
    return Response(
        json.dumps(bundle, indent=2, ensure_ascii=False),
        media_type=FHIR_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/records/{patient_id}/{table}.csv")
def csv_download(
    patient_id: RecordId,
    table: Literal["sessions", "daily_pain", "questionnaires"],
    uow: Uow,
    visitor: VisitorDep,
) -> Response:
    """One table for a spreadsheet."""
    text = csv_table(uow, visitor.caller, patient_id, table)
    return csv_response(text, f"pacewise-{patient_id}-{table}-{visitor.today.isoformat()}.csv")
