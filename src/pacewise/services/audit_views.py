"""Who viewed a patient's record (issue 4, privacy): a patient sees who opened their record,
and so does a clinician in their care.

Every access to a record by someone other than its patient is already in the audit log
(access.py), as is every admin change to the patient's account; this reads them back, newest
first, with who it was. The log is append-only: nothing here, or anywhere, changes an event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.adapters.db.models import AuditEvent, User
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller, NotFound, open_patient_record, transaction_for


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One access by someone else: when, what kind, and who (their e-mail and name are None
    once their account is deleted; the role is the one they acted in)."""

    at: dt.datetime
    action: str
    actor_id: int
    actor_role: str
    actor_email: str | None
    actor_display_name: str | None

    @classmethod
    def of(cls, event: AuditEvent, actor: User | None) -> AccessEvent:
        assert event.actor_id is not None  # the query keeps only events with an actor
        return cls(
            at=event.at,
            action=event.action,
            actor_id=event.actor_id,
            actor_role=event.actor_role or (actor.role if actor else ""),
            actor_email=actor.email if actor else None,
            actor_display_name=actor.display_name if actor else None,
        )


def who_viewed(
    uow: UnitOfWork, caller: Caller, patient_id: int, limit: int, offset: int
) -> tuple[list[AccessEvent], int]:
    """A page of the accesses to the patient's record by other people, newest first, and how
    many there are. A clinician reading it is itself an access, and is listed."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "access_log.viewed")
        patient = uow.users.get(patient_id)
        if patient is None:  # pragma: no cover - a caller reaches only an existing record
            raise NotFound(patient_id)
        events, total = uow.audit.by_others_page(patient_id, patient.created_at, limit, offset)
        uow.commit()
        return [AccessEvent.of(event, actor) for event, actor in events], total
