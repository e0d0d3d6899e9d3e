"""Garmin Training Center (TCX) activities as sessions: one per `<Activity>`.

Duration is the sum of the laps' `TotalTimeSeconds` (Garmin's moving time: auto-pause
excluded). The start and the source id come from the Activity's `<Id>`, which the schema
defines as the activity's start instant: stable across re-exports, distinct per activity.
Times are UTC. Trackpoints are cleared as they are parsed, so memory follows one lap's summary,
not the recording.

Kinds come from the `Sport` attribute: the schema allows Running, Biking and Other; some apps
write Walking, Hiking or Swimming, mapped too.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from pacewise.adapters.importers.activity_ids import hashed_id, utc_stamp
from pacewise.adapters.importers.bounds import LocalCalendar, session_or_skip
from pacewise.adapters.importers.records import ImportedRecord, RefusedFile, SkippedRecord
from pacewise.adapters.importers.xml_parsing import XMLSyntaxError, safe_iterparse, syntax_problem
from pacewise.adapters.importers.xml_prolog import refuse_hostile_prolog
from pacewise.domain.model import Kind

SOURCE = "tcx"

TCX_KINDS: dict[str, Kind] = {
    "walking": Kind.WALK,
    "hiking": Kind.WALK,
    "biking": Kind.CYCLE,
    "cycling": Kind.CYCLE,
    "swimming": Kind.SWIM,
    "running": Kind.OTHER,
    "other": Kind.OTHER,
}


def tcx_kind(sport: str | None) -> Kind:
    """Our kind for a TCX `Sport` attribute; `other` when missing or unknown."""
    return TCX_KINDS.get((sport or "").strip().lower(), Kind.OTHER)


def read_tcx(content: bytes, *, calendar: LocalCalendar) -> Iterator[ImportedRecord]:
    """Sessions from one TCX file's bytes."""
    refuse_hostile_prolog(content, "TCX")
    activities = 0
    try:
        for _, element in safe_iterparse(io.BytesIO(content)):
            name = _local_name(element)
            if name == "Trackpoint":
                element.clear()
            elif name == "Activity":
                activities += 1
                yield _session(element, calendar)
                element.clear()
    except XMLSyntaxError as error:
        cut_short = not content.rstrip().endswith(b"TrainingCenterDatabase>")
        problem = syntax_problem(error, cut_short=cut_short)
        raise RefusedFile(f"the TCX file could not be read: {problem}") from None
    if activities == 0:
        yield SkippedRecord("a TCX file without activities")


def _session(activity: Any, calendar: LocalCalendar) -> ImportedRecord:
    identity = _child_text(activity, "Id")
    laps = [child for child in activity if _local_name(child) == "Lap"]
    start = _instant(identity) or (_instant(laps[0].get("StartTime")) if laps else None)
    seconds = [_number(_child_text(lap, "TotalTimeSeconds")) for lap in laps]
    known = [value for value in seconds if value is not None]
    minutes = sum(known) / 60 if known else None
    source_id = utc_stamp(start) if start is not None else hashed_id(identity or "")
    return session_or_skip(
        source=SOURCE,
        source_id=source_id,
        start=start,
        minutes=minutes,
        kind=tcx_kind(activity.get("Sport")),
        calendar=calendar,
    )


def _local_name(element: Any) -> str:
    """The tag without its namespace (whatever URI a damaged file writes there)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child_text(element: Any, local_name: str) -> str | None:
    for child in element:
        if _local_name(child) == local_name:
            return str(child.text).strip() if child.text else None
    return None


def _instant(text: str | None) -> dt.datetime | None:
    """An ISO 8601 instant; TCX times are UTC, so one written without a zone is taken as UTC."""
    if not text:
        return None
    try:
        instant = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return instant.replace(tzinfo=dt.UTC) if instant.tzinfo is None else instant


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
