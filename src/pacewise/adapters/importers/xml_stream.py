"""A byte stream that makes a real Apple Health export parseable by a strict XML parser.

Two defects of real exports, handled here before lxml sees a byte:
- some iOS releases wrote an internal DTD with duplicate and invalid ATTLIST declarations,
  which libxml2 rejects even when told not to load the DTD. We never need the DTD (no entity
  is declared in it, defaults are not used), so its whole internal subset is dropped: the
  DOCTYPE's byte span, found by `xml_prolog.scan_prolog`, is cut out of the head.
- stray control characters (from device names or app metadata) that XML 1.0 forbids, written
  raw or as character references (`&#11;`); both are deleted from every chunk. In UTF-8 those
  bytes never occur inside a multi-byte character, so deleting them byte-wise cannot damage
  text. A reference cut by a chunk's end is held back and joined to the next chunk.
Memory is one chunk at a time; `bytes.translate` does the deleting in C, and the reference
pattern only runs on chunks that hold `&#`.
"""

from __future__ import annotations

import re

from pacewise.adapters.importers.streams import ByteSource
from pacewise.adapters.importers.xml_prolog import Prolog

# C0 controls other than tab, line feed and carriage return.
ILLEGAL_XML_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
# The same characters as decimal or hexadecimal character references.
_ILLEGAL_REFERENCE = re.compile(
    rb"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
# Longer than any character reference, so one cut by a chunk's end is always held back whole.
_LONGEST_REFERENCE = 16
# How much is read from the stream below at once (see `CleanedXml.read`).
_READ_AHEAD = 1 << 20
# How much of the stream's end is kept, to tell a document cut short from one damaged inside.
_TAIL_BYTES = 64


class CleanedXml:
    """`stream` after `head`, without the DOCTYPE and without characters illegal in XML 1.0."""

    def __init__(self, stream: ByteSource, head: bytes, prolog: Prolog) -> None:
        if prolog.doctype_span is not None:
            start, end = prolog.doctype_span
            head = head[:start] + head[end:]
        self._stream = stream
        self._carry = b""
        self._pending = memoryview(self._clean(head))
        self._offset = 0
        self._tail = bytes(self._pending[-_TAIL_BYTES:])
        self._at_end = False

    def ended_without(self, closing_tag: bytes) -> bool:
        """True once the whole stream was read and it does not end with `closing_tag`.

        A parse error in such a stream means the file was cut short (an unfinished download or
        copy): a whole document ends with its root's closing tag.
        """
        return self._at_end and not self._tail.rstrip().endswith(closing_tag)

    def read(self, size: int = -1) -> bytes:
        """At most `size` bytes (all that is buffered when negative); b"" at the end.

        The stream below is read `_READ_AHEAD` bytes at a time, whatever the parser asks for:
        each read passes through the zip, its limits and the progress report, so reading in
        the parser's small chunks made those layers cost a tenth of the whole import.
        """
        while self._offset >= len(self._pending):
            if self._at_end:
                return b""
            chunk = self._stream.read(_READ_AHEAD)
            if chunk:
                cleaned = self._clean(self._carry + chunk)
            else:
                self._at_end = True
                cleaned, self._carry = self._carry, b""
            self._tail = (self._tail + cleaned[-_TAIL_BYTES:])[-_TAIL_BYTES:]
            self._pending, self._offset = memoryview(cleaned), 0
        end = len(self._pending) if size < 0 else min(self._offset + size, len(self._pending))
        data = bytes(self._pending[self._offset : end])
        self._offset = end
        return data

    def _clean(self, data: bytes) -> bytes:
        data = data.translate(None, ILLEGAL_XML_BYTES)
        if b"&#" in data:
            data = _ILLEGAL_REFERENCE.sub(b"", data)
        ampersand = data.rfind(b"&", max(len(data) - _LONGEST_REFERENCE, 0))
        if ampersand >= 0 and b";" not in data[ampersand:]:
            data, self._carry = data[:ampersand], data[ampersand:]
        else:
            self._carry = b""
        return data
