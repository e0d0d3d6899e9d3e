"""Stable source ids for activity files, so re-importing the same activity adds nothing.

An id is built from what the recording device wrote about the activity itself (its start
instant in UTC, a name or serial number), never from the file's name or path, which change
when a user re-exports or renames: the same walk exported twice gets the same id, two walks
that started at different seconds get different ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib


def utc_stamp(instant: dt.datetime) -> str:
    """An aware instant as `YYYY-MM-DDTHH:MM:SSZ`, whatever offset it was written with."""
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hashed_id(*parts: str) -> str:
    """A short, fixed-length id from the given parts (names may be long or odd text)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
