"""Garmin FIT activity files (fitdecode) as sessions: one per `session` message.

Duration is `total_timer_time` (moving time: the watch's timer stops at auto-pause), else
`total_elapsed_time`. Start is the session's `start_time` (FIT times are UTC). The source id is
the device's serial number and the file's creation time from `file_id`, which a device writes
once per recording; a multisport file adds the session's index.

fitdecode raises several exception types on damaged input (its own `FitError` family, and plain
`ValueError`, `KeyError`, `struct.error` ... from deep inside); any exception while decoding is
one refusal: "the FIT file is damaged". The CRC is checked, so a flipped byte is caught too.

Kinds: `sub_sport` first where it names one of our kinds (yoga, strength, flexibility, lap
swimming ...), then `sport` (FIT_SPORTS); anything else is `other`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import fitdecode  # type: ignore[import-untyped]

from pacewise.adapters.importers.activity_ids import utc_stamp
from pacewise.adapters.importers.bounds import LocalCalendar, session_or_skip
from pacewise.adapters.importers.records import ImportedRecord, RefusedFile, SkippedRecord
from pacewise.domain.model import Kind

SOURCE = "fit"

FIT_SPORTS: dict[str, Kind] = {
    "walking": Kind.WALK,
    "hiking": Kind.WALK,
    "cycling": Kind.CYCLE,
    "e_biking": Kind.CYCLE,
    "swimming": Kind.SWIM,
    "running": Kind.OTHER,
    "training": Kind.OTHER,
    "generic": Kind.OTHER,
}
FIT_SUB_SPORTS: dict[str, Kind] = {
    "yoga": Kind.YOGA,
    "strength_training": Kind.STRENGTH,
    "flexibility_training": Kind.STRETCH,
    "pilates": Kind.STRETCH,
    "indoor_cycling": Kind.CYCLE,
    "spin": Kind.CYCLE,
    "road": Kind.CYCLE,
    "mountain": Kind.CYCLE,
    "lap_swimming": Kind.SWIM,
    "open_water": Kind.SWIM,
    "indoor_walking": Kind.WALK,
    "casual_walking": Kind.WALK,
    "speed_walking": Kind.WALK,
}


def fit_kind(sport: object, sub_sport: object) -> Kind:
    """Our kind for FIT's sport and sub-sport names (unknown numbers count as unknown)."""
    if isinstance(sub_sport, str) and sub_sport in FIT_SUB_SPORTS:
        return FIT_SUB_SPORTS[sub_sport]
    if isinstance(sport, str):
        return FIT_SPORTS.get(sport, Kind.OTHER)
    return Kind.OTHER


@dataclass(frozen=True)
class _FitSession:
    start: dt.datetime | None
    seconds: float | None
    sport: object
    sub_sport: object


def read_fit(content: bytes, *, calendar: LocalCalendar) -> Iterator[ImportedRecord]:
    """Sessions from one FIT file's bytes; decoded whole before anything is yielded."""
    serial, created, sessions = _decode(content)
    if not sessions:
        yield SkippedRecord("a FIT file without an activity session")
        return
    identity = f"{serial if serial is not None else 'unknown'}-{_stamp(created)}"
    for index, session in enumerate(sessions):
        source_id = identity if len(sessions) == 1 else f"{identity}-{index + 1}"
        yield session_or_skip(
            source=SOURCE,
            source_id=source_id,
            start=session.start,
            minutes=session.seconds / 60 if session.seconds is not None else None,
            kind=fit_kind(session.sport, session.sub_sport),
            calendar=calendar,
        )


def _decode(content: bytes) -> tuple[object, dt.datetime | None, list[_FitSession]]:
    serial: object = None
    created: dt.datetime | None = None
    sessions: list[_FitSession] = []
    try:
        with fitdecode.FitReader(
            io.BytesIO(content),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "file_id":
                    serial = frame.get_value("serial_number", fallback=None)
                    created = _as_instant(frame.get_value("time_created", fallback=None))
                elif frame.name == "session":
                    sessions.append(_session(frame))
    except Exception:  # fitdecode's many exception types: see the docstring
        raise RefusedFile("the FIT file is damaged or incomplete") from None
    return serial, created, sessions


def _session(frame: fitdecode.FitDataMessage) -> _FitSession:
    timer = _seconds(frame.get_value("total_timer_time", fallback=None))
    elapsed = _seconds(frame.get_value("total_elapsed_time", fallback=None))
    return _FitSession(
        start=_as_instant(frame.get_value("start_time", fallback=None)),
        seconds=timer if timer is not None else elapsed,
        sport=frame.get_value("sport", fallback=None),
        sub_sport=frame.get_value("sub_sport", fallback=None),
    )


def _as_instant(value: object) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _stamp(created: dt.datetime | None) -> str:
    return utc_stamp(created) if created is not None else "unknown"
