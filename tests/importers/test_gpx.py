"""GPX files: sessions with their local start, moving minutes, kind and a stable id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from pacewise.adapters.importers import ImportedSession, SkippedRecord, read_records
from pacewise.domain.model import Kind
from tests.importers.documents import every_minute, gpx_document

PARIS = ZoneInfo("Europe/Paris")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_walk_becomes_a_session_on_the_patients_local_date(tmp_path: Path) -> None:
    path = _write(tmp_path, "walk.gpx", gpx_document(times=every_minute(22, 30)))

    records = list(read_records(path, time_zone=PARIS))

    assert len(records) == 1
    session = records[0]
    assert isinstance(session, ImportedSession)
    assert session.source == "gpx"
    # 22:00 UTC on 2 May is 00:00 on 3 May in Paris (summer time, UTC+2).
    assert session.date == dt.date(2024, 5, 3)
    assert session.start_time == dt.time(0, 0)
    assert session.kind is Kind.WALK
    assert 29 <= session.minutes <= 30


def test_the_same_track_in_two_files_has_the_same_source_id(tmp_path: Path) -> None:
    text = gpx_document(times=every_minute(8, 20))
    first = list(read_records(_write(tmp_path, "a.gpx", text), time_zone=PARIS))
    second = list(read_records(_write(tmp_path, "renamed.gpx", text), time_zone=PARIS))
    other = list(
        read_records(
            _write(tmp_path, "b.gpx", gpx_document(times=every_minute(9, 20))), time_zone=PARIS
        )
    )

    assert isinstance(first[0], ImportedSession)
    assert isinstance(second[0], ImportedSession)
    assert isinstance(other[0], ImportedSession)
    assert first[0].source_id == second[0].source_id
    assert first[0].source_id != other[0].source_id


def test_track_types_map_to_our_kinds(tmp_path: Path) -> None:
    expected = {"cycling": Kind.CYCLE, "Hiking": Kind.WALK, "running": Kind.OTHER, None: Kind.OTHER}
    for track_type, kind in expected.items():
        text = gpx_document(times=every_minute(8, 20), track_type=track_type)
        (session,) = read_records(_write(tmp_path, "t.gpx", text), time_zone=PARIS)
        assert isinstance(session, ImportedSession)
        assert session.kind is kind


def test_a_track_without_times_is_skipped_with_a_reason(tmp_path: Path) -> None:
    text = gpx_document(times=[]).replace("<trkseg>", '<trkseg><trkpt lat="1" lon="1"/>')

    records = list(read_records(_write(tmp_path, "untimed.gpx", text), time_zone=PARIS))

    assert records == [SkippedRecord("a GPX file without timed tracks")]
