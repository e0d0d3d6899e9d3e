"""The prescription as a client sends it: every setting optional, the profile fills the rest."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from pydantic import StrictFloat, StrictInt

from pacewise.domain import Condition, InvalidInput, Prescription, prescription_for
from pacewise.services.inputs import ClockTime, KindCode, StrictModel

Number = Annotated[StrictFloat | StrictInt, "a number"]

_FLOAT_SETTINGS = frozenset(
    field.name for field in dataclasses.fields(Prescription) if field.type == "float"
)


class PrescriptionInput(StrictModel):
    """Overrides of the condition profile's defaults (PROTOCOL.md 2-9); omitted means default."""

    baseline_minutes: Number | None = None
    sessions_per_week: StrictInt | None = None
    session_times: tuple[ClockTime, ...] | None = None
    main_kind: KindCode | None = None
    baseline_weeks: StrictInt | None = None
    consolidation_from_week: StrictInt | None = None
    maintenance_from_week: StrictInt | None = None
    progression_rate: Number | None = None
    adherence_threshold: Number | None = None
    max_session_minutes: Number | None = None
    max_sessions_per_week: StrictInt | None = None
    weekly_target_minutes: Number | None = None
    variety_kinds: tuple[KindCode, ...] | None = None
    preferred_kind: KindCode | None = None
    floor_minutes: Number | None = None
    severe_flare_factor: Number | None = None
    flare_rise_points: StrictInt | None = None
    flare_consecutive_days: StrictInt | None = None
    flare_lookback_days: StrictInt | None = None
    flare_min_ratings: StrictInt | None = None
    assess_pain_rise_points: StrictInt | None = None
    assess_next_day_rise_points: StrictInt | None = None
    boom_bust_days: StrictInt | None = None
    over_day_ratio: Number | None = None
    under_day_ratio: Number | None = None
    bust_within_days: StrictInt | None = None
    boom_bust_min_pairs: StrictInt | None = None
    pain_led_min_ratings: StrictInt | None = None
    pain_led_correlation: Number | None = None
    acupuncture_window_days: StrictInt | None = None

    def to_domain(self, condition: Condition, field: str = "prescription") -> Prescription:
        """The profile's defaults with these overrides; a rejected rule names its field."""
        overrides: dict[str, Any] = {
            name: float(value) if name in _FLOAT_SETTINGS else value
            for name, value in self.model_dump(exclude_none=True).items()
        }
        try:
            return prescription_for(condition, **overrides)
        except InvalidInput as error:
            raise InvalidInput(f"{field}.{error.field}", error.message) from None
