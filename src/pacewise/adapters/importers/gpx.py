"""GPX tracks (gpxpy) as sessions: one per track that has timed points.

Duration is gpxpy's moving time when the track has it (pauses at a bench do not count toward
the plan), else the time from first to last point. GPX times are UTC; the date is the local
date of the first point in the patient's zone. The source id hashes the first point's UTC time
and the track's name: both survive a re-export from the same app, and two tracks differ in at
least their start.

Kinds come from the track's `<type>`, which apps fill in freely (Strava, Garmin, Komoot, OsmAnd
write English words, some write numbers): `GPX_KINDS` maps the common words; anything else is
`other`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import gpxpy
import gpxpy.gpx

from pacewise.adapters.importers.activity_ids import hashed_id, utc_stamp
from pacewise.adapters.importers.bounds import LocalCalendar, session_or_skip
from pacewise.adapters.importers.records import ImportedRecord, RefusedFile, SkippedRecord
from pacewise.adapters.importers.xml_parsing import plain_parser_message
from pacewise.adapters.importers.xml_prolog import refuse_hostile_prolog
from pacewise.domain.model import Kind

SOURCE = "gpx"

GPX_KINDS: dict[str, Kind] = {
    "walking": Kind.WALK,
    "walk": Kind.WALK,
    "hiking": Kind.WALK,
    "hike": Kind.WALK,
    "nordic_walking": Kind.WALK,
    "trekking": Kind.WALK,
    "cycling": Kind.CYCLE,
    "biking": Kind.CYCLE,
    "ride": Kind.CYCLE,
    "road_biking": Kind.CYCLE,
    "mountain_biking": Kind.CYCLE,
    "e_biking": Kind.CYCLE,
    "ebikeride": Kind.CYCLE,
    "swimming": Kind.SWIM,
    "swim": Kind.SWIM,
    "open_water_swimming": Kind.SWIM,
    "yoga": Kind.YOGA,
}


def gpx_kind(track_type: str | None) -> Kind:
    """Our kind for a GPX `<type>` word (case, spaces and dashes ignored); `other` if unknown."""
    if not track_type:
        return Kind.OTHER
    word = track_type.strip().lower().replace(" ", "_").replace("-", "_")
    return GPX_KINDS.get(word, Kind.OTHER)


def read_gpx(content: bytes, *, calendar: LocalCalendar) -> Iterator[ImportedRecord]:
    """Sessions from one GPX file's bytes (already checked free of entities by the caller)."""
    document = _parse(content)
    timed = 0
    for track in document.tracks:
        _times_in_utc(track)
        bounds = track.get_time_bounds()
        if bounds.start_time is None or bounds.end_time is None:
            continue
        timed += 1
        yield _session(track, bounds.start_time, bounds.end_time, calendar)
    if timed == 0:
        yield SkippedRecord("a GPX file without timed tracks")


def _parse(content: bytes) -> gpxpy.gpx.GPX:
    refuse_hostile_prolog(content, "GPX")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RefusedFile("the GPX file is not UTF-8 text") from None
    try:
        return gpxpy.parse(text)
    except gpxpy.gpx.GPXException as error:
        problem = plain_parser_message(_first_line(error))
        raise RefusedFile(f"the GPX file could not be read ({problem})") from None
    except (ValueError, TypeError, AttributeError, OverflowError):
        raise RefusedFile("the GPX file could not be read (damaged content)") from None


def _session(
    track: gpxpy.gpx.GPXTrack, start: dt.datetime, end: dt.datetime, calendar: LocalCalendar
) -> ImportedRecord:
    start = _as_utc(start)
    end = _as_utc(end)
    try:
        moving = track.get_moving_data()
    except (ArithmeticError, ValueError, TypeError):
        moving = None  # odd points (equal times, no coordinates): fall back to elapsed time
    seconds = moving.moving_time if moving is not None and moving.moving_time > 0 else None
    if seconds is None:
        seconds = (end - start).total_seconds()
    return session_or_skip(
        source=SOURCE,
        source_id=hashed_id(utc_stamp(start), track.name or ""),
        start=start,
        minutes=seconds / 60,
        kind=gpx_kind(track.type),
        calendar=calendar,
    )


def _times_in_utc(track: gpxpy.gpx.GPXTrack) -> None:
    """Give zone-less point times UTC (the GPX rule), so gpxpy never mixes naive and aware."""
    for segment in track.segments:
        for point in segment.points:
            if point.time is not None and point.time.tzinfo is None:
                point.time = point.time.replace(tzinfo=dt.UTC)


def _as_utc(instant: dt.datetime) -> dt.datetime:
    """GPX times are UTC; a time written without a zone is taken as UTC too."""
    return instant.replace(tzinfo=dt.UTC) if instant.tzinfo is None else instant


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:120] if str(error) else type(error).__name__
