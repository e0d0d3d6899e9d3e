"""Shared test set-up: say in the report header which databases the storage tests use."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from tests.integration.conftest import POSTGRES_ADMIN_URL, POSTGRES_ENV


def pytest_report_header() -> str:
    if POSTGRES_ADMIN_URL:
        return f"storage tests: sqlite and postgresql ({make_url(POSTGRES_ADMIN_URL).host})"
    return f"storage tests: sqlite only (no PostgreSQL; set {POSTGRES_ENV} to add it)"
