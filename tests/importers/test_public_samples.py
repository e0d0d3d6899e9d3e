"""The sample files public parsers ship (gpxpy, tcxreader, fitdecode; tests/data/README.md) read
as their own text and the reference parsers say: real exports from real devices and apps, with
their oddities (untimed tracks, a byte-order mark, pauses, deliberately damaged FIT files).

Expected values come from the files themselves (their `<Id>`, laps and times, read here with lxml)
or from gpxpy and fitdecode called directly, never from our importers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import fitdecode  # type: ignore[import-untyped]
import gpxpy
import pytest
from lxml import etree  # type: ignore[import-untyped]

from pacewise.adapters.importers import (
    HostileFile,
    ImportedRecord,
    ImportedSession,
    RefusedFile,
    SkippedRecord,
    read_records,
)
from pacewise.domain.model import Kind

DATA = Path(__file__).resolve().parents[1] / "data"
UTC = ZoneInfo("UTC")
SAMPLES = sorted(
    path for path in DATA.rglob("*") if path.suffix.lower() in {".gpx", ".tcx", ".fit"}
)
TCX = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def _read(path: Path) -> list[ImportedRecord]:
    return list(read_records(path, time_zone=UTC))


def _sessions(path: Path) -> list[ImportedSession]:
    records = _read(path)
    assert all(isinstance(record, ImportedSession) for record in records), records
    return [record for record in records if isinstance(record, ImportedSession)]


def _skip_reasons(path: Path) -> list[str]:
    records = _read(path)
    assert all(isinstance(record, SkippedRecord) for record in records), records
    return [record.reason for record in records if isinstance(record, SkippedRecord)]


def test_the_samples_are_all_here() -> None:
    assert len(SAMPLES) >= 15
    assert {path.parent.name for path in SAMPLES} >= {"gpxpy", "tcxreader", "fitdecode"}


def _outcome(path: Path) -> list[ImportedRecord] | RefusedFile:
    try:
        return _read(path)
    except RefusedFile as error:
        return error


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: str(path.relative_to(DATA)))
def test_every_sample_reads_or_is_refused_in_plain_words(path: Path) -> None:
    outcome = _outcome(path)

    if isinstance(outcome, RefusedFile):
        assert not isinstance(outcome, HostileFile), (
            f"a public sample taken for an attack: {outcome}"
        )
        assert str(outcome)
        assert "\n" not in str(outcome)
    else:
        assert outcome, "a file gives at least one session or one reason it gave none"


# GPX (gpxpy): sessions from timed tracks, moving time as gpxpy computes it.


def test_a_hike_with_two_timed_tracks_gives_two_sessions_of_gpxs_moving_time() -> None:
    path = DATA / "gpxpy" / "korita-zbevnica.gpx"
    document = gpxpy.parse(path.read_text(encoding="utf-8"))
    timed = [track for track in document.tracks if track.get_time_bounds().start_time]
    assert len(document.tracks) == 4
    assert len(timed) == 2  # the other two tracks have no times at all

    sessions = _sessions(path)

    assert [(session.date, session.start_time) for session in sessions] == [
        (dt.date(2010, 10, 3), dt.time(9, 36, 30)),
        (dt.date(2010, 10, 3), dt.time(10, 57, 10)),
    ]
    for session, track in zip(sessions, timed, strict=True):
        moving = track.get_moving_data()
        assert moving is not None
        assert session.minutes == round(moving.moving_time / 60, 2)
        elapsed = track.get_duration()
        assert elapsed is not None
        assert session.minutes < elapsed / 60, "pauses do not count"
        assert session.source == "gpx"
        assert session.kind is Kind.OTHER  # the file has no <type>


@pytest.mark.parametrize(
    ("name", "why"),
    [
        # Only its last track is timed, 16:22:52 to 16:23:49: 57 seconds.
        ("cerknicko-without-times.gpx", "shorter than 1 minute"),
        # Every point carries the same time (1901-12-13T20:45:52.2073437Z).
        ("Mojstrovka.gpx", "shorter than 1 minute"),
        # 76 seconds from first to last point, of which gpxpy counts 32 moving.
        ("track-with-empty-segment.gpx", "shorter than 1 minute"),
        # A single timed point.
        ("gpx1.1_with_all_fields.gpx", "shorter than 1 minute"),
        # A planned route, no track.
        ("route.gpx", "a GPX file without timed tracks"),
        # Waypoints with accented names behind a byte-order mark, no track.
        ("unicode_with_bom.gpx", "a GPX file without timed tracks"),
    ],
)
def test_gpx_files_without_a_real_activity_are_skipped_with_the_reason(name: str, why: str) -> None:
    assert _skip_reasons(DATA / "gpxpy" / name) == [why]


# TCX (tcxreader): the activity's Id is its start, its laps' TotalTimeSeconds its duration.


@pytest.mark.parametrize("name", ["sup_activity_1.tcx", "cross-country-skiing_activity_1.tcx"])
def test_a_tcx_activity_starts_at_its_id_and_lasts_its_laps_timer_seconds(name: str) -> None:
    path = DATA / "tcxreader" / name
    activity = etree.parse(str(path)).find(f".//{TCX}Activity")
    started = dt.datetime.fromisoformat(activity.findtext(f"{TCX}Id"))
    lap_seconds = [
        float(text)
        for text in activity.xpath("t:Lap/t:TotalTimeSeconds/text()", namespaces={"t": TCX[1:-1]})
    ]
    assert len(lap_seconds) == 2

    (session,) = _sessions(path)

    assert (session.date, session.start_time) == (started.date(), started.time())
    assert session.minutes == round(sum(lap_seconds) / 60, 2)
    assert session.kind is Kind.OTHER  # both files say Sport="Other"
    assert session.source == "tcx"


# FIT (fitdecode): the session message's start and timer time.


def _fit_session(path: Path) -> fitdecode.FitDataMessage:
    with fitdecode.FitReader(str(path)) as reader:
        (message,) = [
            frame
            for frame in reader
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session"
        ]
    return message


@pytest.mark.parametrize(
    ("name", "kind"),
    [("sample-activity.fit", Kind.CYCLE), ("garmin-edge-820-bike.fit", Kind.CYCLE)],
)
def test_a_fit_activity_starts_and_lasts_as_its_session_message_says(name: str, kind: Kind) -> None:
    path = DATA / "fitdecode" / name
    message = _fit_session(path)
    started = message.get_value("start_time")

    (session,) = _sessions(path)

    assert (session.date, session.start_time) == (started.date(), started.time())
    assert session.minutes == round(message.get_value("total_timer_time") / 60, 2)
    assert session.kind is kind
    assert session.source == "fit"


def test_a_ride_with_pauses_counts_its_timer_time_not_its_elapsed_time() -> None:
    path = DATA / "fitdecode" / "sample-activity.fit"
    message = _fit_session(path)

    (session,) = _sessions(path)

    assert message.get_value("total_elapsed_time") / 60 > session.minutes + 15


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Activity.fit", "shorter than 1 minute"),  # the FIT SDK's 14-second example run
        ("garmin-fenix-5-run.fit", "shorter than 1 minute"),  # 57 seconds
        ("garmin-fenix-5-walk.fit", "shorter than 1 minute"),  # 45 seconds
        ("Settings.fit", "a FIT file without an activity session"),
        ("MonitoringFile.fit", "a FIT file without an activity session"),
    ],
)
def test_fit_files_without_a_real_activity_are_skipped_with_the_reason(name: str, why: str) -> None:
    assert _skip_reasons(DATA / "fitdecode" / name) == [why]


@pytest.mark.parametrize("path", sorted((DATA / "fitdecode" / "invalid").glob("*.fit")), ids=str)
def test_fitdecodes_damaged_files_are_refused_as_damaged_not_as_attacks(path: Path) -> None:
    with pytest.raises(RefusedFile, match="damaged or incomplete") as refused:
        _read(path)
    assert not isinstance(refused.value, HostileFile)


def test_the_whole_samples_folder_imports_its_six_activities_and_skips_the_rest() -> None:
    records = _read(DATA)

    sessions = [record for record in records if isinstance(record, ImportedSession)]
    reasons = [record.reason for record in records if isinstance(record, SkippedRecord)]
    assert sorted(session.source for session in sessions) == [
        "fit",
        "fit",
        "gpx",
        "gpx",
        "tcx",
        "tcx",
    ]
    damaged = [reason for reason in reasons if reason.endswith("damaged or incomplete")]
    assert len(damaged) == len(list((DATA / "fitdecode" / "invalid").glob("*.fit")))
    assert reasons.count("not a GPX, TCX or FIT file") == 4  # three licences and the README
