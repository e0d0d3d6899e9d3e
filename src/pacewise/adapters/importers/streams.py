"""Binary streams that report progress and stop at a byte budget.

Every reader pulls its bytes through one of these, so the CLI's bar and the job's progress see
the same count (of the file on disk: compressed bytes for a zip), and a zip entry that inflates
past what its header declared is caught while it is read, not trusted.
"""

from __future__ import annotations

from typing import BinaryIO, Protocol

from pacewise.adapters.importers.records import HostileFile, Progress


class ByteSource(Protocol):
    """Anything with a binary `read`: files, zip entries, the filters below (lxml takes it)."""

    def read(self, size: int = -1, /) -> bytes: ...


class ProgressReader:
    """Reads `inner` and tells `report` how far into `position_of` the read has come."""

    def __init__(self, inner: ByteSource, position_of: BinaryIO, report: Progress) -> None:
        self._inner = inner
        self._position_of = position_of
        self._report = report

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._report(self._position_of.tell())
        return data


class InflationBudget:
    """The uncompressed bytes a whole zip may still produce (`ImportLimits` total)."""

    def __init__(self, total: int) -> None:
        self.remaining = total

    def spend(self, count: int) -> None:
        self.remaining -= count
        if self.remaining < 0:
            raise HostileFile("the zip inflates to more than the allowed total size")


class BoundedReader:
    """Reads at most `declared` bytes from a zip entry, and fails if the entry gives more."""

    def __init__(self, inner: ByteSource, declared: int, budget: InflationBudget) -> None:
        self._inner = inner
        self._left = declared
        self._budget = budget

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._left -= len(data)
        self._budget.spend(len(data))
        if self._left < 0:
            raise HostileFile("a zip entry inflates to more than its header says")
        return data
