"""The Apple stream filter, chunk by chunk: whatever the chunk size, the same clean bytes."""

from __future__ import annotations

import io

import pytest

from pacewise.adapters.importers.xml_prolog import read_head, scan_prolog
from pacewise.adapters.importers.xml_stream import CleanedXml

DOCUMENT = (
    b'<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n<!ATTLIST Record type CDATA #REQUIRED\n'
    b"  type CDATA #REQUIRED>\n]>\n"
    b'<HealthData><Record sourceName="A&#11;l\x0bi&#x1f;ce &amp; B&#38;ob&#X0C;"/></HealthData>\n'
)
EXPECTED = (
    b'<?xml version="1.0"?>\n\n'
    b'<HealthData><Record sourceName="Alice &amp; B&#38;ob"/></HealthData>\n'
)


class _Trickle:
    """A stream that never returns more than `step` bytes, to cut references anywhere."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = io.BytesIO(data)
        self._step = step

    def read(self, size: int = -1) -> bytes:
        return self._data.read(self._step if size < 0 else min(size, self._step))


@pytest.mark.parametrize("step", range(1, 20))
def test_the_dtd_and_illegal_characters_go_whatever_the_chunk_size(step: int) -> None:
    split = DOCUMENT.index(b"<HealthData>") + len(b"<HealthData>")
    head, rest = DOCUMENT[:split], DOCUMENT[split:]
    prolog = scan_prolog(head)
    assert prolog is not None
    cleaned = CleanedXml(_Trickle(rest, step), head, prolog)

    output = b"".join(iter(lambda: cleaned.read(8), b""))

    assert output == EXPECTED
    assert not cleaned.ended_without(b"</HealthData>")


def test_a_stream_cut_short_is_told_apart_from_a_whole_one() -> None:
    head = b"<HealthData>"
    prolog = scan_prolog(head)
    assert prolog is not None
    cleaned = CleanedXml(io.BytesIO(b'<Record type="x"/>\n<Rec'), head, prolog)

    while cleaned.read(4):
        pass

    assert cleaned.ended_without(b"</HealthData>")


@pytest.mark.parametrize("step", [1, 2, 3, 5, 7, 11, 64])
def test_the_root_is_named_right_wherever_a_read_ends(step: int) -> None:
    head, prolog = read_head(_Trickle(DOCUMENT, step), limit=4096)

    assert prolog.root == "HealthData"
    assert head == DOCUMENT[: len(head)]
