"""The clinician's patient list, most urgent first, each with why it is there."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import run_protocol
from pacewise.domain.urgency import attention
from pacewise.services.access import Caller, NotFound
from pacewise.services.records import NoPrescription, load_history
from pacewise.services.time_zones import date_in

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
    """One page of the patients in the caller's care, most urgent first, and how many there are
    in all. Each patient's ranking is replayed only when their records changed or the day did
    (see `PatientStatus`); every patient shown on the page is audited.

    The replays run in a read-only transaction and the rankings and audit events are written
    after it in a short one, so on SQLite a clinician's list never holds the write lock while
    it reads fifty histories.
    """
    if caller.role != "clinician":
        raise NotFound(caller.user_id)
    while True:
        with uow.reading():
            found = _rank_patients(uow, caller.user_id, today)
        if found is not None:
            break
        # Every patient gets a status row before any replay, so a change made meanwhile bumps
        # a version the replay is compared with; then the list is read afresh.
        with uow:
            uow.statuses.ensure([p.id for p in uow.care.patients_of(caller.user_id)])
            uow.commit()
    listed, fresh = found
    listed.sort(key=lambda entry: (entry.rank, entry.id))
    page = listed[offset : None if limit is None else offset + limit]
    with uow:
        for patient_id, version, rank, reasons in fresh:
            uow.statuses.save(patient_id, version, today, list(rank), list(reasons))
        uow.audit.record_each(
            "patient.listed",
            actor_id=caller.user_id,
            actor_role="clinician",
            patient_ids=[entry.id for entry in page],
        )
        uow.commit()
    return page, len(listed)


Fresh = list[tuple[int, int, tuple[int, ...], tuple[str, ...]]]
"""Rankings replayed in this request: (patient id, record version, rank, reasons)."""


def _rank_patients(
    uow: UnitOfWork, clinician_id: int, today: dt.date
) -> tuple[list[PatientInList], Fresh] | None:
    """Every patient in care with their ranking (stored, or replayed when out of date), inside
    an open read transaction; None when a patient has no status row yet."""
    patients = uow.care.patients_with_status(clinician_id)
    if any(patient.version is None for patient in patients):
        return None
    listed: list[PatientInList] = []
    fresh: Fresh = []
    for patient in patients:
        if patient.computed_version == patient.version and patient.computed_for == today:
            rank, reasons = tuple(patient.rank), tuple(patient.reasons)
        else:
            rank, reasons = _ranking(uow, patient.id, today)
            fresh.append((patient.id, patient.version, rank, reasons))
        listed.append(PatientInList(patient.id, patient.email, patient.display_name, reasons, rank))
    return listed, fresh


def _ranking(
    uow: UnitOfWork, patient_id: int, today: dt.date
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Replay the patient's history to rank them (PROTOCOL.md through `domain.urgency`)."""
    try:
        history = load_history(uow, patient_id)
    except NoPrescription:
        return NO_PLAN_RANK, ("no prescription yet",)
    last_peg = uow.questionnaires.last_answered(patient_id, "PEG")
    seen = attention(run_protocol(history, today), last_peg, today)
    return seen.rank, seen.reasons


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What one background refresh did: rankings replayed and saved, rankings still out of date
    when its time ran out (the next run goes on with them)."""

    ranked: int
    left: int


ENSURE_AT_ONCE = 500
"""Status rows created per statement: well within every database's limit on parameters."""


def refresh_rankings(
    uow: UnitOfWork,
    now: dt.datetime,
    budget_s: float = 40.0,
    clock: Callable[[], float] = time.monotonic,
) -> Refreshed:
    """Replay, one patient at a time, every stored ranking that is out of date, so a clinician's
    list finds them ready (a queue task runs this every minute).

    Rankings depend on the date, so at midnight every one of them goes out of date, and the
    first list of the day replayed fifty histories while the clinician waited (`bench/api.py`:
    seconds). A ranking is read on its first clinician's local date, the date their list is
    read on. Each is saved in its own short transaction, and only if the patient's records
    have not changed since (see `PatientStatus`). Stops starting new replays after `budget_s`,
    so two runs do not overlap.
    """
    deadline = clock() + budget_s
    with uow.reading():
        found = uow.statuses.in_care()
    missing = [row.patient_id for row in found if row.version is None]
    for start in range(0, len(missing), ENSURE_AT_ONCE):
        with uow:
            uow.statuses.ensure(missing[start : start + ENSURE_AT_ONCE])
            uow.commit()
    stale = [
        (row.patient_id, row.version or 0, day)
        for row in found
        if (day := date_in(row.time_zone, now)) != row.computed_for
        or row.computed_version != (row.version or 0)
    ]
    ranked = 0
    for patient_id, version, day in stale:
        if clock() >= deadline:
            break
        with uow.reading():
            rank, reasons = _ranking(uow, patient_id, day)
        with uow:
            uow.statuses.save(patient_id, version, day, list(rank), list(reasons))
            uow.commit()
        ranked += 1
    return Refreshed(ranked, len(stale) - ranked)
