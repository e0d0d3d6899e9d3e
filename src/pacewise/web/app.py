"""The FastAPI application: the JSON API under /api/v1, with errors every client can read."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from pacewise import __version__
from pacewise.adapters.db.migrate import upgrade
from pacewise.bootstrap import database_engine
from pacewise.config import Settings
from pacewise.domain import InvalidInput
from pacewise.services.access import NotAllowed, NotFound
from pacewise.services.inputs import field_path
from pacewise.services.records import NoPrescription
from pacewise.web.api import admin_routes, audit_routes, token_routes
from pacewise.web.api.routes import router

API = "/api/v1"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The app on the configured database, migrated at start (issue 4)."""
    settings = settings or Settings()
    engine = engine or database_engine(settings)
    upgrade(engine)
    app = FastAPI(
        title="pacewise",
        version=__version__,
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.include_router(router, prefix=API)
    app.include_router(token_routes.router, prefix=API)
    app.include_router(admin_routes.router, prefix=API)
    app.include_router(audit_routes.router, prefix=API)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(NotAllowed, _not_allowed)
    app.add_exception_handler(NoPrescription, _no_prescription)
    return app


def _problem(code: int, problems: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"detail": problems}, status_code=code)


async def _invalid_input(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidInput)
    return _problem(422, [{"field": error.field, "message": error.message}])


async def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    """Pydantic's errors, each naming its field the way the CLI does (`sessions[0].pain`)."""
    assert isinstance(error, RequestValidationError)
    problems = []
    for problem in error.errors():
        location = [part for part in problem["loc"] if part not in ("body", "query", "path")]
        message = problem["msg"].replace("Input should be", "must be").removeprefix("Value error, ")
        problems.append({"field": field_path(location), "message": message})
    return _problem(422, problems)


async def _not_found(_: Request, __: Exception) -> JSONResponse:
    return JSONResponse({"detail": "not found"}, status_code=status.HTTP_404_NOT_FOUND)


async def _not_allowed(_: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=status.HTTP_403_FORBIDDEN)


async def _no_prescription(_: Request, __: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "no prescription yet: the clinician sets one before the plan starts"},
        status_code=status.HTTP_409_CONFLICT,
    )
