"""A patient's stored records as the domain's `History`, so the engine sees one truth."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from pacewise.adapters.db.models import MANUAL_SOURCE, PrescriptionVersion
from pacewise.adapters.db.repositories import StoredVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.importers.workout_overlaps import WorkoutsByDay
from pacewise.domain import (
    AcupunctureVisit,
    Alert,
    Condition,
    Flare,
    History,
    InvalidInput,
    Kind,
    Level,
    Prescription,
    Session,
)
from pacewise.domain.plan import prescriptions_by_week
from pacewise.domain.prescription import PrescriptionChange
from pacewise.services.prescription_input import PrescriptionInput


class NoPrescription(LookupError):
    """The patient has no prescription yet, so there is no plan to show."""


def prescription_of(version: PrescriptionVersion | StoredVersion) -> Prescription:
    """The engine's prescription from a stored version (validated as when it was saved)."""
    try:
        return _prescription(version.condition, json.dumps(version.settings, sort_keys=True))
    except (ValueError, InvalidInput) as error:  # pragma: no cover - stored data was validated
        raise RuntimeError(f"stored prescription {version.id} is invalid: {error}") from error


@functools.lru_cache(maxsize=1024)
def _prescription(condition: str, settings: str) -> Prescription:
    """Versions never change once saved, and most patients share a few profiles: each distinct
    one is validated once per process (a `Prescription` is immutable, so sharing it is safe)."""
    return PrescriptionInput.model_validate_json(settings).to_domain(Condition(condition))


def prescription_on(uow: UnitOfWork, patient_id: int, day: dt.date) -> Prescription:
    """The prescription in force on `day` (its triage numbers judge that day's records), from
    the prescription's versions alone, without reading the rest of the history."""
    versions = uow.prescriptions.history_rows(patient_id)
    if not versions:
        raise NoPrescription(patient_id)
    first = versions[0]
    week = max((day - first.start_date).days // 7, 0)
    changes = [PrescriptionChange(v.effective_from, prescription_of(v)) for v in versions[1:]]
    return prescriptions_by_week(prescription_of(first), first.start_date, week + 1, changes)[-1]


def load_history(uow: UnitOfWork, patient_id: int) -> History:
    """Everything recorded for the patient, as plain domain values.

    Alerts come from the store with their clearances (they were raised when the check-in or the
    next day's rating was saved), so the engine does not raise them again. Exercise minutes
    recorded by a phone or watch count on days without a logged session (issue 6), and a
    workout imported from one and logged by hand too counts once (`without_imported_copies`).
    """
    versions = uow.prescriptions.history_rows(patient_id)
    if not versions:
        raise NoPrescription(patient_id)
    first = versions[0]
    sessions = tuple(
        Session(
            date=day,
            minutes=minutes,
            kind=Kind(kind),
            start=start,
            pain_before=pain_before,
            pain_after=pain_after,
            effort=effort,
            checkin=tuple(codes) if codes else (),
        )
        for day, minutes, kind, start, pain_before, pain_after, effort, codes, _ in (
            without_imported_copies(uow.sessions.history_rows(patient_id))
        )
    )
    alerts = tuple(
        Alert(raised, Level(level), reason, cleared)
        for raised, level, reason, cleared in uow.alerts.history_rows(patient_id)
    )
    return History(
        prescription=prescription_of(first),
        start=first.start_date,
        changes=tuple(
            PrescriptionChange(version.effective_from, prescription_of(version))
            for version in versions[1:]
        ),
        sessions=sessions,
        daily_pain=uow.pain.for_patient(patient_id),
        reported_flares=tuple(
            Flare(day, severe=severe) for day, severe in uow.flares.history_rows(patient_id)
        ),
        alerts=alerts,
        acupuncture=tuple(
            AcupunctureVisit(*row) for row in uow.acupuncture.history_rows(patient_id)
        ),
        daily_activity=uow.sessions.daily_exercise_minutes(patient_id),
        derive_alerts=False,
    )


SessionRow = TypeVar("SessionRow", bound=Sequence[Any])


def without_imported_copies(rows: Sequence[SessionRow]) -> list[SessionRow]:
    """Session rows (date, minutes, kind, start, ..., source last) without the imported ones
    that the patient also logged by hand: overlapping a logged session by more than half of the
    shorter, both start times known. The patient's entry, with its check-in, stands for the
    workout; the imported row stays in the record (and in exports), it is only not counted
    twice. An import does not add a copy of what is already logged (`workout_overlaps`), but a
    walk logged after the watch's file came in would otherwise count twice."""
    if not any(row[-1] != MANUAL_SOURCE and row[3] is not None for row in rows):
        return list(rows)  # most records: nothing imported with a start time
    logged = WorkoutsByDay()
    for day, minutes, _, start, *_, source in rows:
        if source == MANUAL_SOURCE and start is not None:
            logged.add(day, start, minutes)
    kept: list[SessionRow] = []
    for row in rows:
        day, minutes, _, start, *_, source = row
        if source != MANUAL_SOURCE and start is not None and logged.holds_same(day, start, minutes):
            continue  # the patient's entry stands for it
        kept.append(row)
    return kept
