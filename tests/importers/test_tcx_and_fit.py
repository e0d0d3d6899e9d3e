"""TCX and FIT files: moving time, local dates, kinds, stable ids, damaged files refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pacewise.adapters.importers import ImportedSession, RefusedFile, SkippedRecord, read_records
from pacewise.domain.model import Kind
from tests.importers.documents import tcx_document
from tests.importers.fit_encoder import fit_activity

TOKYO = ZoneInfo("Asia/Tokyo")
START = dt.datetime(2024, 5, 2, 7, 15, tzinfo=dt.UTC)


def _single(path: Path) -> ImportedSession:
    (session,) = read_records(path, time_zone=TOKYO)
    assert isinstance(session, ImportedSession)
    return session


def test_a_tcx_activity_sums_its_laps_timer_seconds(tmp_path: Path) -> None:
    path = tmp_path / "ride.tcx"
    path.write_text(tcx_document(lap_seconds=(900.0, 1200.5)), encoding="utf-8")

    session = _single(path)

    assert session.source == "tcx"
    assert session.source_id == "2024-05-02T07:15:00Z"
    assert session.kind is Kind.CYCLE
    assert session.minutes == round(2100.5 / 60, 2)
    # 07:15 UTC is 16:15 in Tokyo.
    assert (session.date, session.start_time) == (dt.date(2024, 5, 2), dt.time(16, 15))


@pytest.mark.parametrize(
    ("sport", "kind"), [("Running", Kind.OTHER), ("Walking", Kind.WALK), ("Other", Kind.OTHER)]
)
def test_tcx_sports_map_to_our_kinds(tmp_path: Path, sport: str, kind: Kind) -> None:
    path = tmp_path / "a.tcx"
    path.write_text(tcx_document(sport=sport), encoding="utf-8")

    assert _single(path).kind is kind


def test_a_truncated_tcx_is_refused(tmp_path: Path) -> None:
    text = tcx_document()
    path = tmp_path / "cut.tcx"
    path.write_text(text[: len(text) // 2], encoding="utf-8")

    with pytest.raises(RefusedFile, match="cut short"):
        list(read_records(path, time_zone=TOKYO))


def test_a_fit_walk_uses_timer_time_and_the_devices_identity(tmp_path: Path) -> None:
    path = tmp_path / "walk.fit"
    path.write_bytes(fit_activity(start=START, timer_seconds=1800, elapsed_seconds=2400))

    session = _single(path)

    assert session.source == "fit"
    assert session.source_id == "3456789012-2024-05-02T07:15:00Z"
    assert session.minutes == 30.0
    assert session.kind is Kind.WALK
    assert (session.date, session.start_time) == (dt.date(2024, 5, 2), dt.time(16, 15))


@pytest.mark.parametrize(
    ("sport", "sub_sport", "kind"),
    [
        ("training", "yoga", Kind.YOGA),
        ("training", "flexibility_training", Kind.STRETCH),
        ("swimming", "lap_swimming", Kind.SWIM),
        ("cycling", "generic", Kind.CYCLE),
        ("running", "generic", Kind.OTHER),
    ],
)
def test_fit_sports_map_to_our_kinds(
    tmp_path: Path, sport: str, sub_sport: str, kind: Kind
) -> None:
    path = tmp_path / "a.fit"
    path.write_bytes(fit_activity(start=START, timer_seconds=600, sport=sport, sub_sport=sub_sport))

    assert _single(path).kind is kind


def test_a_multisport_fit_gives_distinct_ids(tmp_path: Path) -> None:
    path = tmp_path / "multi.fit"
    path.write_bytes(fit_activity(start=START, timer_seconds=600, sessions=2))

    ids = [
        record.source_id
        for record in read_records(path, time_zone=TOKYO)
        if isinstance(record, ImportedSession)
    ]

    assert ids == ["3456789012-2024-05-02T07:15:00Z-1", "3456789012-2024-05-02T07:15:00Z-2"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) - 9], id="truncated"),
        pytest.param(lambda b: b[:20] + bytes([b[20] ^ 0xFF]) + b[21:], id="flipped-byte"),
        pytest.param(lambda b: b[:14] + b"\xff" * 40, id="garbage-body"),
        pytest.param(lambda b: b[:12] + b"\x00\x00" + b[14:], id="bad-header-crc"),
        pytest.param(lambda b: b[:8] + b".FIT" + b"\x00" * 3, id="header-only"),
    ],
)
def test_a_corrupt_fit_file_is_refused_with_one_message(tmp_path: Path, damage: object) -> None:
    assert callable(damage)
    path = tmp_path / "corrupt.fit"
    path.write_bytes(damage(fit_activity(start=START, timer_seconds=600)))

    with pytest.raises(RefusedFile, match=r"^the FIT file is damaged or incomplete$"):
        list(read_records(path, time_zone=TOKYO))


def test_each_tcx_activity_is_its_own_session_with_its_own_id(tmp_path: Path) -> None:
    first = tcx_document(activity_id="2024-05-02T07:15:00.000Z", sport="Running")
    second = tcx_document(activity_id="2024-05-03T18:00:00Z", sport="Biking")
    activity = second[second.index("<Activity ") : second.index("</Activities>")]
    path = tmp_path / "two.tcx"
    path.write_text(first.replace("</Activities>", activity + "</Activities>"), encoding="utf-8")

    sessions = list(read_records(path, time_zone=TOKYO))

    assert [(s.source_id, s.kind) for s in sessions if isinstance(s, ImportedSession)] == [
        ("2024-05-02T07:15:00Z", Kind.OTHER),
        ("2024-05-03T18:00:00Z", Kind.CYCLE),
    ]


def test_a_tcx_without_activities_is_skipped_with_a_reason(tmp_path: Path) -> None:
    text = tcx_document()
    empty = text[: text.index("<Activity ")] + text[text.index("</Activities>") :]
    path = tmp_path / "empty.tcx"
    path.write_text(empty, encoding="utf-8")

    assert list(read_records(path, time_zone=TOKYO)) == [
        SkippedRecord("a TCX file without activities")
    ]
