"""How much an import may read before it is refused as hostile (zip bombs, endless XML).

The defaults let a long-time user's real Apple Health export through (1-3 GB of XML, compressed
about 20:1) and stop the classic attacks: a zip whose few kilobytes inflate to terabytes, one
with more entries than any phone writes, or an "activity file" far larger than a day outdoors.
The service may pass tighter limits (the tests do, to stay small).
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass(frozen=True)
class ImportLimits:
    """Ceilings checked before and while reading; exceeding one refuses the whole file."""

    # Sum of the uncompressed sizes of the zip entries we read, declared and actually inflated.
    max_total_uncompressed: int = 8 * GIB
    # Inflated : compressed, per entry, for entries larger than `ratio_checked_above`
    # (Apple's XML compresses about 20:1; small files of repeated bytes legitimately go higher).
    max_compression_ratio: float = 200.0
    ratio_checked_above: int = 4 * MIB
    max_zip_entries: int = 100_000
    # One GPX, TCX or FIT file: a whole day's recording at one point a second is a few MB.
    max_activity_file_bytes: int = 64 * MIB
    # gpxpy holds a whole track as Python objects, about 25 times the file's size: 10 MB is ten
    # hours at a point a second with heart rate (longer than any session we count) and keeps
    # the reader under 300 MB.
    max_gpx_bytes: int = 10 * MIB
    # Bytes we look through for the root element (the Apple DTD is about 10 kB).
    max_prolog_bytes: int = 1 * MIB


DEFAULT_LIMITS = ImportLimits()
