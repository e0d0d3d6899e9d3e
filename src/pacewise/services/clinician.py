"""The clinician's patient list, most urgent first, each with why it is there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import run_protocol
from pacewise.domain.urgency import attention
from pacewise.services.access import Caller, NotFound
from pacewise.services.records import NoPrescription, load_history

NO_PLAN_RANK = (2,)


@dataclass(frozen=True, slots=True)
class PatientInList:
    id: int
    email: str
    display_name: str
    reasons: tuple[str, ...]
    rank: tuple[int, ...]


def patients_by_urgency(
    uow: UnitOfWork, caller: Caller, today: dt.date, limit: int | None = None, offset: int = 0
) -> tuple[list[PatientInList], int]:
    """One page of the patients in the caller's care, most urgent first, and how many there
    are in all. Every record is read to rank them, so every one is audited."""
    if caller.role != "clinician":
        raise NotFound(caller.user_id)
    listed: list[PatientInList] = []
    with uow:
        for patient in uow.care.patients_of(caller.user_id):
            uow.audit.record(
                "patient.listed",
                actor_id=caller.user_id,
                actor_role="clinician",
                patient_id=patient.id,
            )
            try:
                history = load_history(uow, patient.id)
            except NoPrescription:
                listed.append(
                    PatientInList(
                        patient.id,
                        patient.email,
                        patient.display_name,
                        ("no prescription yet",),
                        NO_PLAN_RANK,
                    )
                )
                continue
            last_peg = uow.questionnaires.last_answered(patient.id, "PEG")
            seen = attention(run_protocol(history, today), last_peg, today)
            listed.append(
                PatientInList(
                    patient.id, patient.email, patient.display_name, seen.reasons, seen.rank
                )
            )
        uow.commit()
    ranked = sorted(listed, key=lambda entry: (entry.rank, entry.id))
    end = None if limit is None else offset + limit
    return ranked[offset:end], len(ranked)
