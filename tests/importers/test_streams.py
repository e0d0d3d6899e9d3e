"""Inflated bytes are counted as they are read, whatever a zip's headers declared."""

from __future__ import annotations

import io

import pytest

from pacewise.adapters.importers import HostileFile
from pacewise.adapters.importers.streams import BoundedReader, InflationBudget


def test_an_entry_giving_more_than_it_declared_is_refused_while_read() -> None:
    reader = BoundedReader(io.BytesIO(b"x" * 1000), declared=100, budget=InflationBudget(10_000))

    assert len(reader.read(64)) == 64
    with pytest.raises(HostileFile, match="more than its header says"):
        reader.read(64)


def test_entries_that_together_inflate_past_the_total_are_refused() -> None:
    budget = InflationBudget(1500)
    first = BoundedReader(io.BytesIO(b"x" * 1000), declared=1000, budget=budget)
    second = BoundedReader(io.BytesIO(b"y" * 1000), declared=1000, budget=budget)

    assert len(first.read()) == 1000
    with pytest.raises(HostileFile, match="more than the allowed total size"):
        second.read()
