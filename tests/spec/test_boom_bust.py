"""PROTOCOL.md 5: boom and bust over the 14 days that end on the day of evaluation.

The patient here plans 3 sessions of 10 min a week, on Monday, Wednesday and Friday (days 1, 3
and 5 of each week): an over-day is a day with more than 15 min, an under-day a planned day with
less than 5 min.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pacewise.domain import Prescription, Session, run_protocol
from pacewise.domain.boom_bust import BoomBust

from .patients import START, day, new_history

RX = Prescription(baseline_minutes=10)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(1, 8)


def boom_bust(
    minutes_by_day: dict[dt.date, float],
    until: dt.date,
    *,
    pain: dict[dt.date, int] | None = None,
    rx: Prescription = RX,
    watch_minutes: dict[dt.date, float] | None = None,
) -> BoomBust:
    sessions = tuple(Session(when, minutes) for when, minutes in minutes_by_day.items() if minutes)
    history = new_history(rx, sessions=sessions, daily_pain=pain, daily_activity=watch_minutes)
    return run_protocol(history, until).boom_bust


def as_planned(weeks: int) -> dict[dt.date, float]:
    """10 min on every planned day (Monday, Wednesday, Friday) of weeks 1..`weeks`."""
    return {day(week, weekday): 10 for week in range(1, weeks + 1) for weekday in (1, 3, 5)}


def test_two_booms_each_followed_by_a_bust_flag_the_pattern_with_the_days_named() -> None:
    minutes = as_planned(2) | {
        day(1, TUESDAY): 40,  # boom
        day(1, WEDNESDAY): 0,  # bust the next day
        day(2, TUESDAY): 35,  # boom
        day(2, WEDNESDAY): 2,  # bust the next day
    }
    found = boom_bust(minutes, day(2, SUNDAY))
    assert found.flagged
    assert found.over_days == (day(1, TUESDAY), day(2, TUESDAY))
    assert found.under_days == (day(1, WEDNESDAY), day(2, WEDNESDAY))
    assert found.busts == (
        (day(1, TUESDAY), day(1, WEDNESDAY)),
        (day(2, TUESDAY), day(2, WEDNESDAY)),
    )
    assert (found.start, found.end) == (START, day(2, SUNDAY))


def test_a_bust_two_days_after_the_boom_still_counts() -> None:
    minutes = as_planned(2) | {
        day(1, MONDAY): 30,
        day(1, WEDNESDAY): 0,
        day(2, MONDAY): 30,
        day(2, WEDNESDAY): 0,
    }
    found = boom_bust(minutes, day(2, SUNDAY))
    assert found.flagged
    assert found.busts == ((day(1, MONDAY), day(1, WEDNESDAY)), (day(2, MONDAY), day(2, WEDNESDAY)))


def test_a_bust_three_days_after_the_boom_does_not_count() -> None:
    minutes = as_planned(2) | {
        day(1, TUESDAY): 30,
        day(1, FRIDAY): 0,
        day(2, TUESDAY): 30,
        day(2, FRIDAY): 0,
    }
    found = boom_bust(minutes, day(2, SUNDAY))
    assert found.over_days == (day(1, TUESDAY), day(2, TUESDAY))
    assert found.under_days == (day(1, FRIDAY), day(2, FRIDAY))
    assert not found.flagged
    assert found.busts == ()


def test_one_boom_and_bust_is_not_yet_a_pattern() -> None:
    minutes = as_planned(2) | {day(2, TUESDAY): 40, day(2, WEDNESDAY): 0}
    found = boom_bust(minutes, day(2, SUNDAY))
    assert not found.flagged
    assert found.busts == ((day(2, TUESDAY), day(2, WEDNESDAY)),)


def test_an_over_day_is_more_than_150_percent_of_that_days_session_minutes() -> None:
    minutes = as_planned(1) | {day(1, TUESDAY): 15, day(1, THURSDAY): 15.5}
    found = boom_bust(minutes, day(1, SUNDAY))
    assert found.over_days == (day(1, THURSDAY),)


def test_an_over_day_counts_whether_or_not_it_was_planned() -> None:
    minutes = as_planned(1) | {day(1, MONDAY): 20, day(1, SATURDAY): 20}
    assert boom_bust(minutes, day(1, SUNDAY)).over_days == (day(1, MONDAY), day(1, SATURDAY))


def test_an_over_day_is_measured_against_that_weeks_session_minutes() -> None:
    # Weeks 1-2 are done as planned, so week 3 progresses to 11 min (over-day: above 16.5).
    minutes = as_planned(2) | {day(2, TUESDAY): 16, day(3, TUESDAY): 16, day(3, THURSDAY): 17}
    sessions = tuple(Session(when, spent) for when, spent in minutes.items())
    weeks = run_protocol(new_history(RX, sessions=sessions), day(3, SUNDAY)).weeks
    assert [week.session_minutes for week in weeks] == pytest.approx([10, 10, 11])
    found = boom_bust(minutes, day(3, SUNDAY))
    assert found.over_days == (day(2, TUESDAY), day(3, THURSDAY))


def test_an_under_day_is_a_planned_day_with_less_than_half_its_minutes() -> None:
    minutes = {
        day(1, MONDAY): 4.9,  # under
        day(1, WEDNESDAY): 5,  # half exactly: not under
        day(1, FRIDAY): 10,
        # Tuesday, Thursday and the weekend have no plan, so 0 there is not an under-day
    }
    assert boom_bust(minutes, day(1, SUNDAY)).under_days == (day(1, MONDAY),)


def test_the_window_is_the_14_days_that_end_on_the_day_of_evaluation() -> None:
    minutes = as_planned(3) | {
        day(1, MONDAY): 40,
        day(1, TUESDAY): 40,
        day(2, MONDAY): 40,
        day(3, SUNDAY): 40,
    }
    found = boom_bust(minutes, day(3, SUNDAY))
    assert (found.start, found.end) == (day(2, MONDAY), day(3, SUNDAY))
    assert found.over_days == (day(2, MONDAY), day(3, SUNDAY))


def test_activity_that_is_not_a_session_counts_toward_the_day() -> None:
    watch = {day(1, TUESDAY): 20.0}
    found = boom_bust(as_planned(1), day(1, SUNDAY), watch_minutes=watch)
    assert found.over_days == (day(1, TUESDAY),)


# --- How much the daily minutes vary ------------------------------------------------------------


def test_steady_daily_minutes_vary_by_nothing() -> None:
    every_day = {START + dt.timedelta(days=d): 10.0 for d in range(14)}
    assert boom_bust(every_day, day(2, SUNDAY)).cv == pytest.approx(0)


def test_the_variation_is_the_standard_deviation_over_the_mean_of_daily_minutes() -> None:
    # 20, 0, 20, 0, ... over 14 days: mean 10, population standard deviation 10.
    alternate = {START + dt.timedelta(days=d): 20.0 * (d % 2 == 0) for d in range(14)}
    assert boom_bust(alternate, day(2, SUNDAY)).cv == pytest.approx(1.0)
    # 70 min on one day of 14: mean 5, deviation sqrt((65^2 + 13 * 5^2) / 14) = 18.03
    one_big_day = {day(1, MONDAY): 70.0}
    assert boom_bust(one_big_day, day(2, SUNDAY)).cv == pytest.approx(18.0278 / 5, rel=1e-4)


def test_no_activity_at_all_has_a_variation_of_zero() -> None:
    assert boom_bust({}, day(2, SUNDAY)).cv == 0


# --- Pain-led or plan-led -----------------------------------------------------------------------


def two_weeks(pattern: list[tuple[int, float]]) -> tuple[dict[dt.date, int], dict[dt.date, float]]:
    """Pain and minutes for 14 days, repeating the (pain, minutes) pattern."""
    days = [START + dt.timedelta(days=d) for d in range(14)]
    pain = {when: pattern[i % len(pattern)][0] for i, when in enumerate(days)}
    minutes = {when: pattern[i % len(pattern)][1] for i, when in enumerate(days)}
    return pain, minutes


def test_activity_that_rises_on_low_pain_days_and_falls_on_high_pain_days_is_pain_led() -> None:
    pain, minutes = two_weeks([(2, 25), (3, 20), (7, 3), (8, 0)])
    found = boom_bust(minutes, day(2, SUNDAY), pain=pain)
    assert found.pain_led is True
    assert found.pain_activity_correlation is not None
    assert found.pain_activity_correlation <= -0.5


def test_activity_that_ignores_pain_is_plan_led() -> None:
    pain, minutes = two_weeks([(2, 10), (8, 10), (3, 0), (7, 0), (5, 0), (5, 0), (5, 10)])
    found = boom_bust(minutes, day(2, SUNDAY), pain=pain)
    assert found.pain_led is False


def test_activity_that_rises_with_pain_is_not_pain_led() -> None:
    pain, minutes = two_weeks([(2, 0), (8, 20)])
    found = boom_bust(minutes, day(2, SUNDAY), pain=pain)
    assert found.pain_led is False
    assert found.pain_activity_correlation == pytest.approx(1.0)


def test_pain_led_needs_7_pain_ratings() -> None:
    pain, minutes = two_weeks([(2, 25), (8, 0)])
    six = dict(list(pain.items())[:6])
    seven = dict(list(pain.items())[:7])
    assert boom_bust(minutes, day(2, SUNDAY), pain=six).pain_led is None
    assert boom_bust(minutes, day(2, SUNDAY), pain=seven).pain_led is True


def test_pain_ratings_outside_the_window_do_not_count() -> None:
    pain, minutes = two_weeks([(2, 25), (8, 0)])  # rated days 1-14
    assert boom_bust(minutes, day(3, SUNDAY), pain=pain).pain_led is True  # days 8-21: 7 rated
    assert boom_bust(minutes, day(4, MONDAY), pain=pain).pain_led is None  # days 9-22: 6 rated
