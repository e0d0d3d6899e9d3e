"""Apple Health exports (placeholder until the streaming reader lands)."""

from __future__ import annotations

from collections.abc import Iterator

from pacewise.adapters.importers.bounds import LocalCalendar
from pacewise.adapters.importers.records import ImportedRecord, RefusedFile
from pacewise.adapters.importers.streams import ByteSource
from pacewise.adapters.importers.xml_prolog import Prolog


def read_apple_health(
    stream: ByteSource, head: bytes, prolog: Prolog, *, calendar: LocalCalendar
) -> Iterator[ImportedRecord]:
    raise RefusedFile("Apple Health exports are not read yet")
    yield  # pragma: no cover
