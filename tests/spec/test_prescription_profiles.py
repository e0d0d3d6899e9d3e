"""PROTOCOL.md 9 (conditions), with the defaults of sections 2-6 every profile starts from.

Every number a rule uses is a setting a clinician may change, never a hidden constant.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pacewise.domain import Condition, InvalidInput, Kind, Prescription, prescription_for

from .patients import follow_plan, new_history, plan

PROTOCOL_DEFAULTS = {
    # 2. The four phases
    "baseline_minutes": 5,
    "sessions_per_week": 3,
    "main_kind": Kind.WALK,
    "baseline_weeks": 2,
    "consolidation_from_week": 5,
    "maintenance_from_week": 13,
    "progression_rate": 0.10,
    "adherence_threshold": 0.8,
    "max_session_minutes": 30,
    "max_sessions_per_week": 6,
    "weekly_target_minutes": 150,
    "variety_kinds": (Kind.STRETCH, Kind.STRENGTH),
    # 3. Numbers that raise a level
    "assess_pain_rise_points": 3,
    "assess_next_day_rise_points": 2,
    # 4. Flares
    "floor_minutes": 5,
    "severe_flare_factor": 0.5,
    "flare_rise_points": 2,
    "flare_consecutive_days": 2,
    "flare_lookback_days": 14,
    "flare_min_ratings": 7,
    # 5. Boom and bust
    "boom_bust_days": 14,
    "over_day_ratio": 1.5,
    "under_day_ratio": 0.5,
    "bust_within_days": 2,
    "boom_bust_min_pairs": 2,
    # 6. Acupuncture
    "acupuncture_window_days": 3,
}


@pytest.mark.parametrize(
    "condition",
    [Condition.LOW_BACK_PAIN, Condition.OSTEOARTHRITIS, Condition.RHEUMATOID_ARTHRITIS],
)
def test_profiles_start_from_the_protocols_defaults(condition: Condition) -> None:
    rx = prescription_for(condition)
    assert rx.condition is condition
    for setting, value in PROTOCOL_DEFAULTS.items():
        assert getattr(rx, setting) == value, setting


def test_fibromyalgia_grows_by_5_percent_a_week() -> None:
    rx = prescription_for("fibromyalgia")
    assert rx.progression_rate == 0.05
    weeks = plan(follow_plan(new_history(rx), 5), 5)
    assert [week.weekly_minutes for week in weeks] == pytest.approx(
        [15, 15, 15.75, 16.5375, 17.364375]
    )


def test_fibromyalgia_mixes_in_yoga_and_strength_from_phase_3() -> None:
    rx = prescription_for("fibromyalgia")
    assert rx.variety_kinds == (Kind.YOGA, Kind.STRENGTH)
    week_5 = plan(follow_plan(new_history(rx), 5), 5)[4]
    assert sorted(week_5.kinds.items()) == sorted(
        {Kind.WALK: 1, Kind.YOGA: 1, Kind.STRENGTH: 1}.items()
    )


def test_the_clinician_may_change_any_profile_default() -> None:
    rx = prescription_for("fibromyalgia", progression_rate=0.08, baseline_minutes=10)
    assert (rx.progression_rate, rx.baseline_minutes) == (0.08, 10)
    assert rx.variety_kinds == (Kind.YOGA, Kind.STRENGTH)


def test_an_unknown_condition_is_an_error_naming_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as raised:
        prescription_for("migraine")
    assert raised.value.field == "condition"
    for condition in Condition:
        assert condition.value in raised.value.message


def test_an_unknown_setting_is_an_error_naming_it() -> None:
    with pytest.raises(InvalidInput) as raised:
        prescription_for("low_back_pain", weekly_goal=200)
    assert raised.value.field == "weekly_goal"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("floor_minutes", 0),
        ("baseline_minutes", 4),  # below the 5-min floor
        ("max_session_minutes", 4),  # below the baseline
        ("max_session_minutes", 9),  # below twice the floor: spreading could pass under it
        ("sessions_per_week", 0),
        ("max_sessions_per_week", 2),  # below the 3 baseline sessions
        ("progression_rate", 0),
        ("progression_rate", 1.5),
        ("weekly_target_minutes", 10),  # below the 15-min baseline week
        ("adherence_threshold", 0),
        ("severe_flare_factor", 0),
        ("baseline_weeks", 0),
        ("consolidation_from_week", 2),  # inside the baseline weeks
        ("maintenance_from_week", 4),  # before consolidation
        ("flare_min_ratings", 15),  # more than the 14-day look-back holds
        ("over_day_ratio", 1.0),
        ("under_day_ratio", 1.0),
        ("acupuncture_window_days", 0),
    ],
)
def test_a_setting_out_of_range_is_an_error_naming_it(setting: str, value: float) -> None:
    with pytest.raises(InvalidInput) as raised:
        prescription_for("low_back_pain", **{setting: value})
    assert raised.value.field == setting


def test_session_times_must_be_distinct_and_in_order() -> None:
    with pytest.raises(InvalidInput) as raised:
        Prescription(session_times=(dt.time(18, 0), dt.time(9, 0)))
    assert raised.value.field == "session_times"


def test_a_profile_without_a_preferred_activity_keeps_its_main_kind_in_phase_4() -> None:
    rx = prescription_for("osteoarthritis", main_kind=Kind.CYCLE)
    assert rx.phase4_kind is Kind.CYCLE
    assert prescription_for("osteoarthritis", preferred_kind=Kind.SWIM).phase4_kind is Kind.SWIM
