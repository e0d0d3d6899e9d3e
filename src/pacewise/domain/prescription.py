"""The prescription: every number the protocol uses, per condition profile (PROTOCOL.md 2-9).

Where the clinical source is vague, PROTOCOL.md made a design choice; each such number is a field
here with the protocol's default, so a clinician can change it per patient and no rule hides a
constant in code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from pacewise.domain.errors import InvalidInput
from pacewise.domain.model import Condition, Kind


@dataclass(frozen=True, slots=True)
class Prescription:
    """What the plan asks of one patient, and the thresholds its rules use."""

    condition: Condition = Condition.LOW_BACK_PAIN
    # Phase 1: the habit (PROTOCOL.md 2)
    baseline_minutes: float = 5.0
    sessions_per_week: int = 3
    session_times: tuple[dt.time, ...] = (dt.time(10, 0),)
    main_kind: Kind = Kind.WALK
    # Phases (plan weeks): 1 = weeks 1..baseline_weeks, 2 until consolidation, 3 until maintenance
    baseline_weeks: int = 2
    consolidation_from_week: int = 5
    maintenance_from_week: int = 13
    # Progression (PROTOCOL.md 2, rules 1-4)
    progression_rate: float = 0.10
    adherence_threshold: float = 0.8
    max_session_minutes: float = 30.0
    max_sessions_per_week: int = 6
    weekly_target_minutes: float = 150.0
    # Variety from phase 3, the preferred activity from phase 4 (PROTOCOL.md 2)
    variety_kinds: tuple[Kind, ...] = (Kind.STRETCH, Kind.STRENGTH)
    preferred_kind: Kind | None = None
    # Flares (PROTOCOL.md 4)
    floor_minutes: float = 5.0
    severe_flare_factor: float = 0.5
    flare_rise_points: int = 2
    flare_consecutive_days: int = 2
    flare_lookback_days: int = 14
    flare_min_ratings: int = 7
    # Triage numbers (PROTOCOL.md 3)
    assess_pain_rise_points: int = 3
    assess_next_day_rise_points: int = 2
    # Boom and bust (PROTOCOL.md 5)
    boom_bust_days: int = 14
    over_day_ratio: float = 1.5
    under_day_ratio: float = 0.5
    bust_within_days: int = 2
    boom_bust_min_pairs: int = 2
    pain_led_min_ratings: int = 7
    pain_led_correlation: float = -0.5
    # Acupuncture (PROTOCOL.md 6)
    acupuncture_window_days: int = 3

    def __post_init__(self) -> None:
        for problem in _problems(self):
            raise problem

    @property
    def baseline_weekly_minutes(self) -> float:
        return self.baseline_minutes * self.sessions_per_week

    @property
    def reachable_target_minutes(self) -> float:
        """The weekly target, or less when the caps cannot hold it (max sessions x max length)."""
        return min(
            self.weekly_target_minutes, self.max_session_minutes * self.max_sessions_per_week
        )

    @property
    def phase4_kind(self) -> Kind:
        """The patient's preferred activity comes in at phase 4; until set, the main kind."""
        return self.preferred_kind or self.main_kind

    def phase_of_week(self, week: int) -> int:
        """The phase (1-4) a plan week belongs to (PROTOCOL.md 2)."""
        if week <= self.baseline_weeks:
            return 1
        if week < self.consolidation_from_week:
            return 2
        if week < self.maintenance_from_week:
            return 3
        return 4

    def with_changes(self, **changes: Any) -> Prescription:
        """A copy with some settings changed (validated like a new one)."""
        return dataclasses.replace(self, **changes)


class PrescriptionChange(NamedTuple):
    """A new prescription in force from the first plan week starting on or after `effective`.

    Weeks before it keep the prescription they were planned with: a change never rewrites a
    week already decided.
    """

    effective: dt.date
    prescription: Prescription


def _problems(rx: Prescription) -> list[InvalidInput]:
    """Every setting's own range, then the ones that must agree with each other."""
    checks: list[tuple[bool, str, str]] = [
        (
            _positive(rx.floor_minutes),
            "floor_minutes",
            f"must be above 0, got {rx.floor_minutes:g}",
        ),
        (
            _finite(rx.baseline_minutes) and rx.baseline_minutes >= rx.floor_minutes,
            "baseline_minutes",
            f"must be at least floor_minutes ({rx.floor_minutes:g}), got {rx.baseline_minutes:g}",
        ),
        (
            _finite(rx.max_session_minutes) and rx.max_session_minutes >= rx.baseline_minutes,
            "max_session_minutes",
            f"must be at least baseline_minutes ({rx.baseline_minutes:g}), "
            f"got {rx.max_session_minutes:g}",
        ),
        (
            # Adding a session spreads the week over one more session; from at least twice the
            # floor, no session can then fall below the floor (PROTOCOL.md 2 rule 3, 4).
            _finite(rx.max_session_minutes) and rx.max_session_minutes >= 2 * rx.floor_minutes,
            "max_session_minutes",
            f"must be at least twice floor_minutes ({2 * rx.floor_minutes:g}), "
            f"got {rx.max_session_minutes:g}",
        ),
        (
            1 <= rx.sessions_per_week <= 7 * len(rx.session_times),
            "sessions_per_week",
            f"must be 1-{7 * len(rx.session_times)}, got {rx.sessions_per_week}",
        ),
        (
            rx.sessions_per_week <= rx.max_sessions_per_week <= 7 * len(rx.session_times),
            "max_sessions_per_week",
            f"must be {rx.sessions_per_week}-{7 * len(rx.session_times)} (from sessions_per_week "
            f"to 7 a day per session time), got {rx.max_sessions_per_week}",
        ),
        (
            _finite(rx.progression_rate) and 0 < rx.progression_rate <= 1,
            "progression_rate",
            f"must be above 0 and at most 1, got {rx.progression_rate:g}",
        ),
        (
            _finite(rx.weekly_target_minutes)
            and rx.weekly_target_minutes >= rx.baseline_weekly_minutes,
            "weekly_target_minutes",
            f"must be at least the baseline week ({rx.baseline_weekly_minutes:g} min), "
            f"got {rx.weekly_target_minutes:g}",
        ),
        (
            _finite(rx.adherence_threshold) and 0 < rx.adherence_threshold <= 1,
            "adherence_threshold",
            f"must be above 0 and at most 1, got {rx.adherence_threshold:g}",
        ),
        (
            _finite(rx.severe_flare_factor) and 0 < rx.severe_flare_factor <= 1,
            "severe_flare_factor",
            f"must be above 0 and at most 1, got {rx.severe_flare_factor:g}",
        ),
        (rx.baseline_weeks >= 1, "baseline_weeks", f"must be at least 1, got {rx.baseline_weeks}"),
        (
            rx.consolidation_from_week > rx.baseline_weeks,
            "consolidation_from_week",
            f"must come after the baseline weeks ({rx.baseline_weeks}), "
            f"got {rx.consolidation_from_week}",
        ),
        (
            rx.maintenance_from_week >= rx.consolidation_from_week,
            "maintenance_from_week",
            f"must be at least consolidation_from_week ({rx.consolidation_from_week}), "
            f"got {rx.maintenance_from_week}",
        ),
        (
            len(rx.session_times) >= 1 and list(rx.session_times) == sorted(set(rx.session_times)),
            "session_times",
            "must be one or more distinct times in order",
        ),
        (
            len(set(rx.variety_kinds)) == len(rx.variety_kinds),
            "variety_kinds",
            "must not repeat a kind",
        ),
        (
            _finite(rx.over_day_ratio) and rx.over_day_ratio > 1,
            "over_day_ratio",
            f"must be above 1, got {rx.over_day_ratio:g}",
        ),
        (
            _finite(rx.under_day_ratio) and 0 < rx.under_day_ratio < 1,
            "under_day_ratio",
            f"must be between 0 and 1, got {rx.under_day_ratio:g}",
        ),
        (
            _finite(rx.pain_led_correlation) and -1 <= rx.pain_led_correlation < 0,
            "pain_led_correlation",
            f"must be from -1 to below 0, got {rx.pain_led_correlation:g}",
        ),
    ]
    positive_ints = {
        "flare_rise_points": rx.flare_rise_points,
        "flare_consecutive_days": rx.flare_consecutive_days,
        "flare_lookback_days": rx.flare_lookback_days,
        "flare_min_ratings": rx.flare_min_ratings,
        "assess_pain_rise_points": rx.assess_pain_rise_points,
        "assess_next_day_rise_points": rx.assess_next_day_rise_points,
        "boom_bust_days": rx.boom_bust_days,
        "bust_within_days": rx.bust_within_days,
        "boom_bust_min_pairs": rx.boom_bust_min_pairs,
        "pain_led_min_ratings": rx.pain_led_min_ratings,
        "acupuncture_window_days": rx.acupuncture_window_days,
    }
    checks.extend(
        (value >= 1, name, f"must be at least 1, got {value}")
        for name, value in positive_ints.items()
    )
    checks.append(
        (
            rx.flare_min_ratings <= rx.flare_lookback_days,
            "flare_min_ratings",
            f"must be at most flare_lookback_days ({rx.flare_lookback_days}), "
            f"got {rx.flare_min_ratings}",
        )
    )
    return [InvalidInput(name, message) for ok, name, message in checks if not ok]


def _finite(value: float) -> bool:
    return math.isfinite(value)


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


CONDITION_DEFAULTS: Mapping[Condition, Mapping[str, Any]] = {
    Condition.LOW_BACK_PAIN: {},
    # A weaker pain-inhibiting response to exercise needs slower steps; yoga and tai chi have
    # specific evidence, so yoga is the phase 3 flexibility session (PROTOCOL.md 2 rule 2, 9).
    Condition.FIBROMYALGIA: {
        "progression_rate": 0.05,
        "variety_kinds": (Kind.YOGA, Kind.STRENGTH),
    },
    # Low-impact aerobic work plus strengthening for joint conditions (PROTOCOL.md 9).
    Condition.OSTEOARTHRITIS: {},
    Condition.RHEUMATOID_ARTHRITIS: {},
    Condition.OTHER: {},
}

SUGGESTED_KINDS: Mapping[Condition, tuple[Kind, ...]] = {
    Condition.LOW_BACK_PAIN: (Kind.WALK, Kind.CYCLE, Kind.SWIM, Kind.STRETCH, Kind.STRENGTH),
    Condition.FIBROMYALGIA: (Kind.WALK, Kind.YOGA, Kind.TAI_CHI, Kind.AQUATIC, Kind.STRENGTH),
    Condition.OSTEOARTHRITIS: (Kind.WALK, Kind.CYCLE, Kind.SWIM, Kind.AQUATIC, Kind.STRENGTH),
    Condition.RHEUMATOID_ARTHRITIS: (Kind.WALK, Kind.CYCLE, Kind.SWIM, Kind.AQUATIC, Kind.STRENGTH),
    Condition.OTHER: (Kind.WALK, Kind.CYCLE, Kind.SWIM, Kind.STRETCH, Kind.STRENGTH),
}
"""Kinds that suit each condition, for choosing a preferred activity (PROTOCOL.md 9)."""


def parse_condition(condition: Condition | str) -> Condition:
    """A condition profile by its code; an unknown code is an error naming the known ones."""
    try:
        return Condition(condition)
    except ValueError:
        known = ", ".join(c.value for c in Condition)
        raise InvalidInput(
            "condition", f"unknown condition '{condition}'; known: {known}"
        ) from None


def prescription_for(condition: Condition | str, **overrides: Any) -> Prescription:
    """The condition profile's defaults, with any setting overridden (PROTOCOL.md 9)."""
    profile = parse_condition(condition)
    unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(Prescription)})
    if unknown:
        raise InvalidInput(unknown[0], "is not a prescription setting")
    settings = {**CONDITION_DEFAULTS[profile], **overrides, "condition": profile}
    return Prescription(**settings)
