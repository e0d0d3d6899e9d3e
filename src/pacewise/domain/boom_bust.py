"""Boom and bust: big days followed by crashes, instead of a steady pace (PROTOCOL.md 5).

Over the days that end on the day of evaluation, an over-day is a day whose total minutes pass
`over_day_ratio` times that week's session minutes, whether planned or not; an under-day is a
planned day with less than `under_day_ratio` of its planned minutes. Enough over-days each
followed within `bust_within_days` by an under-day flag the pattern, with the days named.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pacewise.domain.plan_week import PlanWeek
from pacewise.domain.prescription import Prescription


@dataclass(frozen=True, slots=True)
class BoomBust:
    """What the boom-and-bust check found over its window.

    `cv` is the coefficient of variation of daily minutes (0 when there was no activity at all);
    `pain_led` is True when activity rose on low-pain days and fell on high-pain ones, and None
    when there were too few pain ratings to say.
    """

    start: dt.date
    end: dt.date
    flagged: bool
    over_days: tuple[dt.date, ...]
    under_days: tuple[dt.date, ...]
    busts: tuple[tuple[dt.date, dt.date], ...]
    cv: float
    pain_led: bool | None
    pain_activity_correlation: float | None


def detect_boom_bust(
    weeks: Sequence[PlanWeek],
    daily_minutes: Mapping[dt.date, float],
    daily_pain: Mapping[dt.date, int],
    end: dt.date,
    prescription: Prescription,
) -> BoomBust:
    """Check the `boom_bust_days` ending on `end` (only days inside the plan count).

    `daily_minutes` are each day's activity minutes (see `activity.minutes_by_day`).
    """
    rx = prescription
    if not weeks:
        return BoomBust(end, end, False, (), (), (), 0.0, None, None)
    first = max(end - dt.timedelta(days=rx.boom_bust_days - 1), weeks[0].start)
    days = [first + dt.timedelta(days=offset) for offset in range((end - first).days + 1)]
    totals = {day: daily_minutes.get(day, 0.0) for day in days}
    planned_minutes: dict[dt.date, float] = {}
    session_minutes: dict[dt.date, float] = {}
    for week in weeks[max((first - weeks[0].start).days // 7, 0) :]:
        if week.start > end:
            break
        for offset in range(7):
            session_minutes[week.start + dt.timedelta(days=offset)] = week.session_minutes
        planned_minutes.update(week.planned_minutes_by_day())

    over = tuple(d for d in days if totals[d] > rx.over_day_ratio * session_minutes[d])
    under = tuple(
        d
        for d in days
        if d in planned_minutes and totals[d] < rx.under_day_ratio * planned_minutes[d]
    )
    under_set = set(under)
    busts = tuple(
        (boom, bust)
        for boom in over
        for bust in _following(boom, rx.bust_within_days)
        if bust in under_set
    )
    booms_with_bust = {boom for boom, _ in busts}
    correlation, pain_led = _pain_led(days, totals, daily_pain, rx)
    return BoomBust(
        start=first,
        end=end,
        flagged=len(booms_with_bust) >= rx.boom_bust_min_pairs,
        over_days=over,
        under_days=under,
        busts=tuple(_first_bust_per_boom(busts)),
        cv=_coefficient_of_variation([totals[d] for d in days]),
        pain_led=pain_led,
        pain_activity_correlation=correlation,
    )


def _following(day: dt.date, within: int) -> list[dt.date]:
    return [day + dt.timedelta(days=offset) for offset in range(1, within + 1)]


def _first_bust_per_boom(
    busts: tuple[tuple[dt.date, dt.date], ...],
) -> list[tuple[dt.date, dt.date]]:
    seen: dict[dt.date, dt.date] = {}
    for boom, bust in busts:
        seen.setdefault(boom, bust)
    return list(seen.items())


def _coefficient_of_variation(values: Sequence[float]) -> float:
    """Population standard deviation over the mean (plain floats: `statistics.pstdev` works in
    exact fractions, which is far slower and no more useful for a screening figure)."""
    mean = math.fsum(values) / len(values) if values else 0.0
    if mean == 0:
        return 0.0
    return math.sqrt(math.fsum((value - mean) ** 2 for value in values) / len(values)) / mean


def _pain_led(
    days: Sequence[dt.date],
    totals: Mapping[dt.date, float],
    daily_pain: Mapping[dt.date, int],
    rx: Prescription,
) -> tuple[float | None, bool | None]:
    """Pearson correlation of daily pain with daily minutes; pain-led when clearly negative.

    Too few ratings: unknown (None). Pain or minutes that never vary cannot show a pain-led
    pattern, so that is a plain no.
    """
    rated = [d for d in days if d in daily_pain]
    if len(rated) < rx.pain_led_min_ratings:
        return None, None
    pains = [float(daily_pain[d]) for d in rated]
    minutes = [totals[d] for d in rated]
    if len(set(pains)) < 2 or len(set(minutes)) < 2:
        return 0.0, False
    correlation = statistics.correlation(pains, minutes)
    return correlation, correlation <= rx.pain_led_correlation
