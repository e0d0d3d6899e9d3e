"""PROTOCOL.md 4: flares, reported or detected, and the step back that follows.

With the default prescription a patient who does every session plans 3 sessions of
5, 5, 5.5, 6.05, 6.655, 7.3205 min in weeks 1-6 (10 % a week from week 3).
"""

from __future__ import annotations

import datetime as dt

import pytest

from pacewise.domain import (
    Decision,
    Flare,
    FlareSource,
    History,
    PlanWeek,
    Prescription,
    run_protocol,
)
from pacewise.domain.flares import detect_flares

from .patients import START, day, follow_plan, new_history, plan

RX = Prescription()


def ratings(*values: int | None, first: dt.date = START) -> dict[dt.date, int]:
    """Daily pain ratings from `first` on, one a day; None leaves a day unrated."""
    return {
        first + dt.timedelta(days=offset): value
        for offset, value in enumerate(values)
        if value is not None
    }


def flare_days(daily_pain: dict[dt.date, int], rx: Prescription = RX) -> list[int]:
    """The detected flares, as days counted from START (0 = START)."""
    return [(flare.date - START).days for flare in detect_flares(daily_pain, rx)]


TWO_WEEKS_AT_3 = (3,) * 14


# --- Detection ----------------------------------------------------------------------------------


def test_two_consecutive_days_2_points_above_the_median_are_a_detected_flare() -> None:
    flares = detect_flares(ratings(*TWO_WEEKS_AT_3, 5, 5, 3), RX)
    assert [(flare.date, flare.source, flare.severe) for flare in flares] == [
        (START + dt.timedelta(days=14), FlareSource.DETECTED, False)
    ]


def test_a_rise_of_1_point_is_no_flare() -> None:
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 4, 4, 4)) == []


def test_one_high_day_is_no_flare() -> None:
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 8, 3, 8, 4)) == []


def test_the_two_high_days_must_be_consecutive_rated_days() -> None:
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 6, None, 6)) == []


def test_both_days_must_be_high_not_just_their_average() -> None:
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 9, 4)) == []


def test_the_usual_pain_is_the_median_of_the_14_days_before_not_the_mean() -> None:
    # 6 days at 6 then 8 days at 2: median 2 (mean 3.7), so 4 and 4 are a flare.
    assert flare_days(ratings(*(6,) * 6, *(2,) * 8, 4, 4)) == [14]
    # 8 days at 6 then 6 days at 0: median 6 (mean 3.4), so 6 and 6 are not.
    assert flare_days(ratings(*(6,) * 8, *(0,) * 6, 6, 6)) == []


def test_detection_needs_7_ratings_in_the_14_days_before() -> None:
    six = ratings(*(None,) * 8, *(3,) * 6, 6, 6)
    seven = ratings(*(None,) * 7, *(3,) * 7, 6, 6)
    assert flare_days(six) == []
    assert flare_days(seven) == [14]


def test_ratings_older_than_14_days_do_not_count() -> None:
    seven_then_a_gap = (*(3,) * 7, *(None,) * 7)
    assert flare_days(ratings(*seven_then_a_gap, 6, 6)) == [14]  # days 0-13: 7 ratings
    assert flare_days(ratings(*seven_then_a_gap, None, 6, 6)) == []  # days 1-14: 6 ratings


def test_consecutive_high_days_are_one_flare_dated_on_the_first() -> None:
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 6, 6, 7, 6, 6, 3)) == [14]


def test_high_days_after_a_normal_day_are_a_new_flare() -> None:
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 6, 6, 3, 6, 6)) == [14, 17]


def test_the_rise_and_the_days_are_settings() -> None:
    rx = Prescription(flare_rise_points=3, flare_consecutive_days=3)
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 5, 5, 5), rx) == []
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 6, 6, 3), rx) == []
    assert flare_days(ratings(*TWO_WEEKS_AT_3, 6, 6, 6), rx) == [14]


# --- Reported and detected: one episode counts once ---------------------------------------------


def flares_with_report(reported_on: int, high_days: int = 2) -> list[tuple[int, FlareSource]]:
    """Flares found when the patient reports one on day `reported_on` of a detected episode.

    Two weeks at 3 are followed by `high_days` days at 7 from day 14.
    """
    history = new_history(
        daily_pain=ratings(*TWO_WEEKS_AT_3, *(7,) * high_days, 3),
        reported_flares=(Flare(START + dt.timedelta(days=reported_on)),),
    )
    result = run_protocol(history, day(4, 7))
    return [((flare.date - START).days, flare.source) for flare in result.flares]


@pytest.mark.parametrize("reported_on", [13, 14, 15])
def test_a_flare_reported_from_the_day_before_the_high_days_counts_once(reported_on: int) -> None:
    # The one episode keeps the patient's report, dated on its earliest day.
    assert flares_with_report(reported_on) == [(reported_on, FlareSource.REPORTED)]


def test_a_report_after_the_flare_was_detected_is_its_own_flare() -> None:
    # Detected on day 15 (dated 14); the report on day 17 says the flare goes on. Counting it
    # on its own day never rewrites what was decided before it came.
    assert flares_with_report(17, high_days=4) == [
        (14, FlareSource.DETECTED),
        (17, FlareSource.REPORTED),
    ]


def test_a_flare_reported_as_going_on_in_the_next_week_steps_that_week_back_too() -> None:
    # High days Saturday of week 5 to Tuesday of week 6, detected on Sunday of week 5 and
    # reported on Tuesday of week 6: a flare in week 5 and one in week 6, so weeks 6 and 7 step
    # back (week 7 never above week 6's level), and week 8 may progress again.
    pain = {START + dt.timedelta(days=d): 3 for d in range(7 * 8)}
    for high in (day(5, 6), day(5, 7), day(6, 1), day(6, 2)):
        pain[high] = 7
    history = new_history(daily_pain=pain, reported_flares=(Flare(day(6, 2)),))
    weeks = plan(follow_plan(history, 8), 8)
    assert [week.decision for week in weeks[5:]] == [
        Decision.STEP_BACK,
        Decision.STEP_BACK,
        Decision.PROGRESS,
    ]
    assert [week.session_minutes for week in weeks[5:]] == pytest.approx([6.05, 6.05, 6.655])


def test_a_report_days_before_the_high_days_is_another_flare() -> None:
    assert flares_with_report(11) == [(11, FlareSource.REPORTED), (14, FlareSource.DETECTED)]


# --- The step back ------------------------------------------------------------------------------


def weeks_with_flares(
    *flares: Flare, rx: Prescription = RX, weeks: int = 8
) -> tuple[PlanWeek, ...]:
    history = new_history(rx, reported_flares=flares)
    return plan(follow_plan(history, weeks), weeks)


def test_flare_in_week_n_steps_week_n_plus_1_back_to_week_n_minus_1() -> None:
    weeks = weeks_with_flares(Flare(day(6, 3)))
    assert weeks[5].session_minutes == pytest.approx(7.3205)
    assert weeks[6].decision is Decision.STEP_BACK
    assert (weeks[6].sessions_per_week, weeks[6].session_minutes) == pytest.approx((3, 6.655))


def test_the_step_back_lasts_at_least_seven_days() -> None:
    week_7 = weeks_with_flares(Flare(day(6, 3)))[6]
    assert len(week_7.planned) == 3
    assert [planned.minutes for planned in week_7.planned] == pytest.approx([6.655] * 3)


def test_week_n_plus_2_progresses_again_from_the_step_back_level() -> None:
    week_8 = weeks_with_flares(Flare(day(6, 3)))[7]
    assert week_8.decision is Decision.PROGRESS
    assert week_8.session_minutes == pytest.approx(6.655 * 1.1)


def test_a_detected_flare_steps_back_like_a_reported_one() -> None:
    pain = {START + dt.timedelta(days=d): 3 for d in range(8 * 7)}
    pain[day(6, 2)] = pain[day(6, 3)] = 6
    history = follow_plan(new_history(daily_pain=pain), 7)
    weeks = plan(history, 7)
    assert [flare.date for flare in run_protocol(history, day(7, 7)).flares] == [day(6, 2)]
    assert weeks[6].decision is Decision.STEP_BACK
    assert weeks[6].session_minutes == pytest.approx(6.655)
    assert "daily pain" in weeks[6].reason


def test_the_step_back_reason_names_the_flare_and_its_day() -> None:
    reason = weeks_with_flares(Flare(day(6, 3)))[6].reason
    assert "flare" in reason
    assert "12 Feb" in reason


def test_two_flares_in_one_week_step_back_once() -> None:
    weeks = weeks_with_flares(Flare(day(6, 1)), Flare(day(6, 5)))
    assert weeks[6].session_minutes == pytest.approx(6.655)
    assert weeks[7].decision is Decision.PROGRESS


def test_severe_flare_halves_the_step_back_never_below_the_floor() -> None:
    ten_minutes = Prescription(baseline_minutes=10)  # weeks 5, 6: 13.31, 14.641 min
    halved = weeks_with_flares(Flare(day(6, 3), severe=True), rx=ten_minutes)[6]
    assert halved.decision is Decision.STEP_BACK
    assert halved.session_minutes == pytest.approx(13.31 / 2)
    assert halved.sessions_per_week == 3
    at_the_floor = weeks_with_flares(Flare(day(6, 3), severe=True))[6]  # 6.655 / 2 < 5
    assert at_the_floor.session_minutes == 5
    lower_floor = weeks_with_flares(Flare(day(6, 3), severe=True), rx=Prescription(floor_minutes=3))
    assert lower_floor[6].session_minutes == pytest.approx(6.655 / 2)


def test_the_severe_factor_is_a_setting() -> None:
    rx = Prescription(baseline_minutes=10, severe_flare_factor=0.8)
    week_7 = weeks_with_flares(Flare(day(6, 3), severe=True), rx=rx)[6]
    assert week_7.session_minutes == pytest.approx(13.31 * 0.8)


@pytest.mark.parametrize("flare_week", [1, 2])
def test_flare_in_week_1_or_2_steps_back_to_baseline(flare_week: int) -> None:
    weeks = weeks_with_flares(Flare(day(flare_week, 4)), weeks=4)
    stepped = weeks[flare_week]
    assert stepped.decision is Decision.STEP_BACK
    assert (stepped.sessions_per_week, stepped.session_minutes) == (3, 5)
    assert "baseline" in stepped.reason


def test_severe_flare_in_week_1_halves_the_baseline() -> None:
    weeks = weeks_with_flares(Flare(day(1, 2), severe=True), rx=Prescription(baseline_minutes=10))
    assert weeks[1].decision is Decision.STEP_BACK
    assert weeks[1].session_minutes == pytest.approx(5)


def test_the_step_back_is_never_above_the_flare_weeks_own_level() -> None:
    # Week 7 steps back to week 5 (6.655); a flare in week 7 too would send week 8 "back" to
    # week 6 (7.3205), above week 7's own level, so week 8 keeps 6.655.
    weeks = weeks_with_flares(Flare(day(6, 3)), Flare(day(7, 3)), weeks=9)
    assert [week.decision for week in weeks[6:]] == [
        Decision.STEP_BACK,
        Decision.STEP_BACK,
        Decision.PROGRESS,
    ]
    assert [week.session_minutes for week in weeks[6:]] == pytest.approx([6.655, 6.655, 7.3205])


def test_activity_is_reduced_never_stopped() -> None:
    flares = (Flare(day(2, 1), severe=True), Flare(day(3, 1), severe=True), Flare(day(4, 1)))
    for week in weeks_with_flares(*flares, weeks=6):
        assert week.sessions_per_week >= 3
        assert all(planned.minutes >= RX.floor_minutes for planned in week.planned)


# --- The flare week itself ----------------------------------------------------------------------


def week_6_on(history: History, until: dt.date) -> list[float]:
    return [planned.minutes for planned in run_protocol(history, until).weeks[5].planned]


def test_sessions_after_the_flare_day_drop_in_the_flare_week() -> None:
    history = follow_plan(new_history(reported_flares=(Flare(day(6, 3)),)), 6)
    # Monday, Wednesday, Friday; the flare is on Wednesday, so only Friday drops to week 5's level.
    assert week_6_on(history, day(6, 2)) == pytest.approx([7.3205] * 3)
    assert week_6_on(history, day(6, 3)) == pytest.approx([7.3205, 7.3205, 6.655])
    assert week_6_on(history, day(6, 7)) == pytest.approx([7.3205, 7.3205, 6.655])


def test_after_a_severe_flare_the_rest_of_the_week_drops_to_the_halved_level() -> None:
    rx = Prescription(baseline_minutes=10)  # week 5: 13.31, week 6: 14.641
    history = follow_plan(new_history(rx, reported_flares=(Flare(day(6, 1), severe=True),)), 6)
    assert week_6_on(history, day(6, 7)) == pytest.approx([14.641, 13.31 / 2, 13.31 / 2])


def test_a_flare_on_the_weeks_last_day_leaves_its_sessions_as_planned() -> None:
    history = follow_plan(new_history(reported_flares=(Flare(day(6, 7)),)), 6)
    assert week_6_on(history, day(6, 7)) == pytest.approx([7.3205] * 3)
    assert run_protocol(history, day(7, 1)).weeks[6].decision is Decision.STEP_BACK
