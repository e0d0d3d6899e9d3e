"""The FastAPI application: the pages, and the JSON API under /api/v1, with errors every client
can read (JSON for the API, a plain page for a browser)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from pacewise import __version__
from pacewise.adapters.db.engine import POOL_SIZE
from pacewise.adapters.db.migrate import upgrade
from pacewise.bootstrap import database_engine
from pacewise.config import Settings
from pacewise.domain import InvalidInput
from pacewise.services.access import NotAllowed, NotFound
from pacewise.services.inputs import field_path
from pacewise.services.records import NoPrescription
from pacewise.web.api import (
    admin_routes,
    audit_routes,
    export_routes,
    import_routes,
    report_routes,
    token_routes,
)
from pacewise.web.api.refusals import CALLER_ERRORS, ERROR_BODY, ERROR_SCHEMA, UNREADABLE_BODY
from pacewise.web.api.routes import router
from pacewise.web.pages import auth, clinician, exports, imports, log, progress, reports, today
from pacewise.web.pages.common import SignInNeeded, render, sign_in_url
from pacewise.web.security import SecurityHeaders

API = "/api/v1"

PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "properties": {
        "field": {"title": "Field", "type": "string", "examples": ["sessions[0].pain_before"]},
        "message": {"title": "Message", "type": "string"},
    },
    "required": ["field", "message"],
}
"""One entry of a 422 answer's `detail`: the field, named as the CLI names it, and what is wrong."""


class _Api(FastAPI):
    def openapi(self) -> dict[str, Any]:
        """FastAPI documents each 422 problem as its own `loc`, `msg` and `type`; ours name the
        field instead (`_invalid_request`, `_invalid_input`), so the schema says that. Every
        operation that needs a caller lists the refusals any of them may give, and every one
        that takes a body the refusal of a body it cannot read, so a client knows their shape
        before it meets one."""
        if self.openapi_schema is None:
            schema = super().openapi()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            if "ValidationError" in components:
                components["ValidationError"] = PROBLEM_SCHEMA
            components["Error"] = ERROR_SCHEMA
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    answers = operation.setdefault("responses", {})
                    refusals = {
                        **(UNREADABLE_BODY if "requestBody" in operation else {}),
                        **(CALLER_ERRORS if operation.get("security") else {}),
                    }
                    for code, words in refusals.items():
                        answer = answers.setdefault(code, {"description": words})
                        answer.setdefault("content", ERROR_BODY)
        return super().openapi()


WORKER_THREADS = POOL_SIZE
"""Requests served at once per process (each in a worker thread, holding one connection).
anyio's default, 40, is more than the pool keeps open: under load the extra threads opened and
closed connections of their own (on PostgreSQL a backend process each: `bench/api.py` saw 48 %
of a core outside the server and the database while logging, 10 % with the limit). Further
requests wait their turn on the event loop."""


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The app on the configured database, migrated at start (issue 4)."""
    settings = settings or Settings()
    engine = engine or database_engine(settings)
    upgrade(engine)
    app = _Api(
        title="pacewise",
        version=__version__,
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.include_router(router, prefix=API)
    app.include_router(token_routes.router, prefix=API)
    app.include_router(admin_routes.router, prefix=API)
    app.include_router(audit_routes.router, prefix=API)
    app.include_router(import_routes.router, prefix=API)
    app.include_router(export_routes.router, prefix=API)
    app.include_router(report_routes.router, prefix=API)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(NotAllowed, _not_allowed)
    app.add_exception_handler(NoPrescription, _no_prescription)
    app.include_router(auth.router)
    app.include_router(today.router)
    app.include_router(log.router)
    app.include_router(progress.router)
    app.include_router(clinician.router)
    app.include_router(imports.router)
    app.include_router(exports.router)
    app.include_router(reports.router)
    app.mount("/static", StaticFiles(packages=[("pacewise.web", "static")]), name="static")
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(SecurityHeaders)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API)


PAGE_ERRORS = {
    400: (
        "Something is not right",
        "Part of that request was not as expected. Please go back and try again.",
    ),
    403: ("Not allowed", "This page cannot do that."),
    404: ("Not found", "There is nothing here, or it is not yours to see."),
    405: ("Not found", "There is nothing here."),
}


def _page_error(request: Request, code: int, message: str | None = None) -> Response:
    title, default = PAGE_ERRORS.get(code, ("Something went wrong", "Please try again."))
    return render(request, "error.html", status_code=code, title=title, message=message or default)


async def _sign_in_needed(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInNeeded)
    return RedirectResponse(sign_in_url(error.back_to), status.HTTP_303_SEE_OTHER)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if _is_api(request):
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=error.headers
        )
    detail = error.detail if isinstance(error.detail, str) and error.status_code == 403 else None
    return _page_error(request, error.status_code, detail)


def _problem(code: int, problems: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"detail": problems}, status_code=code)


async def _invalid_input(request: Request, error: Exception) -> Response:
    assert isinstance(error, InvalidInput)
    if not _is_api(request):
        return _page_error(request, 400, f"{error.message[:1].upper()}{error.message[1:]}.")
    return _problem(422, [{"field": error.field, "message": error.message}])


async def _invalid_request(request: Request, error: Exception) -> Response:
    """Pydantic's errors, each naming its field the way the CLI does (`sessions[0].pain`); a
    page asked with a bad address or form gets a plain page instead (forms check their own
    fields and answer with the form)."""
    assert isinstance(error, RequestValidationError)
    if not _is_api(request):
        return _page_error(request, 400)
    problems = []
    for problem in error.errors():
        location = [part for part in problem["loc"] if part not in ("body", "query", "path")]
        message = problem["msg"].replace("Input should be", "must be").removeprefix("Value error, ")
        problems.append({"field": field_path(location), "message": message})
    return _problem(422, problems)


async def _not_found(request: Request, __: Exception) -> Response:
    if not _is_api(request):
        return _page_error(request, status.HTTP_404_NOT_FOUND)
    return JSONResponse({"detail": "not found"}, status_code=status.HTTP_404_NOT_FOUND)


async def _not_allowed(_: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=status.HTTP_403_FORBIDDEN)


async def _no_prescription(_: Request, __: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "no prescription yet: the clinician sets one before the plan starts"},
        status_code=status.HTTP_409_CONFLICT,
    )
