"""Databases for storage tests: every test runs on SQLite and on PostgreSQL, each on a clean
database built by the migrations (issue 4: real components, not mocks).

PostgreSQL comes from PACEWISE_TEST_POSTGRES_URL (an admin URL; CI sets it and a server that
does not answer then fails the tests), or from a server answering at 127.0.0.1:5432.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import upgrade
from pacewise.adapters.db.models import PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user, create_token
from pacewise.web.app import create_app

POSTGRES_ENV = "PACEWISE_TEST_POSTGRES_URL"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def _postgres_admin_url() -> str | None:
    configured = os.environ.get(POSTGRES_ENV)
    if configured:
        return configured
    try:
        with psycopg.connect(LOCAL_POSTGRES, connect_timeout=2):
            return LOCAL_POSTGRES
    except psycopg.OperationalError:
        return None


POSTGRES_ADMIN_URL = _postgres_admin_url()
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_ADMIN_URL else ["sqlite"]


def psycopg_url(url: str, database: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql", database=database)
        .render_as_string(hide_password=False)
    )


def postgres_admin(statement: str) -> None:
    assert POSTGRES_ADMIN_URL is not None
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "pacewise.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    name = f"pacewise_template_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    assert POSTGRES_ADMIN_URL is not None
    engine = make_engine(psycopg_url(POSTGRES_ADMIN_URL, name))
    upgrade(engine)
    engine.dispose()
    yield name
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A clean, migrated database on each backend."""
    with clean_engine(request, request.param, tmp_path) as engine:
        yield engine


@contextmanager
def clean_engine(request: pytest.FixtureRequest, backend: str, folder: Path) -> Iterator[Engine]:
    """A clean, migrated database on `backend`, gone afterwards (for fixtures of any scope)."""
    if backend == "sqlite":
        path = folder / "pacewise.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    template = request.getfixturevalue("postgres_template")
    name = f"pacewise_test_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    assert POSTGRES_ADMIN_URL is not None
    engine = make_engine(psycopg_url(POSTGRES_ADMIN_URL, name))
    yield engine
    engine.dispose()
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


CLINIC_START = dt.date(2026, 1, 5)


@dataclass
class Clinic:
    client: TestClient
    patient: int
    tokens: dict[str, str]
    engine: Engine

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def clinic(engine: Engine) -> Iterator[Clinic]:
    with open_clinic(engine) as clinic:
        yield clinic


@contextmanager
def open_clinic(engine: Engine) -> Iterator[Clinic]:
    """Two clinicians, an admin, and two patients in doc's care (pat with a prescription), each
    with an API token; and a client of the app on `engine`."""
    add_user(UnitOfWork(engine), "doc@example.org", "clinician")
    add_user(UnitOfWork(engine), "other-doc@example.org", "clinician")
    add_user(UnitOfWork(engine), "admin@example.org", "admin")
    patient = add_user(
        UnitOfWork(engine), "pat@example.org", "patient", clinician_email="doc@example.org"
    )
    add_user(UnitOfWork(engine), "other@example.org", "patient", clinician_email="doc@example.org")
    with UnitOfWork(engine) as uow:
        uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=patient.id, condition="low_back_pain", start_date=CLINIC_START
            )
        )
        uow.commit()
    names = ["doc", "other-doc", "admin", "pat", "other"]
    tokens = {name: create_token(UnitOfWork(engine), f"{name}@example.org", "t") for name in names}
    with TestClient(create_app(engine=engine)) as client:
        yield Clinic(client, patient.id, tokens, engine)
