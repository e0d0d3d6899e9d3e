"""The CSV log format (issue 6): what is read, what is skipped and why, what is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pacewise.adapters.importers.csv_sessions import TEMPLATE, read_csv_sessions
from pacewise.adapters.importers.records import ImportedSession, RefusedFile, SkippedRecord
from pacewise.domain.model import Kind

IN_TWO_DAYS = dt.date.today() + dt.timedelta(days=2)


def read(tmp_path: Path, text: str | bytes) -> list[object]:
    path = tmp_path / "log.csv"
    if isinstance(text, str):
        path.write_text(text)
    else:
        path.write_bytes(text)
    return list(read_csv_sessions(path))


def test_the_template_reads_as_three_sessions(tmp_path: Path) -> None:
    sessions = read(tmp_path, TEMPLATE)
    assert [type(record) for record in sessions] == [ImportedSession] * 3
    first = sessions[0]
    assert isinstance(first, ImportedSession)
    assert (first.date, first.start_time, first.minutes, first.kind) == (
        dt.date(2026, 3, 2),
        dt.time(9, 30),
        20.0,
        Kind.WALK,
    )
    assert (first.pain_before, first.pain_after, first.source) == (3, 4, "csv")


def test_the_pain_columns_may_be_left_out_and_a_spreadsheet_bom_is_fine(tmp_path: Path) -> None:
    (session,) = read(tmp_path, "\ufeffdate,start,minutes,kind\r\n2026-03-02,,15,Tai Chi\r\n")
    assert isinstance(session, ImportedSession)
    assert (session.kind, session.start_time, session.pain_before) == (Kind.TAI_CHI, None, None)


def test_the_same_row_has_the_same_source_id_whatever_its_pains_or_place(
    tmp_path: Path,
) -> None:
    header = "date,start,minutes,kind,pain_before,pain_after\n"
    one = read(tmp_path, header + "2026-03-02,09:30,20,walk,3,4\n2026-03-03,,10,swim,,\n")
    two = read(tmp_path, header + "2026-03-03,,10,swim,,\n2026-03-02,09:30,20.0,walk,,\n")
    ids_one = {r.source_id for r in one if isinstance(r, ImportedSession)}
    ids_two = {r.source_id for r in two if isinstance(r, ImportedSession)}
    assert ids_one == ids_two
    assert len(ids_one) == 2


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("03/02/2026,,20,walk", "a date not written as YYYY-MM-DD"),
        ("2026-02-30,,20,walk", "a date that does not exist"),
        ("1999-12-31,,20,walk", "a date before 2000 or in the future"),
        (
            f"{dt.date.today() + dt.timedelta(days=2)},,20,walk",
            "a date before 2000 or in the future",
        ),
        ("2026-03-02,9.30,20,walk", "a start time not written as HH:MM"),
        ("2026-03-02,24:10,20,walk", "a start time that does not exist"),
        ("2026-03-02,,twenty,walk", "minutes that are not a number"),
        ("2026-03-02,,1800,walk", "minutes outside 1-600"),
        ("2026-03-02,,nan,walk", "minutes outside 1-600"),
        ("2026-03-02,,20,parkour", "an unknown kind of activity"),
        ("2026-03-02,,20", "a row with 3 columns instead of 4"),
    ],
)
def test_a_row_that_breaks_a_rule_is_skipped_with_a_plain_reason(
    tmp_path: Path, row: str, reason: str
) -> None:
    assert read(tmp_path, f"date,start,minutes,kind\n{row}\n") == [SkippedRecord(reason)]


def test_tomorrow_is_allowed_for_a_patient_ahead_of_the_server(tmp_path: Path) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    (session,) = read(tmp_path, f"date,start,minutes,kind\n{tomorrow},,20,walk\n")
    assert isinstance(session, ImportedSession)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("date,minutes\n2026-03-02,20\n", "the first line must be the header"),
        (b"date,start,minutes,kind\n\xff\xfe\x00\x01\n", "not UTF-8"),
    ],
)
def test_a_file_not_in_the_format_is_refused(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    with pytest.raises(RefusedFile, match=message):
        read(tmp_path, text)


def test_progress_reports_every_byte_read_by_the_end(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(TEMPLATE * 1 + "2026-03-05,,20,walk,,\n" * 20_000)
    seen: list[int] = []
    records = list(read_csv_sessions(path, progress=seen.append))
    assert len(records) == 20_003
    assert seen == sorted(seen)
    assert seen[-1] == path.stat().st_size
    assert len(seen) > 1
