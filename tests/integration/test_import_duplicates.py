"""A workout the record already holds is not added again by a later import (issue 6): the same
walk from the watch's file and then from the phone's, or logged by the patient with its start
time and then imported, counts once in the plan. A file imported again is "already present",
not a copy; a workout that only touches another, or has no start time, is kept. On SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from pacewise.adapters.importers.records import ImportedRecord, ImportedSession, Progress
from pacewise.adapters.importers.workout_overlaps import DUPLICATE
from pacewise.domain.model import Kind
from tests.integration.conftest import CLINIC_START, Clinic
from tests.integration.test_imports import run_with_reader, session_count

DAY = CLINIC_START + dt.timedelta(days=2)


def walk(source: str, source_id: str, start: str | None, minutes: float) -> ImportedSession:
    at = dt.time.fromisoformat(start) if start else None
    return ImportedSession(source, source_id, DAY, at, minutes, Kind.WALK)


def reader(*sessions: ImportedSession) -> object:
    """Stands in for a file's parser: yields the given sessions."""

    def read(
        path: Path, *, time_zone: ZoneInfo, progress: Progress | None = None
    ) -> Iterator[ImportedRecord]:
        yield from sessions

    return read


def test_the_same_walk_from_a_second_device_in_a_later_file_counts_once(
    clinic: Clinic, tmp_path: Path
) -> None:
    watch = run_with_reader(
        clinic.engine, clinic.patient, tmp_path, reader(walk("fit", "watch-1", "08:00", 30))
    )
    assert (watch.added, watch.skipped) == (1, 0)
    phone = reader(walk("apple_health", "phone-1", "08:03", 28), walk("gpx", "g-2", "09:00", 10))
    later = run_with_reader(clinic.engine, clinic.patient, tmp_path, phone)
    assert (later.status, later.added, later.already_present, later.skipped) == ("done", 1, 0, 1)
    assert [(s.reason, s.count) for s in later.skipped_reasons] == [(DUPLICATE, 1)]
    assert session_count(clinic.engine, clinic.patient) == 2
    again = run_with_reader(clinic.engine, clinic.patient, tmp_path, phone)
    assert (again.added, again.already_present, again.skipped) == (0, 1, 1)
    watch_again = run_with_reader(
        clinic.engine, clinic.patient, tmp_path, reader(walk("fit", "watch-1", "08:00", 30))
    )
    assert (watch_again.added, watch_again.already_present, watch_again.skipped) == (0, 1, 0)
    assert session_count(clinic.engine, clinic.patient) == 2


def test_a_walk_logged_with_its_start_time_is_not_imported_again(
    clinic: Clinic, tmp_path: Path
) -> None:
    logged = clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/sessions",
        json={"date": DAY.isoformat(), "start": "17:30", "minutes": 20, "kind": "walk"},
        headers=clinic.as_("pat"),
    )
    assert logged.status_code == 201, logged.text
    found = run_with_reader(
        clinic.engine, clinic.patient, tmp_path, reader(walk("fit", "w-1", "17:35", 22))
    )
    assert found.added == 0
    assert [(s.reason, s.count) for s in found.skipped_reasons] == [(DUPLICATE, 1)]
    assert session_count(clinic.engine, clinic.patient) == 1


def test_walks_that_only_touch_or_have_no_start_time_are_all_kept(
    clinic: Clinic, tmp_path: Path
) -> None:
    run_with_reader(
        clinic.engine, clinic.patient, tmp_path, reader(walk("fit", "w-1", "08:00", 30))
    )
    after = reader(walk("gpx", "g-1", "08:30", 30), walk("csv", "c-1", None, 30))
    found = run_with_reader(clinic.engine, clinic.patient, tmp_path, after)
    assert (found.added, found.skipped) == (2, 0)
    assert session_count(clinic.engine, clinic.patient) == 3


def test_a_walk_past_midnight_meets_the_copy_recorded_the_day_before(
    clinic: Clinic, tmp_path: Path
) -> None:
    late = ImportedSession("fit", "w-1", DAY, dt.time(23, 40), 40, Kind.WALK)
    run_with_reader(clinic.engine, clinic.patient, tmp_path, reader(late))
    copy = ImportedSession("gpx", "g-1", DAY + dt.timedelta(days=1), dt.time(0, 0), 20, Kind.WALK)
    found = run_with_reader(clinic.engine, clinic.patient, tmp_path, reader(copy))
    assert (found.added, found.skipped) == (0, 1)


def test_a_walk_before_midnight_meets_the_copy_recorded_the_day_after(
    clinic: Clinic, tmp_path: Path
) -> None:
    early = ImportedSession("fit", "w-1", DAY + dt.timedelta(days=1), dt.time(0, 0), 30, Kind.WALK)
    run_with_reader(clinic.engine, clinic.patient, tmp_path, reader(early))
    late = ImportedSession("gpx", "g-1", DAY, dt.time(23, 50), 40, Kind.WALK)
    found = run_with_reader(clinic.engine, clinic.patient, tmp_path, reader(late))
    assert (found.added, found.skipped) == (0, 1)


def done_minutes(clinic: Clinic) -> float:
    url = f"/api/v1/patients/{clinic.patient}/weeks?date={CLINIC_START + dt.timedelta(days=6)}"
    week = clinic.client.get(url, headers=clinic.as_("pat")).json()["items"][0]
    return float(week["done_minutes"])


def log_walk(clinic: Clinic, start: str | None, minutes: int) -> None:
    body = {"date": DAY.isoformat(), "minutes": minutes, "kind": "walk", "checkin": []}
    logged = clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/sessions",
        json=body | ({"start": start} if start else {}),
        headers=clinic.as_("pat"),
    )
    assert logged.status_code == 201, logged.text


def test_a_walk_logged_after_the_watchs_file_came_in_counts_once_in_the_plan(
    clinic: Clinic, tmp_path: Path
) -> None:
    run_with_reader(
        clinic.engine, clinic.patient, tmp_path, reader(walk("fit", "w-1", "08:00", 30))
    )
    assert done_minutes(clinic) == 30
    log_walk(clinic, "08:05", 25)
    assert done_minutes(clinic) == 25  # the patient's own entry stands for the walk
    assert session_count(clinic.engine, clinic.patient) == 2  # the watch's row is kept
    log_walk(clinic, "18:00", 10)  # another walk that evening counts
    assert done_minutes(clinic) == 35


def test_a_walk_logged_without_a_start_time_cannot_be_matched_and_counts(
    clinic: Clinic, tmp_path: Path
) -> None:
    run_with_reader(
        clinic.engine, clinic.patient, tmp_path, reader(walk("fit", "w-1", "08:00", 30))
    )
    log_walk(clinic, None, 25)
    assert done_minutes(clinic) == 55
