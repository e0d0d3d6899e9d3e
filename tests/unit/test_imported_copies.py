"""`without_imported_copies`: an imported workout the patient also logged by hand counts once,
whatever the order they arrived in; the patient's entry is the one that counts."""

from __future__ import annotations

import datetime as dt

from pacewise.services.records import without_imported_copies

DAY = dt.date(2026, 3, 4)


def row(day: dt.date, start: str | None, minutes: float, source: str) -> tuple[object, ...]:
    at = dt.time.fromisoformat(start) if start else None
    return (day, minutes, "walk", at, None, None, None, [], source)


def test_the_logged_walk_stands_for_the_imported_copy() -> None:
    logged = row(DAY, "08:05", 25, "manual")
    imported = row(DAY, "08:00", 30, "fit")
    later = row(DAY, "18:00", 40, "gpx")
    assert without_imported_copies([imported, logged, later]) == [logged, later]


def test_a_walk_across_midnight_is_matched_on_either_side() -> None:
    imported = row(DAY, "23:50", 30, "fit")
    logged = row(DAY + dt.timedelta(days=1), "00:00", 20, "manual")
    assert without_imported_copies([imported, logged]) == [logged]
    early = row(DAY + dt.timedelta(days=1), "00:00", 20, "fit")
    late = row(DAY, "23:50", 30, "manual")
    assert without_imported_copies([late, early]) == [late]


def test_without_start_times_or_logged_walks_nothing_is_left_out() -> None:
    rows = [row(DAY, None, 25, "manual"), row(DAY, "08:00", 30, "fit")]
    assert without_imported_copies(rows) == rows
    two_logged = [row(DAY, "08:00", 30, "manual"), row(DAY, "08:10", 30, "manual")]
    assert without_imported_copies(two_logged) == two_logged  # the patient's own entries
    touching = [row(DAY, "08:00", 30, "manual"), row(DAY, "08:30", 30, "fit")]
    assert without_imported_copies(touching) == touching
