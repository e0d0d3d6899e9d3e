"""Flares: reported by the patient, or detected from daily pain ratings (PROTOCOL.md 4).

Detected: daily pain on `flare_consecutive_days` days in a row, each at least `flare_rise_points`
above the median of the ratings in the `flare_lookback_days` before the first of them, judged
only when there are at least `flare_min_ratings` ratings in that look-back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from statistics import median

from pacewise.domain.model import Flare, FlareSource
from pacewise.domain.prescription import Prescription

_ONE_DAY = dt.timedelta(days=1)


def detect_flares(daily_pain: Mapping[dt.date, int], prescription: Prescription) -> list[Flare]:
    """Flares found in the daily ratings, each dated on its first high day, oldest first.

    High days that run on from a flare belong to that flare, not to a new one.
    """
    rx = prescription
    lookback = dt.timedelta(days=rx.flare_lookback_days)
    flares: list[Flare] = []
    covered_until: dt.date | None = None
    for first in sorted(daily_pain):
        days = [first + _ONE_DAY * offset for offset in range(rx.flare_consecutive_days)]
        ratings = [daily_pain.get(day) for day in days]
        lowest = min((r for r in ratings if r is not None), default=None)
        if lowest is None or None in ratings or lowest < rx.flare_rise_points:
            continue
        window = [daily_pain[d] for d in _days_between(first - lookback, first) if d in daily_pain]
        if len(window) < rx.flare_min_ratings or lowest < median(window) + rx.flare_rise_points:
            continue
        if covered_until is None or first > covered_until:
            flares.append(Flare(first, severe=False, source=FlareSource.DETECTED))
        covered_until = days[-1]
    return flares


def merge_flares(
    reported: Iterable[Flare], detected: Iterable[Flare], prescription: Prescription
) -> list[Flare]:
    """All flares, oldest first; a detected flare the patient also reported counts once.

    A detected flare is the same episode as a report dated from the day before it began to
    the last high day of its first run (a report often comes as the pain rises).
    """
    reported_list = sorted(reported, key=lambda flare: flare.date)
    reported_days = {flare.date for flare in reported_list}
    merged = list(reported_list)
    for flare in detected:
        span = {
            flare.date + _ONE_DAY * offset
            for offset in range(-1, prescription.flare_consecutive_days)
        }
        if not span & reported_days:
            merged.append(flare)
    merged.sort(key=lambda flare: flare.date)
    return merged


def _days_between(first: dt.date, end: dt.date) -> Iterable[dt.date]:
    """Days from `first` up to, not including, `end`."""
    day = first
    while day < end:
        yield day
        day += _ONE_DAY
