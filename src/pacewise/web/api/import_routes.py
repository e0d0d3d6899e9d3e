"""/api/v1 routes for importing a patient's files (issue 6): upload, job progress.

The upload is the request's body, streamed to disk (`curl --data-binary @export.zip
-H 'Content-Type: application/octet-stream' '.../imports?filename=export.zip'`), or a multipart
form with one file. The import then runs as a background job; its progress is in the database,
so any app process answers for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.importers.csv_sessions import TEMPLATE
from pacewise.config import Settings
from pacewise.services.access import Caller
from pacewise.services.import_queue import import_queue
from pacewise.services.import_uploads import (
    BadUpload,
    StoredUpload,
    UploadTooLarge,
    limit_words,
    store_body,
    store_form,
)
from pacewise.services.imports import JobView, job_progress, list_imports, may_import, start_import
from pacewise.web.api.dependencies import CurrentCaller, Limit, Offset, RecordId, Uow
from pacewise.web.api.schemas import Page

router = APIRouter(tags=["imports"])
IMPORTS = "/patients/{patient_id}/imports"

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The file itself as the body (name it in `filename`), or a multipart "
        "form with one file field.",
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}
FileName = Annotated[
    str,
    Query(
        max_length=255,
        description="The file's name with its extension (export.zip, walk.gpx, log.csv); "
        "needed when the body is the file itself.",
    ),
]


@router.post(
    IMPORTS,
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=UPLOAD_BODY,
    responses={413: {"description": "The file is larger than the server's upload limit."}},
)
async def post_import(
    patient_id: RecordId,
    request: Request,
    caller: CurrentCaller,
    uow: Uow,
    filename: FileName = "",
) -> JobView:
    """Upload a file to import for the patient: an Apple Health export (zip or xml), GPX,
    TCX, FIT (or a zip of them) or a CSV log. Answers at once with the queued job; follow it
    at `GET .../imports/{job_id}`."""
    await run_in_threadpool(may_import, uow, caller, patient_id)
    stored = await receive_upload(request, filename)
    return await run_in_threadpool(queue_import, request, uow, caller, patient_id, stored)


async def receive_upload(request: Request, filename: str) -> StoredUpload:
    """The body stored in the upload folder; 413 over the limit, 400 for no file."""
    settings: Settings = request.app.state.settings
    limit = settings.upload_limit_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise too_large(limit)
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            _, stored = await store_form(request.stream(), content_type, settings.uploads, limit)
            if stored is None:
                raise BadUpload("Choose a file to import.")
            return stored
        if not filename:
            raise BadUpload("Name the file in ?filename= (export.zip, walk.gpx, log.csv).")
        return await store_body(request.stream(), settings.uploads, filename, limit)
    except UploadTooLarge as error:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(error)) from None
    except BadUpload as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None


def too_large(limit: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        f"The file is larger than the {limit_words(limit)} this server accepts.",
    )


def queue_import(
    request: Request, uow: UnitOfWork, caller: Caller, patient_id: int, stored: StoredUpload
) -> JobView:
    """The job recorded and queued; the stored file is deleted if the job cannot be made."""
    try:
        job = start_import(
            uow,
            caller,
            patient_id,
            filename=stored.filename,
            stored_path=stored.path,
            size=stored.size,
        )
    except BaseException:
        Path(stored.path).unlink(missing_ok=True)
        raise
    import_queue(request.app.state.settings, request.app.state.engine).enqueue(job.id)
    return job


@router.get(IMPORTS)
def get_imports(
    patient_id: RecordId, caller: CurrentCaller, uow: Uow, limit: Limit = 50, offset: Offset = 0
) -> Page[JobView]:
    """The patient's imports, newest first."""
    jobs, total = list_imports(uow, caller, patient_id, limit, offset)
    return Page(items=jobs, total=total, limit=limit, offset=offset)


@router.get(IMPORTS + "/{job_id}")
def get_import(patient_id: RecordId, job_id: RecordId, caller: CurrentCaller, uow: Uow) -> JobView:
    """One import: its status (pending, running, done, failed), bytes read of the total and
    the percent, records seen, sessions added and already there, skipped records with their
    reasons, daily totals kept, and the error of a failed one."""
    return job_progress(uow, caller, patient_id, job_id)


@router.get(
    "/imports/template.csv",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def get_csv_template() -> PlainTextResponse:
    """A CSV log to fill in and import: the header `date,start,minutes,kind,pain_before,
    pain_after` and example rows. `date` is YYYY-MM-DD (from 2000 to tomorrow), `start` HH:MM or
    empty, `minutes` 1-600, `kind` one of walk, cycle, swim, aquatic, stretch, strength, yoga,
    tai_chi, other; the pains 0-10 or empty (the two pain columns may be left out)."""
    return PlainTextResponse(
        TEMPLATE,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="pacewise-sessions.csv"'},
    )
