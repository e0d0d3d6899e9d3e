"""What every importer yields: sessions, daily totals and skipped records, or a refusal.

Importers are generators over one file (or a folder or zip of files) that never hold the whole
file in memory and report bytes read through a callback, so the CLI draws a bar and the job
records progress while the importer itself stays silent (STYLE.md: sqlite-utils). Each session
carries its source and a stable source id: importing the same file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from pacewise.domain.model import Kind

# Called with the number of bytes of the input read so far (of the compressed file for a zip).
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportedSession:
    """One workout or activity file, as a session on the patient's local date."""

    source: str
    source_id: str
    date: dt.date
    start_time: dt.time | None
    minutes: float
    kind: Kind
    pain_before: int | None = None
    pain_after: int | None = None


@dataclass(frozen=True)
class DailyTotal:
    """One day's totals from one source: steps and exercise minutes (either may be unknown)."""

    source: str
    date: dt.date
    steps: int | None
    exercise_minutes: float | None


@dataclass(frozen=True)
class SkippedRecord:
    """A record left out, with the reason in a few plain words ("longer than 24 hours")."""

    reason: str


ImportedRecord = ImportedSession | DailyTotal | SkippedRecord


class RefusedFile(Exception):
    """The whole file is refused; the message is one line the user can act on."""


class HostileFile(RefusedFile):
    """A file built to attack the reader (entities, zip bombs, climbing paths).

    Never skipped inside a folder or zip: one hostile member refuses the whole import.
    """
