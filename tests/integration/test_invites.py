"""A clinician creates a patient and gets a one-time invite link; it expires and works once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput
from pacewise.services.access import Caller
from pacewise.services.accounts import INVITE_VALID_FOR, accept_invite, create_patient
from pacewise.services.passwords import verify_password
from tests.integration.conftest import Clinic

PASSWORD = "morning walks by the river"


def new_patient_body(email: str = "new@example.org") -> dict[str, str]:
    return {
        "email": email,
        "display_name": "New",
        "condition": "osteoarthritis",
        "start_date": "2026-01-05",
    }


def test_a_clinician_creates_a_patient_who_sets_a_password_once(
    clinic: Clinic, engine: Engine
) -> None:
    made = clinic.client.post(
        "/api/v1/clinician/patients", json=new_patient_body(), headers=clinic.as_("doc")
    )
    assert made.status_code == 201, made.text
    created = made.json()
    token = created["invite_url"].removeprefix("/invite/")
    accepted = clinic.client.post(f"/api/v1/invites/{token}", json={"password": PASSWORD})
    assert accepted.status_code == 204, accepted.text
    again = clinic.client.post(f"/api/v1/invites/{token}", json={"password": PASSWORD + "!"})
    assert again.status_code == 422
    assert again.json()["detail"][0]["field"] == "invite"
    with UnitOfWork(engine) as uow:
        user = uow.users.get(created["id"])
        assert user is not None
        assert verify_password(user.password_hash, PASSWORD)
        assert uow.care.patients_of(uow.users.by_email("doc@example.org").id)[-1].id == user.id  # type: ignore[union-attr]
        prescription = uow.prescriptions.current(user.id)
        assert prescription is not None
        assert prescription.condition == "osteoarthritis"
    listed = clinic.client.get("/api/v1/clinician/patients", headers=clinic.as_("doc")).json()
    assert "new@example.org" in [p["email"] for p in listed["items"]]


def test_an_expired_invite_and_an_unknown_one_get_the_same_answer(
    engine: Engine, clinic: Clinic
) -> None:
    with UnitOfWork(engine) as uow:
        doc = uow.users.by_email("doc@example.org")
        assert doc is not None
        doc_id = doc.id
    then = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    created = create_patient(
        UnitOfWork(engine),
        Caller(doc_id, "clinician"),
        "late@example.org",
        condition="low_back_pain",
        start_date=dt.date(2026, 1, 5),
        now=then,
    )
    with pytest.raises(InvalidInput) as expired:
        accept_invite(
            UnitOfWork(engine), created.invite_token, PASSWORD, now=then + INVITE_VALID_FOR
        )
    with pytest.raises(InvalidInput) as unknown:
        accept_invite(UnitOfWork(engine), "no-such-token", PASSWORD, now=then)
    assert expired.value.message == unknown.value.message
    assert accept_invite(UnitOfWork(engine), created.invite_token, PASSWORD, now=then) == created.id


@pytest.mark.parametrize("who", ["pat", "admin"])
def test_only_a_clinician_creates_patients(clinic: Clinic, who: str) -> None:
    answer = clinic.client.post(
        "/api/v1/clinician/patients", json=new_patient_body(), headers=clinic.as_(who)
    )
    assert answer.status_code == 404


def test_a_weak_password_is_refused_and_the_link_still_works(clinic: Clinic) -> None:
    created = clinic.client.post(
        "/api/v1/clinician/patients", json=new_patient_body(), headers=clinic.as_("doc")
    ).json()
    token = created["invite_url"].removeprefix("/invite/")
    weak = clinic.client.post(f"/api/v1/invites/{token}", json={"password": "password123"})
    assert weak.status_code == 422
    assert weak.json()["detail"][0]["field"] == "password"
    assert (
        clinic.client.post(f"/api/v1/invites/{token}", json={"password": PASSWORD}).status_code
        == 204
    )
