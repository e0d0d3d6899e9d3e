"""Folders and zips of activity files, the CSV hand-off, and progress reporting."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pacewise.adapters.importers import (
    HostileFile,
    ImportedSession,
    ImportLimits,
    RefusedFile,
    SkippedRecord,
    read_records,
)
from pacewise.domain.model import Kind
from tests.importers.documents import (
    apple_export,
    every_minute,
    gpx_document,
    tcx_document,
    workout,
)
from tests.importers.fit_encoder import fit_activity

UTC = ZoneInfo("UTC")
FIT_START = dt.datetime(2024, 5, 4, 9, 0, tzinfo=dt.UTC)


def _activity_files() -> dict[str, bytes]:
    return {
        "2024/walk.gpx": gpx_document(times=every_minute(8, 25)).encode(),
        "2024/ride.tcx": tcx_document(activity_id="2024-05-03T07:00:00Z").encode(),
        "2024/swim.fit": fit_activity(start=FIT_START, timer_seconds=1500, sport="swimming"),
        "2024/broken.fit": fit_activity(start=FIT_START, timer_seconds=1500)[:40],
        "notes.txt": b"my walks",
        "__MACOSX/2024/._walk.gpx": b"\x00\x05\x16\x07resource fork",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        ".git/objects/ab/cdef": b"x\x01blob",
    }


def _expected_kinds(records: list[object]) -> list[Kind]:
    return sorted(record.kind for record in records if isinstance(record, ImportedSession))


def _skips(records: list[object]) -> list[str]:
    return sorted(record.reason for record in records if isinstance(record, SkippedRecord))


def test_a_zip_of_activity_files_reads_each_and_skips_what_it_cannot(tmp_path: Path) -> None:
    path = tmp_path / "activities.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in _activity_files().items():
            archive.writestr(name, content)

    records: list[object] = list(read_records(path, time_zone=UTC))

    assert _expected_kinds(records) == sorted([Kind.WALK, Kind.CYCLE, Kind.SWIM])
    assert _skips(records) == [
        "broken.fit: the FIT file is damaged or incomplete",
        "not a GPX, TCX or FIT file",
    ]


def test_a_folder_reads_the_same_as_the_zip(tmp_path: Path) -> None:
    folder = tmp_path / "activities"
    for name, content in _activity_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    archive_path = tmp_path / "activities.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name, content in _activity_files().items():
            archive.writestr(name, content)

    from_folder = list(read_records(folder, time_zone=UTC))
    from_zip = list(read_records(archive_path, time_zone=UTC))

    assert sorted(map(repr, from_folder)) == sorted(map(repr, from_zip))


def test_one_hostile_file_in_a_folder_refuses_the_whole_folder(tmp_path: Path) -> None:
    (tmp_path / "walk.gpx").write_text(gpx_document(times=every_minute(8, 25)), encoding="utf-8")
    hostile = gpx_document(
        times=every_minute(9, 25),
        doctype='<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    (tmp_path / "zz.gpx").write_text(hostile, encoding="utf-8")

    with pytest.raises(HostileFile):
        list(read_records(tmp_path, time_zone=UTC))


def test_an_export_zip_reads_only_its_export_xml(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        walk = workout("Walking", "2024-05-02 08:00:00 +0000", "2024-05-02 08:30:00 +0000")
        archive.writestr("apple_health_export/export.xml", apple_export(walk))
        # Apple's route files repeat the workouts' tracks: read, they would double the walks.
        archive.writestr(
            "apple_health_export/workout-routes/route_2024-05-02.gpx",
            gpx_document(times=every_minute(8, 30)),
        )

    records = list(read_records(path, time_zone=UTC))

    assert [type(record) for record in records] == [ImportedSession]
    assert isinstance(records[0], ImportedSession)
    assert records[0].source == "apple_health"


def test_a_zip_without_anything_readable_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8\xff\xe0")

    with pytest.raises(RefusedFile, match="no Apple Health export and no GPX, TCX or FIT files"):
        list(read_records(path, time_zone=UTC))


def test_a_csv_file_goes_to_the_csv_reader(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("date,start,minutes,kind\n2024-05-02,08:00,30,walk\n", encoding="utf-8")

    (session,) = read_records(path, time_zone=UTC)

    assert isinstance(session, ImportedSession)
    assert (session.source, session.date, session.minutes) == ("csv", dt.date(2024, 5, 2), 30)


def test_progress_reports_bytes_read_up_to_the_files_size(tmp_path: Path) -> None:
    many_steps = [
        f'<Record type="HKQuantityTypeIdentifierStepCount" sourceName="p" unit="count"'
        f' startDate="2024-05-02 08:{minute % 60:02d}:00 +0000"'
        f' endDate="2024-05-02 08:{minute % 60:02d}:00 +0000" value="10"/>'
        for minute in range(5000)
    ]
    path = tmp_path / "export.xml"
    path.write_text(apple_export(*many_steps), encoding="utf-8")
    seen: list[int] = []

    list(read_records(path, time_zone=UTC, progress=seen.append))

    assert len(seen) > 2
    assert seen == sorted(seen)
    assert seen[-1] == path.stat().st_size


def test_a_csv_in_a_legacy_encoding_reaches_the_csv_reader_which_says_why(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(
        "date,start,minutes,kind\n2024-05-02,08:00,30,marche à pied\n".encode("latin-1")
    )

    with pytest.raises(RefusedFile, match="UTF-8"):
        list(read_records(path, time_zone=UTC))


def test_a_text_file_without_the_csv_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes"
    path.write_text("date,start,minutes,kind\n", encoding="utf-8")

    with pytest.raises(RefusedFile, match=r"must be named \.csv"):
        list(read_records(path, time_zone=UTC))


def test_an_unzipped_apple_export_folder_reads_its_export_xml_only(tmp_path: Path) -> None:
    folder = tmp_path / "apple_health_export"
    (folder / "workout-routes").mkdir(parents=True)
    walk = workout("Walking", "2024-05-02 08:00:00 +0000", "2024-05-02 08:30:00 +0000")
    (folder / "export.xml").write_text(apple_export(walk), encoding="utf-8")
    (folder / "export_cda.xml").write_text("<ClinicalDocument/>", encoding="utf-8")
    route = gpx_document(times=every_minute(8, 30))
    (folder / "workout-routes" / "route_2024-05-02.gpx").write_text(route, encoding="utf-8")

    records = list(read_records(tmp_path, time_zone=UTC))

    assert len(records) == 1
    assert isinstance(records[0], ImportedSession)
    assert records[0].source == "apple_health"


def test_a_folder_with_too_many_files_is_refused(tmp_path: Path) -> None:
    for index in range(12):
        (tmp_path / f"walk{index}.gpx").write_text("<gpx/>", encoding="utf-8")

    with pytest.raises(RefusedFile, match="more than 10 files"):
        list(read_records(tmp_path, time_zone=UTC, limits=ImportLimits(max_zip_entries=10)))


def test_the_same_ride_as_gpx_and_fit_in_one_folder_counts_once(tmp_path: Path) -> None:
    start = dt.datetime(2024, 5, 2, 8, 0, tzinfo=dt.UTC)
    (tmp_path / "ride.fit").write_bytes(
        fit_activity(start=start, timer_seconds=1500, sport="cycling")
    )
    gpx = gpx_document(times=every_minute(8, 25), track_type="cycling")
    (tmp_path / "ride.gpx").write_text(gpx, encoding="utf-8")

    records = list(read_records(tmp_path, time_zone=UTC))

    sessions = [record for record in records if isinstance(record, ImportedSession)]
    assert len(sessions) == 1
    assert sessions[0].kind is Kind.CYCLE
    assert SkippedRecord("the same workout from a second app or device") in records
