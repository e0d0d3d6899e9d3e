"""Workouts recorded twice count once: properties over any set of workouts."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from pacewise.adapters.importers import ImportedSession, SkippedRecord
from pacewise.adapters.importers.workout_overlaps import DUPLICATE, TimedSession, without_duplicates
from pacewise.domain.model import Kind

BASE = dt.datetime(2024, 5, 2, 6, tzinfo=dt.UTC)


def _timed(offset_minutes: int, minutes: int, index: int) -> TimedSession:
    start = BASE + dt.timedelta(minutes=offset_minutes)
    session = ImportedSession(
        source="apple_health",
        source_id=f"Walking@{index}",
        date=start.date(),
        start_time=start.time(),
        minutes=float(minutes),
        kind=Kind.WALK,
    )
    return TimedSession(start, session)


def _same(a: TimedSession, b: TimedSession) -> bool:
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap > dt.timedelta(minutes=min(a.session.minutes, b.session.minutes) / 2)


@given(st.lists(st.tuples(st.integers(0, 24 * 60), st.integers(1, 600)), min_size=0, max_size=25))
def test_every_workout_is_kept_or_skipped_and_no_two_kept_are_the_same(
    shapes: list[tuple[int, int]],
) -> None:
    workouts = [_timed(offset, minutes, index) for index, (offset, minutes) in enumerate(shapes)]

    records = list(without_duplicates(workouts))

    kept = [record for record in records if isinstance(record, ImportedSession)]
    skipped = [record for record in records if isinstance(record, SkippedRecord)]
    assert len(kept) + len(skipped) == len(workouts)
    assert all(record.reason == DUPLICATE for record in skipped)
    by_id = {timed.session.source_id: timed for timed in workouts}
    for first, second in itertools.combinations(kept, 2):
        assert not _same(by_id[first.source_id], by_id[second.source_id])


def test_the_choice_does_not_depend_on_the_order_in_the_file() -> None:
    workouts = [_timed(0, 40, 1), _timed(2, 36, 2), _timed(1, 40, 3)]

    forward = list(without_duplicates(workouts))
    backward = list(without_duplicates(reversed(workouts)))

    assert forward == backward
    assert [r.source_id for r in forward if isinstance(r, ImportedSession)] == ["Walking@1"]
