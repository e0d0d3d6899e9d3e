"""Who viewed a record: a patient sees who viewed them, and so does a clinician in their care;
the audit log it reads is append-only and outlives the accounts it names (issue 4, privacy).
That everyone else gets 404 and anonymous callers 401 is swept in test_access_sweep.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from pacewise.adapters.db.models import AuditEvent
from pacewise.adapters.db.repositories import Audit
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.accounts import add_user, create_token
from tests.integration.conftest import Clinic
from tests.integration.test_access_sweep import EVERY_ROUTE

EVENT_FIELDS = {"at", "action", "actor_id", "actor_role", "actor_email", "actor_display_name"}


def viewers(clinic: Clinic, patient: int, who: str, **query: Any) -> dict[str, Any]:
    answer = clinic.client.get(
        f"/api/v1/patients/{patient}/viewers", params=query, headers=clinic.as_(who)
    )
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def user_id(engine: Engine, email: str) -> int:
    with UnitOfWork(engine) as uow:
        user = uow.users.by_email(email)
        assert user is not None
        return user.id


def test_a_patient_sees_who_viewed_their_record_newest_first_and_not_themself(
    clinic: Clinic, engine: Engine
) -> None:
    record = f"/api/v1/patients/{clinic.patient}"
    clinic.client.post(
        f"{record}/sessions", json={"date": "2026-01-05", "minutes": 5}, headers=clinic.as_("pat")
    )
    clinic.client.get(f"{record}/alerts", headers=clinic.as_("doc"))
    clinic.client.get(f"{record}/sessions", headers=clinic.as_("doc"))
    clinic.client.get(f"{record}/alerts", headers=clinic.as_("other-doc"))  # not in care: 404
    page = viewers(clinic, clinic.patient, "pat")
    doc = user_id(engine, "doc@example.org")
    assert page["total"] == 2
    assert [(e["action"], e["actor_id"]) for e in page["items"]] == [
        ("sessions.viewed", doc),
        ("alerts.viewed", doc),
    ]
    first = page["items"][0]
    assert set(first) == EVENT_FIELDS
    assert (first["actor_email"], first["actor_role"]) == ("doc@example.org", "clinician")
    assert page["items"][0]["at"] >= page["items"][1]["at"]


def test_a_clinician_in_care_sees_the_viewers_and_their_own_look_is_among_them(
    clinic: Clinic, engine: Engine
) -> None:
    clinic.client.get(f"/api/v1/patients/{clinic.patient}/alerts", headers=clinic.as_("doc"))
    page = viewers(clinic, clinic.patient, "doc")
    assert [e["action"] for e in page["items"]] == ["access_log.viewed", "alerts.viewed"]
    again = viewers(clinic, clinic.patient, "pat")
    assert again["items"][0]["action"] == "access_log.viewed"


def test_the_viewers_come_a_page_at_a_time(clinic: Clinic) -> None:
    for _ in range(5):
        clinic.client.get(f"/api/v1/patients/{clinic.patient}/alerts", headers=clinic.as_("doc"))
    pages = [viewers(clinic, clinic.patient, "pat", limit=2, offset=o) for o in (0, 2, 4)]
    assert [p["total"] for p in pages] == [5, 5, 5]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    answer = clinic.client.get(
        f"/api/v1/patients/{clinic.patient}/viewers?limit=0", headers=clinic.as_("pat")
    )
    assert answer.status_code == 422


def test_an_admins_changes_to_the_account_are_listed_for_the_patient(
    clinic: Clinic, engine: Engine
) -> None:
    link = {"clinician_id": user_id(engine, "other-doc@example.org"), "patient_id": clinic.patient}
    clinic.client.post("/api/v1/admin/care", json=link, headers=clinic.as_("admin"))
    (event,) = viewers(clinic, clinic.patient, "pat")["items"]
    assert (event["action"], event["actor_email"], event["actor_role"]) == (
        "care.linked",
        "admin@example.org",
        "admin",
    )


def test_a_deleted_viewer_stays_listed_without_their_address(
    clinic: Clinic, engine: Engine
) -> None:
    other_doc = user_id(engine, "other-doc@example.org")
    link = {"clinician_id": other_doc, "patient_id": clinic.patient}
    clinic.client.post("/api/v1/admin/care", json=link, headers=clinic.as_("admin"))
    clinic.client.get(f"/api/v1/patients/{clinic.patient}/alerts", headers=clinic.as_("other-doc"))
    assert clinic.client.delete("/api/v1/me", headers=clinic.as_("other-doc")).status_code == 204
    newest = viewers(clinic, clinic.patient, "pat")["items"][0]
    assert [newest[key] for key in ("action", "actor_id", "actor_email", "actor_role")] == [
        "alerts.viewed",
        other_doc,
        None,
        "clinician",
    ]


def test_a_new_account_given_a_deleted_ones_id_sees_none_of_its_log(
    clinic: Clinic, engine: Engine
) -> None:
    """SQLite hands out the highest id again once its row is deleted."""
    gone = add_user(
        UnitOfWork(engine), "gone@example.org", "patient", clinician_email="doc@example.org"
    )
    token = create_token(UnitOfWork(engine), "gone@example.org", "t")
    clinic.client.get(f"/api/v1/patients/{gone.id}/alerts", headers=clinic.as_("doc"))
    clinic.client.delete("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    new = add_user(UnitOfWork(engine), "new@example.org", "patient")
    if engine.dialect.name == "sqlite":
        assert new.id == gone.id
    token = create_token(UnitOfWork(engine), "new@example.org", "t")
    answer = clinic.client.get(
        f"/api/v1/patients/{new.id}/viewers", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == []


def test_deleting_a_patient_keeps_every_audit_event_about_them(
    clinic: Clinic, engine: Engine
) -> None:
    clinic.client.get(f"/api/v1/patients/{clinic.patient}/alerts", headers=clinic.as_("doc"))

    def events() -> int:
        with engine.connect() as connection:
            query = select(func.count()).where(AuditEvent.patient_id == clinic.patient)
            return connection.scalar(query) or 0

    before = events()
    assert before >= 2
    assert clinic.client.delete("/api/v1/me", headers=clinic.as_("pat")).status_code == 204
    assert events() == before + 1  # and the deletion itself


def test_the_audit_log_is_append_only() -> None:
    """The repository only adds and reads events, and no route changes or deletes them."""
    public = {name for name in vars(Audit) if not name.startswith("_")}
    assert public == {"record", "record_each", "for_patient", "by_others_page"}
    log_routes = [(m, p) for m, p in EVERY_ROUTE if "viewers" in p or "audit" in p]
    assert log_routes == [("GET", "/api/v1/patients/{patient_id}/viewers")]


def test_one_event_per_listed_patient_reads_back_like_a_single_event(engine: Engine) -> None:
    """A list view's events are written in one statement (on SQLite from a JSON list of ids);
    each reads back with every field as `record` writes them, in the order of the page."""
    listed = [41, 7, 2**31 - 1]
    with UnitOfWork(engine) as uow:
        uow.audit.record_each(
            "patient.listed", actor_id=3, actor_role="clinician", patient_ids=listed
        )
        uow.audit.record("patient.viewed", actor_id=3, actor_role="clinician", patient_id=7)
        uow.audit.record_each("patient.listed", actor_id=3, actor_role="clinician", patient_ids=[])
        uow.commit()
    with UnitOfWork(engine) as uow:
        rows = uow.audit.db.execute(select(*FIELDS).order_by(AuditEvent.id)).all()
    each, single = rows[:-1], rows[-1]
    assert [row.patient_id for row in each] == listed
    for row in each:
        assert (row.action, row.actor_id, row.actor_role) == ("patient.listed", 3, "clinician")
        assert (row.detail, row.address) == (single.detail, single.address) == ({}, "")
        assert type(row.at) is type(single.at)
        assert row.at.tzinfo == single.at.tzinfo
        assert abs(single.at - row.at).total_seconds() < 60
    assert len({row.at for row in each}) == 1


FIELDS = (
    AuditEvent.action,
    AuditEvent.actor_id,
    AuditEvent.actor_role,
    AuditEvent.patient_id,
    AuditEvent.detail,
    AuditEvent.address,
    AuditEvent.at,
)
