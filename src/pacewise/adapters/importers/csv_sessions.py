"""Sessions from a CSV file in pacewise's own column format (issue 6), for people who keep their
log in a spreadsheet.

    date,start,minutes,kind,pain_before,pain_after
    2026-03-02,09:30,20,walk,3,4
    2026-03-03,,15,yoga,,

The header line is required and names the columns in this order; the two pain columns may be
left out altogether. `start` and the pains may be empty. A row that breaks a rule is skipped
with a plain reason (the same limits as typing the session in), never imported half right.
Each row's source id is made from its date, start, kind and minutes, so importing the same file
twice, or a longer copy of it later, adds only the new rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pacewise.adapters.importers.records import (
    ImportedRecord,
    ImportedSession,
    Progress,
    RefusedFile,
    SkippedRecord,
)
from pacewise.domain.model import Kind

SOURCE = "csv"
REQUIRED_COLUMNS = ("date", "start", "minutes", "kind")
PAIN_COLUMNS = ("pain_before", "pain_after")
HEADER = ",".join((*REQUIRED_COLUMNS, *PAIN_COLUMNS))
EARLIEST = dt.date(2000, 1, 1)
MOST_MINUTES = 600
PROGRESS_EVERY_BYTES = 256 * 1024
TEMPLATE = (
    f"{HEADER}\n"
    "2026-03-02,09:30,20,walk,3,4\n"
    "2026-03-03,,15,yoga,,\n"
    "2026-03-04,18:00,25.5,cycle,2,2\n"
)
"""What the downloadable template holds: the header and three example rows."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_KINDS = {kind.value: kind for kind in Kind}


class RowProblem(ValueError):
    """Why one row is skipped, in a few plain words (shown grouped, so no row's values)."""


def read_csv_sessions(path: Path, *, progress: Progress | None = None) -> Iterator[ImportedRecord]:
    """Each data row of the file as a session, or a skipped record saying why.

    Raises RefusedFile for a file that is not in this format at all: an empty file or a wrong
    header before yielding anything, bytes that are not text wherever they are (the import
    writes nothing until the whole file is read).
    """
    with path.open("rb") as raw:
        lines = _decoded_lines(raw, progress)
        columns = _columns(lines)
        latest = dt.date.today() + dt.timedelta(days=1)
        for row in csv.reader(lines):
            if not row or all(not cell.strip() for cell in row):
                continue
            try:
                yield _session(row, columns, latest)
            except RowProblem as problem:
                yield SkippedRecord(str(problem))


def _decoded_lines(raw: BinaryIO, progress: Progress | None) -> Iterator[str]:
    """The file's lines as text, reporting bytes read every so often (and at the end)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    read = reported = 0
    for line in raw:
        read += len(line)
        if progress is not None and read - reported >= PROGRESS_EVERY_BYTES:
            progress(read)
            reported = read
        try:
            yield decoder.decode(line)
        except UnicodeDecodeError:
            raise RefusedFile("this is not a CSV text file (it is not UTF-8 text)") from None
    if progress is not None and read != reported:
        progress(read)


def _columns(lines: Iterator[str]) -> int:
    """How many columns the file has (4 or 6), from its header; refuses any other header."""
    first = next(lines, None)
    if first is None or not first.strip():
        raise RefusedFile("the file is empty: the first line must be the header " + HEADER)
    header = tuple(cell.strip().lower() for cell in next(csv.reader([first])))
    if header in (REQUIRED_COLUMNS, (*REQUIRED_COLUMNS, *PAIN_COLUMNS)):
        return len(header)
    shown = first.strip()[:80]
    raise RefusedFile(f"the first line must be the header {HEADER} (pains optional), not {shown!r}")


def _session(row: list[str], columns: int, latest: dt.date) -> ImportedSession:
    cells = [cell.strip() for cell in row]
    if len(cells) != columns:
        raise RowProblem(f"a row with {len(cells)} columns instead of {columns}")
    date, start, minutes, kind = (
        _date(cells[0], latest),
        _start(cells[1]),
        _minutes(cells[2]),
        _kind(cells[3]),
    )
    pain_before = _pain(cells[4]) if columns > 4 else None
    pain_after = _pain(cells[5]) if columns > 4 else None
    return ImportedSession(
        source=SOURCE,
        source_id=source_id(date, start, kind, minutes),
        date=date,
        start_time=start,
        minutes=minutes,
        kind=kind,
        pain_before=pain_before,
        pain_after=pain_after,
    )


def source_id(date: dt.date, start: dt.time | None, kind: Kind, minutes: float) -> str:
    """The same row gives the same id in any file, whatever its position or pains."""
    shown_start = f"{start.hour:02d}:{start.minute:02d}" if start is not None else ""
    text = f"{date.isoformat()}|{shown_start}|{kind.value}|{minutes:g}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _date(cell: str, latest: dt.date) -> dt.date:
    if not _DATE.fullmatch(cell):
        raise RowProblem("a date not written as YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(cell)
    except ValueError:
        raise RowProblem("a date that does not exist") from None
    if not EARLIEST <= day <= latest:
        raise RowProblem("a date before 2000 or in the future")
    return day


def _start(cell: str) -> dt.time | None:
    if not cell:
        return None
    if not _CLOCK.fullmatch(cell):
        raise RowProblem("a start time not written as HH:MM")
    hours, minutes = (int(part) for part in cell.split(":"))
    if hours > 23 or minutes > 59:
        raise RowProblem("a start time that does not exist")
    return dt.time(hours, minutes)


def _minutes(cell: str) -> float:
    try:
        minutes = float(cell)
    except ValueError:
        raise RowProblem("minutes that are not a number") from None
    if not math.isfinite(minutes) or not 1 <= minutes <= MOST_MINUTES:
        raise RowProblem(f"minutes outside 1-{MOST_MINUTES}")
    return minutes


def _kind(cell: str) -> Kind:
    found = _KINDS.get(cell.lower().replace(" ", "_"))
    if found is None:
        raise RowProblem("an unknown kind of activity")
    return found


def _pain(cell: str) -> int | None:
    if not cell:
        return None
    if not cell.isdigit() or not 0 <= int(cell) <= 10:
        raise RowProblem("a pain rating outside 0-10")
    return int(cell)
