"""The plausibility rules every imported session passes, whatever its format.

A session must last 1 to 600 minutes (the API's own limit, `services/inputs.py`) and fall on a
local date from 2000-01-01 to tomorrow in the patient's zone: a 30-hour "walk" is a watch left
running, a date in 1900 or 2100 is a clock that was never set. Such records are skipped with a
short reason the summary can count, never imported and never a reason to refuse the file.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pacewise.adapters.importers.records import ImportedSession, SkippedRecord
from pacewise.domain.model import Kind

MIN_MINUTES = 1.0
MAX_MINUTES = 600.0
EARLIEST_DATE = dt.date(2000, 1, 1)

NO_DURATION = "no duration"
NO_START = "no start time"
NEGATIVE_DURATION = "negative duration"
TOO_SHORT = "shorter than 1 minute"
TOO_LONG = "longer than 10 hours"
OUT_OF_RANGE_DATE = "dated outside 2000 to tomorrow"


@dataclass(frozen=True)
class LocalCalendar:
    """The patient's zone and the last date we accept in it (tomorrow, fixed once per import)."""

    time_zone: ZoneInfo
    latest_date: dt.date

    @classmethod
    def for_zone(cls, time_zone: ZoneInfo) -> LocalCalendar:
        today = dt.datetime.now(time_zone).date()
        return cls(time_zone=time_zone, latest_date=today + dt.timedelta(days=1))

    def local_date(self, instant: dt.datetime) -> dt.date | None:
        """The local date of an aware instant, or None when outside 2000 to tomorrow."""
        try:
            local = instant.astimezone(self.time_zone).date()
        except (OverflowError, ValueError):
            return None
        return local if EARLIEST_DATE <= local <= self.latest_date else None


def duration_problem(minutes: float | None) -> str | None:
    """Why a duration cannot be imported, or None when it is within 1 to 600 minutes."""
    if minutes is None or math.isnan(minutes):
        return NO_DURATION
    if minutes < 0:
        return NEGATIVE_DURATION
    if minutes < MIN_MINUTES:
        return TOO_SHORT
    if minutes > MAX_MINUTES:
        return TOO_LONG
    return None


def session_or_skip(
    *,
    source: str,
    source_id: str,
    start: dt.datetime | None,
    minutes: float | None,
    kind: Kind,
    calendar: LocalCalendar,
) -> ImportedSession | SkippedRecord:
    """An `ImportedSession` on the patient's local date, or the reason it is skipped."""
    problem = duration_problem(minutes)
    if problem is not None:
        return SkippedRecord(problem)
    if start is None:
        return SkippedRecord(NO_START)
    local_date = calendar.local_date(start)
    if local_date is None:
        return SkippedRecord(OUT_OF_RANGE_DATE)
    assert minutes is not None  # duration_problem refused None
    local_start = start.astimezone(calendar.time_zone)
    return ImportedSession(
        source=source,
        source_id=source_id,
        date=local_date,
        start_time=local_start.time().replace(microsecond=0, tzinfo=None),
        minutes=round(minutes, 2),
        kind=kind,
    )
