"""Shared test set-up: say in the report header which databases the storage tests use, and keep
every test app's uploads and job queue in a folder of the run's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from tests.integration.conftest import POSTGRES_ADMIN_URL, POSTGRES_ENV


def pytest_report_header() -> str:
    if POSTGRES_ADMIN_URL:
        return f"storage tests: sqlite and postgresql ({make_url(POSTGRES_ADMIN_URL).host})"
    return f"storage tests: sqlite only (no PostgreSQL; set {POSTGRES_ENV} to add it)"


@pytest.fixture(autouse=True, scope="session")
def _data_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Apps made by tests (and servers they start) never write to the user's data folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PACEWISE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        yield
