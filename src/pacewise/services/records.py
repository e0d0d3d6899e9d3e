"""A patient's stored records as the domain's `History`, so the engine sees one truth."""

from __future__ import annotations

import datetime as dt

from pacewise.adapters.db.models import PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
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


def prescription_of(version: PrescriptionVersion) -> Prescription:
    """The engine's prescription from a stored version (validated as when it was saved)."""
    try:
        settings = PrescriptionInput.model_validate(version.settings)
        return settings.to_domain(Condition(version.condition))
    except (ValueError, InvalidInput) as error:  # pragma: no cover - stored data was validated
        raise RuntimeError(f"stored prescription {version.id} is invalid: {error}") from error


def prescription_on(uow: UnitOfWork, patient_id: int, day: dt.date) -> Prescription:
    """The prescription in force on `day` (its triage numbers judge that day's records), from
    the prescription's versions alone, without reading the rest of the history."""
    versions = uow.prescriptions.history(patient_id)
    if not versions:
        raise NoPrescription(patient_id)
    first = versions[0]
    week = max((day - first.start_date).days // 7, 0)
    changes = [PrescriptionChange(v.effective_from, prescription_of(v)) for v in versions[1:]]
    return prescriptions_by_week(prescription_of(first), first.start_date, week + 1, changes)[-1]


def load_history(uow: UnitOfWork, patient_id: int) -> History:
    """Everything recorded for the patient, as plain domain values.

    Alerts come from the store with their clearances (they were raised when the check-in or the
    next day's rating was saved), so the engine does not raise them again.
    """
    versions = uow.prescriptions.history(patient_id)
    if not versions:
        raise NoPrescription(patient_id)
    first = versions[0]
    checkins = uow.sessions.checkins_for(patient_id)
    sessions = tuple(
        Session(
            date=row.date,
            minutes=row.minutes,
            kind=Kind(row.kind),
            start=row.start_time,
            pain_before=row.pain_before,
            pain_after=row.pain_after,
            effort=row.effort,
            checkin=tuple(checkins[row.id].codes) if row.id in checkins else (),
        )
        for row in uow.sessions.for_patient(patient_id)
    )
    alerts = tuple(
        Alert(row.raised_on, Level(row.level), row.reason, row.cleared_on)
        for row in uow.alerts.for_patient(patient_id)
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
            Flare(row.date, severe=row.severe) for row in uow.flares.for_patient(patient_id)
        ),
        alerts=alerts,
        acupuncture=tuple(
            AcupunctureVisit(row.date, row.pain_before, row.pain_after, row.notes)
            for row in uow.acupuncture.for_patient(patient_id)
        ),
        derive_alerts=False,
    )
