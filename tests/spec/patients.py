"""Sample patients for the spec: dates in plan weeks, and histories that follow the plan.

The start is a Monday, so with 3 sessions a week the plan asks for Monday, Wednesday and Friday.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import replace

from pacewise.domain import (
    AcupunctureVisit,
    Alert,
    Flare,
    History,
    PlanWeek,
    Prescription,
    Session,
    run_protocol,
)

START = dt.date(2025, 1, 6)  # a Monday


def day(week: int, weekday: int = 1) -> dt.date:
    """Day `weekday` (1 = the week's first day, 7 = its last) of plan week `week`."""
    return START + dt.timedelta(days=7 * (week - 1) + weekday - 1)


def new_history(
    rx: Prescription | None = None,
    *,
    sessions: tuple[Session, ...] = (),
    daily_pain: Mapping[dt.date, int] | None = None,
    reported_flares: tuple[Flare, ...] = (),
    alerts: tuple[Alert, ...] = (),
    clearances: tuple[dt.date, ...] = (),
    acupuncture: tuple[AcupunctureVisit, ...] = (),
    daily_activity: Mapping[dt.date, float] | None = None,
) -> History:
    """A patient starting on START, with whatever records the test names."""
    return History(
        prescription=rx or Prescription(),
        start=START,
        sessions=sessions,
        daily_pain=dict(daily_pain or {}),
        reported_flares=reported_flares,
        alerts=alerts,
        clearances=clearances,
        acupuncture=acupuncture,
        daily_activity=dict(daily_activity or {}),
    )


def follow_plan(
    history: History, weeks: int, done_share: Mapping[int, float] | None = None
) -> History:
    """A patient who does the planned sessions of weeks 1..`weeks` as shown on each first day.

    `done_share` gives, for some weeks, the share of each planned session actually done
    (0 = nothing logged that week); every other week is done in full. Records already in the
    history (flares, check-ins, clearances) are known to the plan only once their day has come.
    """
    shares = done_share or {}
    for week in range(1, weeks + 1):
        shown = run_protocol(history, day(week)).weeks[-1]
        share = shares.get(week, 1.0)
        done = tuple(
            Session(planned.date, planned.minutes * share, planned.kind, start=planned.time)
            for planned in shown.planned
            if share > 0
        )
        history = replace(history, sessions=history.sessions + done)
    return history


def plan(history: History, until_week: int) -> tuple[PlanWeek, ...]:
    """The plan weeks 1..`until_week` as they stand on the last day of `until_week`."""
    return run_protocol(history, day(until_week, 7)).weeks


def shown(minutes: float) -> int:
    """Whole minutes as a patient reads them (halves rounded up)."""
    return math.floor(minutes + 0.5)


def numbers_in(words: str) -> set[int]:
    """The whole numbers a sentence shows ('3 sessions of 6 min' -> {3, 6})."""
    return {int(number) for number in re.findall(r"\d+", words)}
