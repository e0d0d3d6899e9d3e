"""Pages are tested through the real app on both databases, signed in with a real cookie."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pacewise.adapters.db.models import PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user
from pacewise.web.app import create_app
from tests.integration.conftest import CLINIC_START, engine, postgres_template, sqlite_template

__all__ = ["engine", "postgres_template", "sqlite_template"]

PASSWORD = "slow and steady every day"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Site:
    """The app with a clinician and a patient in their care, both with passwords."""

    engine: Engine
    patient: int
    clinician: int

    def browser(self) -> TestClient:
        return TestClient(create_app(engine=self.engine), follow_redirects=False)

    def signed_in(self, email: str) -> TestClient:
        client = self.browser()
        answer = client.post("/sign-in", data={"email": email, "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        return client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "the page has no form token"
    return found.group(1)


@pytest.fixture
def site(engine: Engine) -> Site:
    doc = add_user(UnitOfWork(engine), "doc@example.org", "clinician", password=PASSWORD)
    pat = add_user(
        UnitOfWork(engine),
        "pat@example.org",
        "patient",
        clinician_email="doc@example.org",
        password=PASSWORD,
    )
    # Outsiders for the access sweeps: another clinician with their own patient, and an admin.
    add_user(UnitOfWork(engine), "outsider-doc@example.org", "clinician", password=PASSWORD)
    other = add_user(
        UnitOfWork(engine),
        "outsider@example.org",
        "patient",
        clinician_email="outsider-doc@example.org",
        password=PASSWORD,
    )
    add_user(UnitOfWork(engine), "outsider-admin@example.org", "admin", password=PASSWORD)
    with UnitOfWork(engine) as uow:
        for patient in (pat.id, other.id):
            uow.prescriptions.add(
                PrescriptionVersion(
                    patient_id=patient, condition="low_back_pain", start_date=CLINIC_START
                )
            )
        uow.commit()
    return Site(engine, pat.id, doc.id)
