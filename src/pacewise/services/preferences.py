"""The patient's own preferences: the times of day they move and the activity they prefer.

Times and the preferred activity change when a session happens and what it is, never how much:
the quota, its growth and its limits stay the clinician's (PROTOCOL.md 2). So a patient may save
them, as a new prescription version that copies every clinical setting of the newest one and
changes only these two. Like any version it is in force from the next plan week, so the week
under way never changes under the patient, and the clinician sees who saved it in the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import Field

from pacewise.adapters.db.models import PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Condition, InvalidInput, Kind, Prescription
from pacewise.domain.plan import next_week_start
from pacewise.services.access import Caller, NotFound
from pacewise.services.inputs import ClockTime, KindCode, StrictModel
from pacewise.services.prescription_input import PrescriptionInput
from pacewise.services.records import NoPrescription, prescription_of

PREFERENCE_NOTE = "Preferred times and activity saved by the patient."


class PreferencesInput(StrictModel):
    """Times of day (1-3, HH:MM) and the preferred activity (none: the plan's main activity)."""

    session_times: tuple[ClockTime, ...] = Field(min_length=1, max_length=3)
    preferred_kind: KindCode | None = None


@dataclass(frozen=True, slots=True)
class SavedPreferences:
    """When the saved preferences apply from."""

    effective_from: dt.date


def save_my_preferences(
    uow: UnitOfWork, caller: Caller, preferences: PreferencesInput, today: dt.date
) -> SavedPreferences:
    """Save the calling patient's times and preferred activity, in force from next plan week.

    Times are kept sorted and without repeats (the engine's rule); a set of times too short
    for the sessions the clinician prescribed is refused by the engine's own validation,
    naming `session_times`.
    """
    if caller.role != "patient":
        raise NotFound(caller.user_id)
    with uow:
        newest = uow.prescriptions.current(caller.user_id)
        if newest is None:
            raise NoPrescription(caller.user_id)
        settings = dict(newest.settings)
        settings["session_times"] = sorted({t.strftime("%H:%M") for t in preferences.session_times})
        if preferences.preferred_kind is None:
            settings.pop("preferred_kind", None)
        else:
            settings["preferred_kind"] = preferences.preferred_kind.value
        checked = PrescriptionInput.model_validate(settings)
        _check_enough_times(checked, Condition(newest.condition), prescription_of(newest))
        effective = next_week_start(newest.start_date, today)
        uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=caller.user_id,
                condition=newest.condition,
                start_date=newest.start_date,
                effective_from=effective,
                settings=checked.model_dump(mode="json", exclude_none=True),
                changed_by=caller.user_id,
                note=PREFERENCE_NOTE,
            )
        )
        uow.commit()
    return SavedPreferences(effective)


def _check_enough_times(
    settings: PrescriptionInput, condition: Condition, current: Prescription
) -> None:
    """The engine's validation of the whole prescription, its refusal said for the patient:
    only the times changed from a valid version, so too few times is the one way to fail."""
    try:
        settings.to_domain(condition)
    except InvalidInput:
        most = current
        needed = -(-most.max_sessions_per_week // 7)
        raise InvalidInput(
            "session_times",
            f"Your plan can have up to {most.max_sessions_per_week} sessions a week, "
            f"so it needs at least {needed} times of day.",
        ) from None


@dataclass(frozen=True, slots=True)
class PreferencesView:
    """The newest saved times and preferred activity, and the plan week they apply from."""

    session_times: tuple[dt.time, ...]
    preferred_kind: Kind | None
    main_kind: Kind
    effective_from: dt.date


def my_preferences(uow: UnitOfWork, caller: Caller) -> PreferencesView | None:
    """The calling patient's newest preferences (None before a clinician sets up a plan)."""
    if caller.role != "patient":
        raise NotFound(caller.user_id)
    with uow.reading():
        newest = uow.prescriptions.current(caller.user_id)
        if newest is None:
            return None
        rx = prescription_of(newest)
        return PreferencesView(
            rx.session_times, rx.preferred_kind, rx.main_kind, newest.effective_from
        )
