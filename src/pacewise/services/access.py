"""Who may see whose record (issue 4, privacy): a patient only their own, a clinician only the
patients in their care, an admin no health data. Anything else is "not found", so a record's
existence never leaks; every clinician access is written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from pacewise.adapters.db.unit_of_work import UnitOfWork


class NotFound(LookupError):
    """The record does not exist, or the caller may not know that it does."""


class NotAllowed(PermissionError):
    """The caller may see the record but not do this to it (a patient changing their own
    prescription); the message says who can."""


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int
    role: str


def transaction_for(uow: UnitOfWork, caller: Caller, patient_id: int) -> UnitOfWork:
    """The unit of work for reading `patient_id`'s record: a patient reading their own record
    writes no audit event, so that transaction only reads (and on SQLite waits for no writer)."""
    own = caller.role == "patient" and caller.user_id == patient_id
    return uow.reading() if own else uow


def open_patient_record(uow: UnitOfWork, caller: Caller, patient_id: int, action: str) -> None:
    """Allow `caller` into `patient_id`'s record or raise NotFound; audit other people's access.

    Runs inside the caller's unit of work, so the audit event commits with the use case.
    """
    if caller.role == "patient" and caller.user_id == patient_id:
        return
    if caller.role == "clinician" and uow.care.is_in_care(caller.user_id, patient_id):
        uow.audit.record(
            action, actor_id=caller.user_id, actor_role=caller.role, patient_id=patient_id
        )
        return
    raise NotFound(patient_id)
