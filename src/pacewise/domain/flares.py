"""Flares: reported by the patient, or detected from daily pain ratings (PROTOCOL.md 4).

Detected: daily pain on `flare_consecutive_days` days in a row, each at least `flare_rise_points`
above the median of the ratings in the `flare_lookback_days` before the first of them, judged
only when there are at least `flare_min_ratings` ratings in that look-back.
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from collections.abc import Iterable, Mapping
from dataclasses import replace

from pacewise.domain.model import Flare, FlareSource
from pacewise.domain.prescription import Prescription

_ONE_DAY = dt.timedelta(days=1)
_MISSING = b"\xff"
_MISSING_VALUE = _MISSING[0]


def detect_flares(
    daily_pain: Mapping[dt.date, int], prescription: Prescription, until: dt.date | None = None
) -> list[Flare]:
    """Flares found in the daily ratings up to `until`, each dated on its first high day.

    Oldest first. High days that run on from a flare belong to that flare, not to a new one.
    The look-back is kept as a sorted list that slides one day at a time, so a whole clinic's
    year of ratings is scanned in seconds.
    """
    rx = prescription
    run, rise = rx.flare_consecutive_days, rx.flare_rise_points
    lookback, needed = rx.flare_lookback_days, rx.flare_min_ratings
    if len(daily_pain) < needed + run:
        return []
    first_ordinal = min(daily_pain).toordinal()
    last_ordinal = max(daily_pain).toordinal()
    if until is not None:
        last_ordinal = min(last_ordinal, until.toordinal())
    span = last_ordinal - first_ordinal + 1
    if span <= 0:
        return []
    series = bytearray(_MISSING) * span
    for day, pain in daily_pain.items():
        offset = day.toordinal() - first_ordinal
        if offset < span:
            series[offset] = pain
    ratings = bytes(series)
    # For each first day, the lowest and highest rating of its run (the highest is "missing"
    # when any day of the run has no rating): worked out once, outside the day loop.
    shifted = [ratings[offset:] for offset in range(run)]
    run_lowest = bytes(map(min, *shifted))
    run_highest = bytes(map(max, *shifted))
    flares: list[Flare] = []
    covered_until = -1
    window: list[int] = []  # the ratings of the `lookback` days before `index`, sorted
    for index in range(1, span - run + 1):
        entering = ratings[index - 1]
        if entering != _MISSING_VALUE:
            insort(window, entering)
        if index > lookback:
            leaving = ratings[index - 1 - lookback]
            if leaving != _MISSING_VALUE:
                window.remove(leaving)
        count = len(window)
        if count < needed:
            continue
        if run_highest[index] == _MISSING_VALUE:
            continue
        lowest = run_lowest[index]
        # Twice the median, to stay in whole numbers: lowest >= median + rise.
        if 2 * lowest < window[(count - 1) // 2] + window[count // 2] + 2 * rise:
            continue
        last_day = dt.date.fromordinal(first_ordinal + index + run - 1)
        if index > covered_until:
            day = dt.date.fromordinal(first_ordinal + index)
            flares.append(Flare(day, False, FlareSource.DETECTED, last_day))
        else:
            flares[-1] = replace(flares[-1], last_day=last_day)
        covered_until = index + run - 1
    return flares


def merge_flares(
    reported: Iterable[Flare], detected: Iterable[Flare], prescription: Prescription
) -> list[Flare]:
    """All flares, oldest first; an episode the patient reported in time counts once.

    A detected flare is known on its detection day (its last required high day). A report dated
    from the day before the episode began up to that detection day is the same episode, already
    told by the patient: the report stands (its date and severity) and the detection is dropped.
    A report after the detection day is its own flare on its own day: the patient says the flare
    goes on, and a flare in a later week steps the week after it back too (PROTOCOL.md 4).
    Nothing learnt later ever rewrites a week already decided.
    """
    reports = sorted(reported, key=Flare.order)
    merged = list(reports)
    run = dt.timedelta(days=prescription.flare_consecutive_days - 1)
    for flare in detected:
        first, known = flare.date - _ONE_DAY, flare.date + run
        if not any(first <= report.date <= known for report in reports):
            merged.append(flare)
    merged.sort(key=Flare.order)
    return merged
