"""One workout recorded twice counts once.

Apps that record a walk often write it to Health as well as the Watch's own workout app doing
so, and a folder of exports may hold the same ride as GPX and as FIT; imported as two sessions,
the plan would see double the minutes. Two workouts are the same
one when they overlap by more than half of the shorter; the longer (the more complete
recording) is kept, ties going to the smaller source id so the choice is the same in every
export that holds both. Workouts that only touch (one ends as the next starts) are two.
Memory: one small object per workout, a few thousand for years of use.

The same holds across imports: a workout the record already holds (logged by the patient with
its start time, or brought by an earlier file from another app or device) is not added again
(`not_yet_recorded`); there the one recorded first is kept, as the plan has already counted it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pacewise.adapters.importers.bounds import MAX_MINUTES
from pacewise.adapters.importers.records import ImportedRecord, ImportedSession, SkippedRecord

DUPLICATE = "the same workout from a second app or device"
_LONGEST = dt.timedelta(minutes=MAX_MINUTES)
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class TimedSession:
    """A session with its start instant, which the overlap test needs (dates are local)."""

    start: dt.datetime
    session: ImportedSession

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.session.minutes)


def without_duplicates(workouts: Iterable[TimedSession]) -> Iterator[ImportedRecord]:
    """The workouts in start order, each recorded twice kept once; a skip for each copy."""
    kept: list[TimedSession] = []
    copies = 0
    for candidate in sorted(workouts, key=lambda timed: (timed.start, timed.session.source_id)):
        rival = _overlapping(kept, candidate)
        if rival is None:
            kept.append(candidate)
            continue
        copies += 1
        if _better(candidate, kept[rival]):
            kept[rival] = candidate
    for timed in sorted(kept, key=lambda timed: (timed.start, timed.session.source_id)):
        yield timed.session
    for _ in range(copies):
        yield SkippedRecord(DUPLICATE)


def once_each(records: Iterable[ImportedRecord], time_zone: ZoneInfo) -> Iterator[ImportedRecord]:
    """`records` with sessions held back to the end and yielded once each (other records pass).

    The start instant comes back from the session's local date and time in `time_zone` (a minute
    off at a clock change at worst, which does not change whether two recordings overlap).
    """
    timed: list[TimedSession] = []
    for record in records:
        if isinstance(record, ImportedSession) and record.start_time is not None:
            start = dt.datetime.combine(record.date, record.start_time, tzinfo=time_zone)
            timed.append(TimedSession(start, record))
        else:
            yield record
    yield from without_duplicates(timed)


def _overlapping(kept: list[TimedSession], candidate: TimedSession) -> int | None:
    """The index of a kept workout that is the same as `candidate`, if any."""
    began = candidate.start.timestamp() / 60
    for index in range(len(kept) - 1, -1, -1):
        other = kept[index]
        if other.start < candidate.start - _LONGEST:
            return None  # kept is in start order: nothing earlier can reach the candidate
        if same_workout(
            other.start.timestamp() / 60, other.session.minutes, began, candidate.session.minutes
        ):
            return index
    return None


def same_workout(start: float, minutes: float, other: float, other_minutes: float) -> bool:
    """Two recordings, each a start (in minutes, on one clock) and a length in minutes, overlap
    by more than half of the shorter one."""
    overlap = min(start + minutes, other + other_minutes) - max(start, other)
    return overlap > min(minutes, other_minutes) / 2


def local_minute(day: dt.date, time: dt.time) -> float:
    """A local date and time as minutes on one clock (a day is 1,440 of them)."""
    return day.toordinal() * 1440 + time.hour * 60 + time.minute + time.second / 60


class WorkoutsByDay:
    """Workouts by the local day they started, to ask whether a new one is the same as any of
    them: only those of the day before, the day and the day after can overlap it (none is
    longer than ten hours)."""

    def __init__(self) -> None:
        self._days: dict[dt.date, list[tuple[float, float]]] = {}

    def add(self, day: dt.date, start: dt.time, minutes: float) -> None:
        self._days.setdefault(day, []).append((local_minute(day, start), minutes))

    def holds_same(self, day: dt.date, start: dt.time, minutes: float) -> bool:
        began = local_minute(day, start)
        return any(
            same_workout(other, length, began, minutes)
            for near in (day - _ONE_DAY, day, day + _ONE_DAY)
            for other, length in self._days.get(near, ())
        )


def not_yet_recorded(
    sessions: Sequence[ImportedSession],
    recorded: Iterable[tuple[dt.date, dt.time, float, str, str]],
) -> tuple[list[ImportedSession], int]:
    """The sessions of a new import that are not a workout the record already holds, and how
    many were. `recorded` is (date, start, minutes, source, source id) of the record's sessions
    around the import's dates. A session the record holds under its own source and id is kept
    (storing it again adds nothing: it is already present, not a copy); a session without a
    start time cannot be matched and is kept."""
    workouts = WorkoutsByDay()
    ids: set[tuple[str, str]] = set()
    for day, start, minutes, source, source_id in recorded:
        workouts.add(day, start, minutes)
        ids.add((source, source_id))
    fresh: list[ImportedSession] = []
    for session in sessions:
        if (
            session.start_time is None
            or (session.source, session.source_id) in ids
            or not workouts.holds_same(session.date, session.start_time, session.minutes)
        ):
            fresh.append(session)
    return fresh, len(sessions) - len(fresh)


def _better(candidate: TimedSession, incumbent: TimedSession) -> bool:
    if candidate.session.minutes != incumbent.session.minutes:
        return candidate.session.minutes > incumbent.session.minutes
    return candidate.session.source_id < incumbent.session.source_id
