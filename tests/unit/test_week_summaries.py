"""When a plan week counts as complete in its summary: not on its own last day while that day
is still today (the CI run of 29 Nov 2026, a Sunday, found the progress page calling the week
under way "Week 47" because its last day was the replay's last day)."""

from __future__ import annotations

import datetime as dt

from pacewise.domain import History, Session, prescription_for, run_protocol
from pacewise.domain.model import Kind
from pacewise.domain.summaries import WeekSummary, weekly_summaries

START = dt.date(2026, 1, 5)  # a Monday: plan weeks run Monday to Sunday
FIRST_SUNDAY = START + dt.timedelta(days=6)


def _history() -> History:
    return History(
        prescription=prescription_for("low_back_pain"),
        start=START,
        sessions=(Session(START, 10, Kind.WALK),),
    )


def _summaries(until: dt.date, today: dt.date | None) -> list[WeekSummary]:
    history = _history()
    return weekly_summaries(history, run_protocol(history, until), today=today)


def _complete(until: dt.date, today: dt.date | None) -> list[bool]:
    return [summary.complete for summary in _summaries(until, today)]


def test_a_week_is_under_way_on_its_last_day_when_that_day_is_today() -> None:
    (summary,) = _summaries(FIRST_SUNDAY, today=FIRST_SUNDAY)
    assert not summary.complete
    assert summary.words.startswith("So far this week: 10 of")


def test_the_week_is_complete_the_day_after() -> None:
    monday = FIRST_SUNDAY + dt.timedelta(days=1)
    assert _complete(monday, today=monday) == [True, False]


def test_a_replay_of_a_past_period_counts_its_last_day_as_over() -> None:
    later = FIRST_SUNDAY + dt.timedelta(days=30)
    assert _complete(FIRST_SUNDAY, today=later) == [True]
    assert _complete(FIRST_SUNDAY, today=None) == [True]


def test_a_midweek_today_leaves_only_the_current_week_under_way() -> None:
    wednesday = FIRST_SUNDAY + dt.timedelta(days=3)
    assert _complete(wednesday, today=wednesday) == [True, False]
