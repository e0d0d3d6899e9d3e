"""Out-of-range dates and durations are skipped with their reason, in every format."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]

from pacewise.adapters.importers import (
    DailyTotal,
    ImportedSession,
    RefusedFile,
    SkippedRecord,
    read_records,
)
from pacewise.adapters.importers.apple_health import workout_session
from pacewise.adapters.importers.bounds import LocalCalendar
from tests.importers.documents import apple_export, gpx_document, steps, tcx_document, workout
from tests.importers.fit_encoder import fit_activity

UTC = ZoneInfo("UTC")
OUT_OF_RANGE = SkippedRecord("dated outside 2000 to tomorrow")


def _read(tmp_path: Path, name: str, content: str | bytes) -> list[object]:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return list(read_records(path, time_zone=UTC))


@pytest.mark.parametrize("year", ["1900", "2100", "0001", "9999"])
def test_apple_workouts_dated_1900_or_2100_are_skipped(tmp_path: Path, year: str) -> None:
    text = apple_export(
        workout(
            "Walking",
            f"{year}-01-01 00:30:00 +0100",
            f"{year}-01-01 01:00:00 +0100",
            duration="30",
        )
    )

    assert _read(tmp_path, "export.xml", text) == [OUT_OF_RANGE]


@pytest.mark.parametrize("year", [1900, 2100])
def test_gpx_and_tcx_dated_1900_or_2100_are_skipped(tmp_path: Path, year: int) -> None:
    times = [f"{year}-05-02T08:{minute:02d}:00Z" for minute in range(30)]
    tcx = tcx_document(activity_id=f"{year}-05-02T08:00:00Z")

    assert _read(tmp_path, "walk.gpx", gpx_document(times=times)) == [OUT_OF_RANGE]
    assert _read(tmp_path, "ride.tcx", tcx) == [OUT_OF_RANGE]


def test_a_fit_file_dated_2100_is_skipped(tmp_path: Path) -> None:
    start = dt.datetime(2100, 5, 2, 8, tzinfo=dt.UTC)

    assert _read(tmp_path, "a.fit", fit_activity(start=start, timer_seconds=900)) == [OUT_OF_RANGE]


def test_today_and_tomorrow_are_accepted_but_not_the_day_after(tmp_path: Path) -> None:
    today = dt.datetime.now(UTC).date()
    elements = [
        workout("Walking", f"{day} 08:00:00 +0000", f"{day} 08:30:00 +0000")
        for day in (today, today + dt.timedelta(days=1), today + dt.timedelta(days=2))
    ]

    records = _read(tmp_path, "export.xml", apple_export(*elements))

    sessions = [record for record in records if isinstance(record, ImportedSession)]
    assert [session.date for session in sessions] == [today, today + dt.timedelta(days=1)]
    assert [record for record in records if isinstance(record, SkippedRecord)] == [OUT_OF_RANGE]


@pytest.mark.parametrize(
    ("duration", "reason"),
    [
        ("1800", "longer than 10 hours"),  # a 30-hour walk: a watch left running
        ("-5", "negative duration"),
        ("0.5", "shorter than 1 minute"),
        ("lots", "no duration"),
    ],
)
def test_absurd_apple_durations_are_skipped_with_their_reason(
    tmp_path: Path, duration: str, reason: str
) -> None:
    walk = workout(
        "Walking", "2024-05-02 08:00:00 +0000", "2024-05-03 14:00:00 +0000", duration=duration
    )
    # "lots" falls back to end minus start: 30 hours, too long as well.
    expected = "longer than 10 hours" if duration == "lots" else reason

    assert _read(tmp_path, "export.xml", apple_export(walk)) == [SkippedRecord(expected)]


def test_a_workout_ending_before_it_starts_is_skipped(tmp_path: Path) -> None:
    text = apple_export(
        workout("Walking", "2024-05-02 08:00:00 +0000", "2024-05-02 07:00:00 +0000")
    )

    assert _read(tmp_path, "export.xml", text) == [SkippedRecord("negative duration")]


def test_a_30_hour_gpx_track_and_a_negative_tcx_lap_are_skipped(tmp_path: Path) -> None:
    times = ["2024-05-02T08:00:00Z", "2024-05-03T14:00:00Z"]

    assert _read(tmp_path, "walk.gpx", gpx_document(times=times)) == [
        SkippedRecord("longer than 10 hours")
    ]
    assert _read(tmp_path, "ride.tcx", tcx_document(lap_seconds=(-600.0,))) == [
        SkippedRecord("negative duration")
    ]


def test_a_30_hour_fit_session_is_skipped(tmp_path: Path) -> None:
    start = dt.datetime(2024, 5, 2, 8, tzinfo=dt.UTC)

    assert _read(tmp_path, "a.fit", fit_activity(start=start, timer_seconds=30 * 3600)) == [
        SkippedRecord("longer than 10 hours")
    ]


CALENDAR = LocalCalendar(time_zone=UTC, latest_date=dt.date(2030, 1, 1))
_ATTRIBUTE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
)


@settings(max_examples=300, deadline=None)
@given(
    duration=st.one_of(_ATTRIBUTE_TEXT, st.floats(allow_nan=True).map(str)),
    unit=st.sampled_from(["min", "s", "hr", "h", "", "days", "MIN"]),
    end=st.one_of(_ATTRIBUTE_TEXT, st.just("2024-05-02 09:00:00 +0000")),
)
def test_any_duration_gives_a_session_within_limits_or_a_skip(
    duration: str, unit: str, end: str
) -> None:
    element = etree.Element(
        "Workout",
        workoutActivityType="HKWorkoutActivityTypeWalking",
        duration=duration,
        durationUnit=unit,
        startDate="2024-05-02 08:00:00 +0000",
        endDate=end,
    )

    record = workout_session(element, CALENDAR)

    if isinstance(record, ImportedSession):
        assert 1 <= record.minutes <= 600
    else:
        assert isinstance(record, SkippedRecord)


VALID_FIT = fit_activity(start=dt.datetime(2024, 5, 2, 8, tzinfo=dt.UTC), timer_seconds=900)


@settings(max_examples=200, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(VALID_FIT) - 1),
    value=st.integers(min_value=0, max_value=255),
    cut=st.integers(min_value=1, max_value=len(VALID_FIT)),
)
def test_damaged_fit_bytes_give_records_or_a_refusal_never_another_error(
    tmp_path_factory: pytest.TempPathFactory, position: int, value: int, cut: int
) -> None:
    damaged = bytearray(VALID_FIT[:cut])
    if position < len(damaged):
        damaged[position] = value
    path = tmp_path_factory.mktemp("fit") / "walk.fit"
    path.write_bytes(bytes(damaged))

    try:
        records = list(read_records(path, time_zone=UTC))
    except RefusedFile:
        return
    assert all(isinstance(record, ImportedSession | SkippedRecord) for record in records)


@settings(max_examples=200, deadline=None)
@given(
    content=st.binary(max_size=300),
    name=st.sampled_from(["a.gpx", "a.tcx", "export.xml", "a.zip", "a.fit", "unnamed"]),
)
def test_arbitrary_bytes_give_records_or_a_refusal_never_another_error(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, name: str
) -> None:
    path = tmp_path_factory.mktemp("any") / name
    path.write_bytes(content)

    try:
        records = list(read_records(path, time_zone=UTC))
    except RefusedFile:
        return
    assert all(isinstance(record, ImportedSession | SkippedRecord) for record in records)


VALID_GPX = gpx_document(
    times=["2024-05-02T08:00:00Z", "2024-05-02T08:10:00Z", "2024-05-02T08:30:00Z"]
).encode()
VALID_TCX = tcx_document().encode()
VALID_APPLE = apple_export(
    workout("Walking", "2024-05-02 08:00:00 +0100", "2024-05-02 08:30:00 +0100"),
    steps(120, "2024-05-02 09:00:00 +0100"),
).encode()


def _zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


DOCUMENTS = [
    ("walk.gpx", VALID_GPX),
    ("ride.tcx", VALID_TCX),
    ("export.xml", VALID_APPLE),
    ("export.zip", _zipped("apple_health_export/export.xml", VALID_APPLE)),
    ("walks.zip", _zipped("walk.gpx", VALID_GPX)),
]


@settings(max_examples=500, deadline=None)
@given(
    document=st.sampled_from(DOCUMENTS),
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), st.binary(max_size=3)), max_size=4
    ),
)
def test_damaged_documents_and_zips_give_records_or_a_refusal_never_another_error(
    tmp_path_factory: pytest.TempPathFactory,
    document: tuple[str, bytes],
    edits: list[tuple[int, bytes]],
) -> None:
    name, content = document
    for position, replacement in edits:
        at = position % len(content)
        content = content[:at] + replacement + content[at + 1 :]
    path = tmp_path_factory.mktemp("xml") / name
    path.write_bytes(content)

    try:
        records = list(read_records(path, time_zone=UTC))
    except RefusedFile:
        return
    assert all(
        isinstance(record, ImportedSession | SkippedRecord | DailyTotal) for record in records
    )
