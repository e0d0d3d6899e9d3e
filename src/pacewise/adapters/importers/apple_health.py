"""Apple Health exports streamed: workouts as sessions, steps and exercise minutes per day.

The XML (1-3 GB for a long-time user) is parsed by lxml's `iterparse` straight from the zip
entry or file, through `CleanedXml`; each top-level element is cleared and unlinked once read,
so memory stays flat whatever the size. A document that stops before `</HealthData>` raises
`RefusedFile` from the parser, never a quiet end: the caller writes nothing then.

Workouts: start from `startDate` (which carries its own UTC offset), minutes from `duration` and
`durationUnit`, else from `endDate - startDate`, kind from `apple_kinds.APPLE_KINDS`. The source
id is the activity type and the start instant in UTC: Apple prints dates in the phone's zone at
export time, so a later export made elsewhere writes the same instant differently; normalised,
the same workout gets the same id in every export, and two workouts never share a start second.
A workout recorded twice (the Watch and another app) is kept once (`workout_overlaps.py`).

Daily totals: `HKQuantityTypeIdentifierStepCount` and `…AppleExerciseTime` records are summed
per local day and per device (`sourceName`). An iPhone and a Watch worn together both count the
same steps, and Health itself de-duplicates them by preferring one source: we take, for each
day, the largest single device's sum, which never counts a step twice and loses little when
the phone was left on a desk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pacewise.adapters.importers.activity_ids import utc_stamp
from pacewise.adapters.importers.apple_kinds import apple_kind
from pacewise.adapters.importers.bounds import OUT_OF_RANGE_DATE, LocalCalendar, session_or_skip
from pacewise.adapters.importers.records import (
    DailyTotal,
    ImportedRecord,
    ImportedSession,
    RefusedFile,
    SkippedRecord,
)
from pacewise.adapters.importers.streams import ByteSource
from pacewise.adapters.importers.workout_overlaps import TimedSession, without_duplicates
from pacewise.adapters.importers.xml_parsing import XMLSyntaxError, safe_iterparse, syntax_problem
from pacewise.adapters.importers.xml_prolog import Prolog
from pacewise.adapters.importers.xml_stream import CleanedXml

SOURCE = "apple_health"
STEPS = "HKQuantityTypeIdentifierStepCount"
EXERCISE = "HKQuantityTypeIdentifierAppleExerciseTime"
# Elements that can sit directly under <HealthData>; each is cleared when it ends.
_TOP_LEVEL = (
    "Record",
    "Workout",
    "Correlation",
    "ActivitySummary",
    "ClinicalRecord",
    "Audiogram",
    "VisionPrescription",
    "Me",
    "ExportDate",
)
_MINUTES_PER_UNIT = {"min": 1.0, "s": 1 / 60, "sec": 1 / 60, "h": 60.0, "hr": 60.0}
NOT_A_NUMBER = "a step or exercise record without a number"


def read_apple_health(
    stream: ByteSource, head: bytes, prolog: Prolog, *, calendar: LocalCalendar
) -> Iterator[ImportedRecord]:
    """Sessions (once each, see `workout_overlaps`), then one `DailyTotal` per day, once the
    whole file has parsed; skipped records as they come."""
    prolog.refuse_if_hostile()
    totals = _DeviceTotals(calendar)
    workouts: list[TimedSession] = []
    source = CleanedXml(stream, head, prolog)
    try:
        for _, element in safe_iterparse(source, tag=_TOP_LEVEL):
            tag = element.tag
            if tag == "Record":
                record_type = element.get("type")
                # Records inside a Correlation are repeated at the top level (Apple's DTD says
                # so): only top-level ones count, or they would count twice.
                if record_type in (STEPS, EXERCISE) and element.getparent().tag == "HealthData":
                    skipped = totals.add(element, record_type)
                    if skipped is not None:
                        yield skipped
            elif tag == "Workout":
                session = workout_session(element, calendar)
                start = apple_instant(element.get("startDate"))
                if isinstance(session, ImportedSession) and start is not None:
                    workouts.append(TimedSession(start, session))
                else:
                    yield session
            _release(element)
    except XMLSyntaxError as error:
        problem = syntax_problem(error, cut_short=source.ended_without(b"</HealthData>"))
        raise RefusedFile(f"the Apple Health export could not be read: {problem}") from None
    yield from without_duplicates(workouts)
    yield from totals.daily_totals()


def _release(element: Any) -> None:
    """Free a parsed element and the already-read siblings before it (constant memory)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def workout_session(workout: Any, calendar: LocalCalendar) -> ImportedRecord:
    """One `<Workout>` as a session, or the reason it is skipped."""
    activity_type = workout.get("workoutActivityType") or "HKWorkoutActivityTypeOther"
    start = apple_instant(workout.get("startDate"))
    minutes = _minutes(workout.get("duration"), workout.get("durationUnit"))
    if minutes is None:
        end = apple_instant(workout.get("endDate"))
        if start is not None and end is not None:
            minutes = (end - start).total_seconds() / 60
    return session_or_skip(
        source=SOURCE,
        source_id=f"{activity_type.removeprefix('HKWorkoutActivityType')}@{_stamp(start)}",
        start=start,
        minutes=minutes,
        kind=apple_kind(activity_type),
        calendar=calendar,
    )


def _stamp(start: dt.datetime | None) -> str:
    """The start in UTC for the source id ("unknown" when absent or beyond the calendar)."""
    try:
        return utc_stamp(start) if start is not None else "unknown"
    except (OverflowError, ValueError):
        return "unknown"


def apple_instant(text: str | None) -> dt.datetime | None:
    """Apple's `2024-05-02 08:15:32 +0200` as an aware datetime; None if absent or garbled."""
    if not text:
        return None
    try:
        instant = dt.datetime.fromisoformat(text.strip().replace(" +", "+").replace(" -", "-"))
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None


def _minutes(duration: str | None, unit: str | None) -> float | None:
    if duration is None:
        return None
    factor = _MINUTES_PER_UNIT.get((unit or "min").strip().lower())
    if factor is None:
        return None
    try:
        return float(duration) * factor
    except ValueError:
        return None


class _LocalDays:
    """Local dates of Apple timestamps, worked out once per written hour, not per record.

    Step records come every few minutes for years, and converting each one's instant to the
    patient's zone was a large share of the reading time. Within one written hour (same date,
    hour and offset) every record falls on the same local date whenever the hour's first and
    last second do (zone changes happen at most once an hour, on the hour or half hour, and
    move the clock by at most an hour): that date is kept; an hour that straddles local midnight
    is marked and its records converted one by one. The cache is emptied when large, since
    records come roughly in time order.
    """

    _STRADDLES = dt.date.min
    _MOST_HOURS = 4096

    def __init__(self, calendar: LocalCalendar) -> None:
        self._calendar = calendar
        self._by_hour: dict[str, dt.date | None] = {}

    def of(self, text: str | None) -> dt.date | None:
        """The local date of `text`, None outside 2000 to tomorrow; ValueError if unreadable."""
        if text is None or len(text) != 25 or text[13] != ":":
            return self._exact(text)
        hour = text[:13] + text[19:]
        day = self._by_hour.get(hour, self._STRADDLES)
        if day is self._STRADDLES and hour not in self._by_hour:
            day = self._hour(text)
        return self._exact(text) if day is self._STRADDLES else day

    def _hour(self, text: str) -> dt.date | None:
        first = self._exact(text[:13] + ":00:00" + text[19:])
        last = self._exact(text[:13] + ":59:59" + text[19:])
        day = first if first == last else self._STRADDLES
        if len(self._by_hour) >= self._MOST_HOURS:
            self._by_hour.clear()
        self._by_hour[text[:13] + text[19:]] = day
        return day

    def _exact(self, text: str | None) -> dt.date | None:
        instant = apple_instant(text)
        if instant is None:
            raise ValueError("no start")
        return self._calendar.local_date(instant)


class _DeviceTotals:
    """Sums per (local date, device); the day's total is its largest device's sum."""

    def __init__(self, calendar: LocalCalendar) -> None:
        self._days = _LocalDays(calendar)
        self._steps: defaultdict[tuple[dt.date, str], float] = defaultdict(float)
        self._exercise: defaultdict[tuple[dt.date, str], float] = defaultdict(float)

    def add(self, record: Any, record_type: str) -> SkippedRecord | None:
        try:
            value = float(record.get("value"))
            day = self._days.of(record.get("startDate"))
        except (TypeError, ValueError):
            return SkippedRecord(NOT_A_NUMBER)
        if not value >= 0:
            return SkippedRecord(NOT_A_NUMBER)
        if day is None:
            return SkippedRecord(OUT_OF_RANGE_DATE)
        key = (day, record.get("sourceName") or "")
        if record_type == STEPS:
            self._steps[key] += value
        else:
            self._exercise[key] += value * _MINUTES_PER_UNIT.get(record.get("unit") or "min", 1.0)
        return None

    def daily_totals(self) -> Iterator[DailyTotal]:
        steps = _largest_device(self._steps)
        exercise = _largest_device(self._exercise)
        for day in sorted(steps.keys() | exercise.keys()):
            day_steps = steps.get(day)
            yield DailyTotal(
                source=SOURCE,
                date=day,
                steps=round(day_steps) if day_steps is not None else None,
                exercise_minutes=round(exercise[day], 2) if day in exercise else None,
            )


def _largest_device(sums: dict[tuple[dt.date, str], float]) -> dict[dt.date, float]:
    largest: dict[dt.date, float] = {}
    for (day, _device), value in sums.items():
        if value > largest.get(day, -1.0):
            largest[day] = value
    return largest
