"""A patient's prescription: read its history, preview a change, save it (issue 4).

A saved change is in force from the next plan week, so the week the patient is in never changes
under them; the preview runs the engine on the same records with and without the change and
shows what next week would be either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from pacewise.adapters.db.models import PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import History, PlanWeek, Prescription, run_protocol
from pacewise.domain.plan import next_week_start
from pacewise.domain.prescription import PrescriptionChange
from pacewise.services.access import Caller, NotAllowed, open_patient_record, transaction_for
from pacewise.services.inputs import ConditionCode, StrictModel
from pacewise.services.prescription_input import PrescriptionInput
from pacewise.services.records import NoPrescription, load_history, prescription_of


class PrescriptionChangeInput(StrictModel):
    """A whole new prescription: the condition profile and the settings that differ from it."""

    condition: ConditionCode
    settings: PrescriptionInput = PrescriptionInput()
    note: str = Field(default="", max_length=2000)


@dataclass(frozen=True, slots=True)
class PrescriptionVersionView:
    """One saved version, with every setting the engine uses (the profile's and the changes)."""

    id: int
    condition: str
    start_date: dt.date
    effective_from: dt.date
    overrides: dict[str, Any]
    settings: dict[str, Any]
    changed_by: int | None
    changed_at: dt.datetime
    note: str
    changed_by_name: str = ""
    """Who saved it (display name, else e-mail; empty when that account is gone)."""
    changed_by_role: str = ""
    """patient: the patient's own times and activity (see `preferences`); else clinician."""

    @classmethod
    def of(
        cls, row: PrescriptionVersion, names: dict[int, tuple[str, str]] | None = None
    ) -> PrescriptionVersionView:
        name, role = (names or {}).get(row.changed_by or 0, ("", ""))
        return cls(
            id=row.id,
            condition=row.condition,
            start_date=row.start_date,
            effective_from=row.effective_from,
            overrides=dict(row.settings),
            settings=_settings_of(prescription_of(row)),
            changed_by=row.changed_by,
            changed_at=row.changed_at,
            note=row.note,
            changed_by_name=name,
            changed_by_role=role,
        )


@dataclass(frozen=True, slots=True)
class PrescriptionPreview:
    """Next week as things stand, and as it would be under the new settings."""

    effective_from: dt.date
    next_week_now: PlanWeek | None
    """None for a patient with no prescription yet: nothing is planned."""
    next_week_if_saved: PlanWeek


def prescription_history(
    uow: UnitOfWork, caller: Caller, patient_id: int
) -> list[PrescriptionVersionView]:
    """Every version, newest first: who changed what, when, and from when it applies (none for
    a patient whose clinician has not set one yet)."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "prescription.viewed")
        rows = uow.prescriptions.history(patient_id)
        names = uow.users.names_of(row.changed_by for row in rows if row.changed_by)
        uow.commit()
    return [PrescriptionVersionView.of(row, names) for row in reversed(rows)]


def preview_prescription(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    change: PrescriptionChangeInput,
    today: dt.date,
) -> PrescriptionPreview:
    """What the engine would plan next week if `change` were saved today (nothing is saved);
    for a patient with no prescription yet, the first week it would plan from today."""
    with uow:
        open_patient_record(uow, caller, patient_id, "prescription.previewed")
        _only_clinicians(caller)
        new = change.settings.to_domain(change.condition, "settings")
        history = _history_if_any(uow, patient_id)
        uow.commit()
    return _preview(history, new, today)


def change_prescription(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    change: PrescriptionChangeInput,
    today: dt.date,
) -> tuple[PrescriptionVersionView, PrescriptionPreview]:
    """Save a new version, in force from the next plan week; answer with it and the preview.
    A patient added without one (`pacewise user add`) gets their first, and their plan starts
    today."""
    with uow:
        open_patient_record(uow, caller, patient_id, "prescription.changed")
        _only_clinicians(caller)
        new = change.settings.to_domain(change.condition, "settings")
        history = _history_if_any(uow, patient_id)
        row = uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=patient_id,
                condition=change.condition.value,
                start_date=today if history is None else history.start,
                effective_from=_effective_from(history, today),
                settings=change.settings.model_dump(mode="json", exclude_none=True),
                changed_by=caller.user_id,
                note=change.note.strip(),
            )
        )
        view = PrescriptionVersionView.of(row)
        uow.commit()
    return view, _preview(history, new, today)


def _history_if_any(uow: UnitOfWork, patient_id: int) -> History | None:
    try:
        return load_history(uow, patient_id)
    except NoPrescription:
        return None


def _effective_from(history: History | None, today: dt.date) -> dt.date:
    """A change applies from the next plan week; a first prescription starts the plan today."""
    return today if history is None else next_week_start(history.start, today)


def _preview(history: History | None, new: Prescription, today: dt.date) -> PrescriptionPreview:
    effective = _effective_from(history, today)
    if history is None:  # nothing planned now; the first week under the new one
        first = run_protocol(History(prescription=new, start=effective), effective)
        return PrescriptionPreview(effective, None, first.weeks[-1])
    now = run_protocol(history, effective).weeks[-1]
    changed = dataclasses.replace(
        history, changes=(*history.changes, PrescriptionChange(effective, new))
    )
    return PrescriptionPreview(effective, now, run_protocol(changed, effective).weeks[-1])


def _only_clinicians(caller: Caller) -> None:
    if caller.role != "clinician":
        raise NotAllowed("only the patient's clinician can change the prescription")


def _settings_of(rx: Prescription) -> dict[str, Any]:
    """Every setting as plain JSON values (times as HH:MM, kinds and condition as codes)."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(rx):
        value = getattr(rx, field.name)
        values[field.name] = _plain(value)
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if hasattr(value, "value"):
        return value.value
    return value
