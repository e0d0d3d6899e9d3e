"""Readers of the files patients already have: Apple Health, GPX, TCX, FIT (and CSV, by 6b).

`read_records` is the one entry point: it tells the format from the content, checks it against
the name, and streams `ImportedRecord`s. A whole-file problem raises `RefusedFile` with one
plain line; a record that cannot be imported is yielded as `SkippedRecord(reason)`. Callers
write nothing until the iterator has finished without raising (a truncated file refuses late).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from pacewise.adapters.importers.bounds import LocalCalendar
from pacewise.adapters.importers.dispatch import read_path
from pacewise.adapters.importers.limits import DEFAULT_LIMITS, ImportLimits
from pacewise.adapters.importers.records import (
    DailyTotal,
    HostileFile,
    ImportedRecord,
    ImportedSession,
    Progress,
    RefusedFile,
    SkippedRecord,
)

__all__ = [
    "DailyTotal",
    "HostileFile",
    "ImportLimits",
    "ImportedRecord",
    "ImportedSession",
    "Progress",
    "RefusedFile",
    "SkippedRecord",
    "read_records",
]


def _ignore_progress(_bytes_read: int) -> None:
    """The default progress callback: the importers stay silent (STYLE.md: sqlite-utils)."""


def read_records(
    path: Path,
    *,
    time_zone: ZoneInfo,
    progress: Progress | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Iterator[ImportedRecord]:
    """Every session, daily total and skipped record in `path` (a file, folder or zip).

    Dates are local to `time_zone` (the patient's). `progress`, when given, is called with the
    bytes of `path` read so far. Raises `RefusedFile` for a file refused as a whole.
    """
    calendar = LocalCalendar.for_zone(time_zone)
    report = progress if progress is not None else _ignore_progress
    yield from read_path(Path(path), calendar=calendar, report=report, limits=limits)
