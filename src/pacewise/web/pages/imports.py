"""Pages to upload a phone or watch export and follow its import (issue 6).

The patient imports at /import; their clinician at /clinician/patients/{id}/import. The upload
is a plain form (no JavaScript needed), streamed to disk like the API's; the job's page asks the
browser to reload itself (a `Refresh` header, which the CSP allows) until the job has ended.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from pacewise.adapters.importers.csv_sessions import HEADER
from pacewise.config import Settings
from pacewise.domain.model import Kind
from pacewise.services.import_uploads import BadUpload, UploadTooLarge, limit_words, store_form
from pacewise.services.imports import JobView, job_progress, list_imports, may_import
from pacewise.services.patient_overview import patient_card
from pacewise.web.api.dependencies import RecordId, Uow
from pacewise.web.api.import_routes import queue_import
from pacewise.web.pages.common import (
    FORM_EXPIRED,
    ClinicianVisitor,
    PatientVisitor,
    Visitor,
    render,
)

router = APIRouter(include_in_schema=False)

TEMPLATE_URL = "/api/v1/imports/template.csv"
JOBS_SHOWN = 20
REFRESH_SECONDS = 2


def _base(visitor: Visitor, patient_id: int) -> str:
    return "/import" if visitor.role == "patient" else f"/clinician/patients/{patient_id}/import"


@router.get("/import")
def import_page(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    return _import_page(request, uow, visitor, visitor.user_id)


@router.post("/import")
async def import_sent(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    return await _upload(request, uow, visitor, visitor.user_id)


@router.get("/import/{job_id}")
def job_page(request: Request, uow: Uow, visitor: PatientVisitor, job_id: RecordId) -> Response:
    return _job_page(request, uow, visitor, visitor.user_id, job_id)


@router.get("/clinician/patients/{patient_id}/import")
def clinician_import_page(
    request: Request, uow: Uow, visitor: ClinicianVisitor, patient_id: RecordId
) -> Response:
    return _import_page(request, uow, visitor, patient_id)


@router.post("/clinician/patients/{patient_id}/import")
async def clinician_import_sent(
    request: Request, uow: Uow, visitor: ClinicianVisitor, patient_id: RecordId
) -> Response:
    return await _upload(request, uow, visitor, patient_id)


@router.get("/clinician/patients/{patient_id}/import/{job_id}")
def clinician_job_page(
    request: Request, uow: Uow, visitor: ClinicianVisitor, patient_id: RecordId, job_id: RecordId
) -> Response:
    return _job_page(request, uow, visitor, patient_id, job_id)


def _import_page(
    request: Request,
    uow: Uow,
    visitor: Visitor,
    patient_id: int,
    *,
    problem: str = "",
    status_code: int = status.HTTP_200_OK,
) -> Response:
    jobs, total = list_imports(uow, visitor.caller, patient_id, JOBS_SHOWN, 0)
    patient = patient_card(uow, visitor.caller, patient_id) if visitor.role != "patient" else None
    settings: Settings = request.app.state.settings
    return render(
        request,
        "import.html",
        visitor,
        status_code=status_code,
        patient=patient,
        base=_base(visitor, patient_id),
        jobs=jobs,
        total=total,
        problem=problem,
        template_url=TEMPLATE_URL,
        header=HEADER,
        kinds=[kind.value for kind in Kind],
        limit=limit_words(settings.upload_limit_bytes),
    )


async def _upload(request: Request, uow: Uow, visitor: Visitor, patient_id: int) -> Response:
    """Check who may import before a byte is stored; then the form's token, then the file."""
    await run_in_threadpool(may_import, uow, visitor.caller, patient_id)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        form = await request.form()
        _check_token(form.get("csrf_token"), visitor)
        return await _problem(request, uow, visitor, patient_id, "Choose a file to import.")
    settings: Settings = request.app.state.settings
    try:
        fields, stored = await store_form(
            request.stream(), content_type, settings.uploads, settings.upload_limit_bytes
        )
    except UploadTooLarge as error:
        return await _problem(request, uow, visitor, patient_id, str(error), 413)
    except BadUpload as error:
        return await _problem(request, uow, visitor, patient_id, str(error))
    try:
        _check_token(fields.get("csrf_token"), visitor)
    except HTTPException:
        if stored is not None:
            stored.path.unlink(missing_ok=True)
        raise
    if stored is None:
        return await _problem(request, uow, visitor, patient_id, "Choose a file to import.")
    job = await run_in_threadpool(queue_import, request, uow, visitor.caller, patient_id, stored)
    return RedirectResponse(f"{_base(visitor, patient_id)}/{job.id}", status.HTTP_303_SEE_OTHER)


def _check_token(sent: object, visitor: Visitor) -> None:
    if not isinstance(sent, str) or not secrets.compare_digest(sent, visitor.csrf_token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, FORM_EXPIRED)


async def _problem(
    request: Request,
    uow: Uow,
    visitor: Visitor,
    patient_id: int,
    problem: str,
    status_code: int = status.HTTP_400_BAD_REQUEST,
) -> Response:
    return await run_in_threadpool(
        _import_page,
        request,
        uow,
        visitor,
        patient_id,
        problem=problem,
        status_code=status_code,
    )


def _job_page(
    request: Request, uow: Uow, visitor: Visitor, patient_id: int, job_id: int
) -> Response:
    job: JobView = job_progress(uow, visitor.caller, patient_id, job_id)
    page = render(request, "import_job.html", visitor, job=job, base=_base(visitor, patient_id))
    if job.status in ("pending", "running"):
        page.headers["Refresh"] = str(REFRESH_SECONDS)
    return page
