"""CSV tables of a patient's sessions, daily pain and questionnaires, safe to open in a
spreadsheet (issue 7).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and tab or carriage return)
as a formula, so a session note or a PSFS activity typed as "=HYPERLINK(...)" could act on the
reader's machine (CSV injection). Such a text cell gets a leading apostrophe, which spreadsheets
show as plain text; numbers are written as numbers and never escaped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Final

TABLES: Final = ("sessions", "daily_pain", "questionnaires")
HEADERS: Final = {
    "sessions": (
        "date",
        "start",
        "minutes",
        "kind",
        "source",
        "pain_before",
        "pain_after",
        "effort",
        "checkin_level",
    ),
    "daily_pain": ("date", "pain"),
    "questionnaires": ("instrument", "date", "score", "answers"),
}
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def safe_cell(value: Cell) -> str | int | float:
    """A cell as written: numbers as they are, text made inert if it would run as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(table: str, rows: Iterable[Sequence[Cell]]) -> str:
    """The table as CSV text, with its header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS[table])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def answers_cell(answers: object) -> str:
    """A questionnaire's answers as compact JSON in one cell."""
    return json.dumps(answers, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
