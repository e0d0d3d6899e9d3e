"""Apple Health exports: workouts as sessions, daily totals, real exports' defects, stable ids."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pacewise.adapters.importers import (
    DailyTotal,
    ImportedSession,
    RefusedFile,
    SkippedRecord,
    read_records,
)
from pacewise.domain.model import Kind
from tests.importers.documents import (
    ACTIVITY_SUMMARY,
    MALFORMED_APPLE_DTD,
    apple_export,
    exercise,
    steps,
    workout,
)

LONDON = ZoneInfo("Europe/London")


def _xml(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _zip(tmp_path: Path, text: str, name: str = "export.zip") -> Path:
    """An export.zip laid out as the phone makes it, with routes and ECGs around the XML."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", text)
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        archive.writestr(
            "apple_health_export/workout-routes/route_2024-05-02_8.15am.gpx", "<gpx></gpx>"
        )
        archive.writestr("apple_health_export/electrocardiograms/ecg_2024-05-02.csv", "Name,x\n")
    return path


def _sessions(records: Iterable[object]) -> list[ImportedSession]:
    return [record for record in records if isinstance(record, ImportedSession)]


def _totals(records: Iterable[object]) -> list[DailyTotal]:
    return [record for record in records if isinstance(record, DailyTotal)]


WALK = workout("Walking", "2024-05-02 08:15:00 +0100", "2024-05-02 08:47:00 +0100", duration="32")


def test_a_zipped_export_gives_its_workouts_as_sessions(tmp_path: Path) -> None:
    path = _zip(tmp_path, apple_export(WALK, ACTIVITY_SUMMARY))

    (session,) = _sessions(list(read_records(path, time_zone=LONDON)))

    assert session == ImportedSession(
        source="apple_health",
        source_id="Walking@2024-05-02T07:15:00Z",
        date=dt.date(2024, 5, 2),
        start_time=dt.time(8, 15),
        minutes=32.0,
        kind=Kind.WALK,
    )


def test_a_bare_export_xml_reads_the_same_as_the_zip(tmp_path: Path) -> None:
    text = apple_export(WALK, steps(1200, "2024-05-02 09:00:00 +0100"))

    from_xml = list(read_records(_xml(tmp_path, text), time_zone=LONDON))
    from_zip = list(read_records(_zip(tmp_path, text), time_zone=LONDON))

    assert from_xml == from_zip
    assert len(from_xml) == 2


def test_workout_types_map_to_our_kinds(tmp_path: Path) -> None:
    expected = {
        "Hiking": Kind.WALK,
        "Cycling": Kind.CYCLE,
        "Swimming": Kind.SWIM,
        "WaterFitness": Kind.AQUATIC,
        "Yoga": Kind.YOGA,
        "TaiChi": Kind.TAI_CHI,
        "TraditionalStrengthTraining": Kind.STRENGTH,
        "Flexibility": Kind.STRETCH,
        "Running": Kind.OTHER,
        "SomethingAppleAddsNextYear": Kind.OTHER,
    }
    elements = [
        workout(activity, f"2024-05-{day:02d} 08:00:00 +0100", f"2024-05-{day:02d} 08:30:00 +0100")
        for day, activity in enumerate(expected, start=1)
    ]

    sessions = _sessions(
        list(read_records(_xml(tmp_path, apple_export(*elements)), time_zone=LONDON))
    )

    assert [session.kind for session in sessions] == list(expected.values())
    assert all(session.minutes == 30 for session in sessions)


def test_duration_units_and_end_minus_start(tmp_path: Path) -> None:
    in_seconds = workout(
        "Walking",
        "2024-05-02 08:00:00 +0100",
        "2024-05-02 09:00:00 +0100",
        duration="1800",
        unit="s",
    )
    in_hours = workout(
        "Walking",
        "2024-05-03 08:00:00 +0100",
        "2024-05-03 09:00:00 +0100",
        duration="0.75",
        unit="hr",
    )
    without = workout("Walking", "2024-05-04 08:00:00 +0100", "2024-05-04 08:40:00 +0100")

    sessions = _sessions(
        list(
            read_records(
                _xml(tmp_path, apple_export(in_seconds, in_hours, without)), time_zone=LONDON
            )
        )
    )

    assert [session.minutes for session in sessions] == [30.0, 45.0, 40.0]


def test_the_patients_zone_sets_the_date_whatever_the_offset_apple_wrote(tmp_path: Path) -> None:
    late = workout("Walking", "2024-05-02 23:30:00 +0100", "2024-05-03 00:10:00 +0100")

    (in_london,) = _sessions(
        list(read_records(_xml(tmp_path, apple_export(late)), time_zone=LONDON))
    )
    (in_new_york,) = _sessions(
        list(
            read_records(_xml(tmp_path, apple_export(late)), time_zone=ZoneInfo("America/New_York"))
        )
    )

    assert (in_london.date, in_london.start_time) == (dt.date(2024, 5, 2), dt.time(23, 30))
    assert (in_new_york.date, in_new_york.start_time) == (dt.date(2024, 5, 2), dt.time(18, 30))


def test_a_newer_export_that_overlaps_gives_the_same_ids_for_the_same_workouts(
    tmp_path: Path,
) -> None:
    older = apple_export(WALK)
    # Exported later while travelling: Apple prints the same instants in another offset.
    same_walk_elsewhere = workout(
        "Walking", "2024-05-02 09:15:00 +0200", "2024-05-02 09:47:00 +0200", duration="32"
    )
    newer_walk = workout("Cycling", "2024-05-09 08:15:00 +0200", "2024-05-09 09:00:00 +0200")
    newer = apple_export(same_walk_elsewhere, newer_walk)

    old_ids = {
        s.source_id
        for s in _sessions(list(read_records(_zip(tmp_path, older, "a.zip"), time_zone=LONDON)))
    }
    new_ids = {
        s.source_id
        for s in _sessions(list(read_records(_zip(tmp_path, newer, "b.zip"), time_zone=LONDON)))
    }

    assert len(new_ids) == 2
    assert old_ids < new_ids


def test_phone_and_watch_counting_the_same_steps_are_not_added_together(tmp_path: Path) -> None:
    text = apple_export(
        steps(3000, "2024-05-02 08:00:00 +0100", device="Alice's iPhone"),
        steps(1000, "2024-05-02 17:00:00 +0100", device="Alice's iPhone"),
        steps(3500, "2024-05-02 08:00:00 +0100", device="Alice's Apple Watch"),
        steps(2000, "2024-05-03 08:00:00 +0100", device="Alice's iPhone"),
        exercise(20, "2024-05-02 08:00:00 +0100"),
        exercise(15, "2024-05-02 17:00:00 +0100"),
    )

    totals = _totals(list(read_records(_xml(tmp_path, text), time_zone=LONDON)))

    assert totals == [
        # The phone's 4000 beat the watch's 3500: the largest device's sum, not 7500.
        DailyTotal(
            source="apple_health", date=dt.date(2024, 5, 2), steps=4000, exercise_minutes=35.0
        ),
        DailyTotal(
            source="apple_health", date=dt.date(2024, 5, 3), steps=2000, exercise_minutes=None
        ),
    ]


def test_steps_just_after_midnight_count_for_the_patients_local_day(tmp_path: Path) -> None:
    # 23:30 UTC on 2 May is 00:30 on 3 May in London (BST).
    text = apple_export(steps(500, "2024-05-02 23:30:00 +0000"))

    (total,) = _totals(list(read_records(_xml(tmp_path, text), time_zone=LONDON)))

    assert total.date == dt.date(2024, 5, 3)


def test_a_malformed_internal_dtd_is_coped_with(tmp_path: Path) -> None:
    text = apple_export(WALK, dtd=MALFORMED_APPLE_DTD)

    (session,) = _sessions(list(read_records(_xml(tmp_path, text), time_zone=LONDON)))

    assert session.kind is Kind.WALK


def test_stray_control_characters_in_values_are_dropped(tmp_path: Path) -> None:
    text = apple_export(
        steps(800, "2024-05-02 08:00:00 +0100", device="Alice\x0b's\x01 iPhone\x1f"), WALK
    )

    records = list(read_records(_xml(tmp_path, text), time_zone=LONDON))

    assert len(_sessions(records)) == 1
    assert _totals(records)[0].steps == 800


def test_an_xml_that_is_not_an_apple_export_is_refused(tmp_path: Path) -> None:
    path = _xml(tmp_path, '<?xml version="1.0"?>\n<catalog><book id="1"/></catalog>\n')

    with pytest.raises(RefusedFile, match="not an Apple Health export"):
        list(read_records(path, time_zone=LONDON))


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_truncated_export_is_refused_not_ended_quietly(tmp_path: Path, cut: float) -> None:
    text = apple_export(WALK, *[steps(10, f"2024-05-02 {h:02d}:00:00 +0100") for h in range(20)])
    truncated = text[: int(len(text) * cut)]

    for path in (_xml(tmp_path, truncated), _zip(tmp_path, truncated)):
        with pytest.raises(RefusedFile, match="cut short"):
            list(read_records(path, time_zone=LONDON))


def test_records_with_garbled_values_are_skipped_with_a_reason(tmp_path: Path) -> None:
    text = apple_export(
        steps(100, "2024-05-02 08:00:00 +0100").replace('value="100"', 'value="lots"'),
        steps(100, "not a date"),
    )

    records = list(read_records(_xml(tmp_path, text), time_zone=LONDON))

    assert records == [
        SkippedRecord("a step or exercise record without a number"),
        SkippedRecord("a step or exercise record without a number"),
    ]


def test_steps_in_an_hour_that_straddles_local_midnight_fall_on_their_own_days(
    tmp_path: Path,
) -> None:
    # In Kolkata (UTC+05:30) 18:15 UTC is 23:45 on 2 May and 18:45 UTC is 00:15 on 3 May.
    text = apple_export(
        steps(100, "2024-05-02 18:15:00 +0000"),
        steps(7, "2024-05-02 18:45:00 +0000"),
        steps(20, "2024-05-02 18:20:00 +0000"),
    )

    totals = _totals(list(read_records(_xml(tmp_path, text), time_zone=ZoneInfo("Asia/Kolkata"))))

    assert [(total.date, total.steps) for total in totals] == [
        (dt.date(2024, 5, 2), 120),
        (dt.date(2024, 5, 3), 7),
    ]


def test_control_characters_written_as_references_are_dropped_even_across_chunks(
    tmp_path: Path,
) -> None:
    # Enough records that references fall on the parser's 32 kB chunk boundaries somewhere.
    names = [f"Alice&#11;s iPhone&#x1F;{index}&#x0b;" for index in range(2000)]
    text = apple_export(
        *[steps(1, "2024-05-02 08:00:00 +0100", device=name) for name in names],
        steps(5000, "2024-05-02 09:00:00 +0100", device="Alice&#38;Bob"),
    )

    (total,) = _totals(list(read_records(_xml(tmp_path, text), time_zone=LONDON)))

    # &#38; is a legal reference (an ampersand) and is kept: the "Alice&Bob" device wins.
    assert total.steps == 5000


def test_records_repeated_inside_a_correlation_are_counted_once(tmp_path: Path) -> None:
    record = steps(900, "2024-05-02 08:00:00 +0100")
    correlation = (
        '<Correlation type="HKCorrelationTypeIdentifierFood" sourceName="Alice&apos;s iPhone"'
        ' startDate="2024-05-02 08:00:00 +0100" endDate="2024-05-02 08:00:00 +0100">\n'
        f"  {record}\n </Correlation>"
    )

    (total,) = _totals(
        list(read_records(_xml(tmp_path, apple_export(record, correlation)), time_zone=LONDON))
    )

    assert total.steps == 900


def test_progress_through_a_zipped_export_counts_compressed_bytes(tmp_path: Path) -> None:
    many = [steps(10, f"2024-05-02 08:{minute % 60:02d}:00 +0100") for minute in range(20_000)]
    path = _zip(tmp_path, apple_export(*many))
    seen: list[int] = []

    list(read_records(path, time_zone=LONDON, progress=seen.append))

    assert len(seen) > 2
    assert seen == sorted(seen)
    assert 0 < seen[-1] <= path.stat().st_size


def test_a_zipped_export_whose_data_fails_its_checksum_is_refused(tmp_path: Path) -> None:
    text = apple_export(WALK, *[steps(10, f"2024-05-02 {h:02d}:00:00 +0100") for h in range(20)])
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("apple_health_export/export.xml", text)
    data = bytearray(path.read_bytes())
    middle = data.index(b"</HealthData>") - 200
    data[middle] ^= 0x01  # one flipped bit in a stored entry: only the CRC can tell
    path.write_bytes(bytes(data))

    with pytest.raises(RefusedFile, match="zip archive is damaged"):
        list(read_records(path, time_zone=LONDON))


def test_a_walk_recorded_by_the_watch_and_another_app_counts_once(tmp_path: Path) -> None:
    watch = workout("Walking", "2024-05-02 08:00:00 +0100", "2024-05-02 08:40:00 +0100")
    other_app = workout("Walking", "2024-05-02 08:01:30 +0100", "2024-05-02 08:38:00 +0100")
    right_after = workout("Yoga", "2024-05-02 08:40:00 +0100", "2024-05-02 09:10:00 +0100")
    evening = workout("Walking", "2024-05-02 18:00:00 +0100", "2024-05-02 18:20:00 +0100")

    records = list(
        read_records(
            _xml(tmp_path, apple_export(other_app, watch, right_after, evening)), time_zone=LONDON
        )
    )

    sessions = _sessions(records)
    assert [(s.start_time, s.minutes) for s in sessions] == [
        (dt.time(8, 0), 40.0),  # the longer recording of the morning walk
        (dt.time(8, 40), 30.0),  # touching is not overlapping
        (dt.time(18, 0), 20.0),
    ]
    assert SkippedRecord("the same workout from a second app or device") in records
