"""What an XML file declares before its root element, read without an XML parser.

We look at the prolog ourselves, before lxml or gpxpy see a byte, for three reasons:
- the root element's name tells the format (`HealthData`, `gpx`, `TrainingCenterDatabase`);
- a DOCTYPE that declares entities or names an external DTD is how XXE and billion-laughs
  attacks start: no activity format needs either, so such a file is refused outright (gpxpy's
  parser would expand internal entities, so this check is its only guard);
- Apple Health exports carry an internal DTD that some iOS releases wrote malformed: knowing its
  byte span lets the Apple reader drop it (see `xml_stream.py`).
The scan works on bytes and so on ASCII-compatible encodings (UTF-8, Latin-1); UTF-16 heads are
re-encoded to UTF-8 first (`head_as_utf8`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pacewise.adapters.importers.records import HostileFile, RefusedFile
from pacewise.adapters.importers.streams import ByteSource

_NAME = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")
_EXTERNAL_ID = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b")
_WHITESPACE = b" \t\r\n"
_UTF8_BOM = b"\xef\xbb\xbf"
_CHUNK = 64 * 1024


class NotXml(ValueError):
    """The bytes do not start like an XML document."""


@dataclass(frozen=True)
class Prolog:
    """The root element's local name and where the DOCTYPE (if any) sits in the head."""

    root: str
    doctype_span: tuple[int, int] | None
    declares_entities: bool
    names_external_dtd: bool

    def refuse_if_hostile(self) -> None:
        """Refuse documents whose DOCTYPE declares entities or points outside the file."""
        if self.declares_entities:
            raise HostileFile("the file declares XML entities, which activity files never need")
        if self.names_external_dtd:
            raise HostileFile("the file points to an outside DTD, which activity files never need")


def head_as_utf8(head: bytes) -> bytes:
    """The head in an ASCII-compatible encoding, so the byte scan below can read it."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8")
    return head


def scan_prolog(head: bytes) -> Prolog | None:
    """The prolog of `head`, or None when the root element lies beyond it.

    Raises NotXml when the head cannot be the start of an XML document.
    """
    position: int = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    doctype_span: tuple[int, int] | None = None
    while True:
        while position < len(head) and head[position] in _WHITESPACE:
            position += 1
        if position >= len(head):
            return None
        if head.startswith(b"<?", position):
            end = head.find(b"?>", position)
            if end < 0:
                return None
            position = end + 2
        elif head.startswith(b"<!--", position):
            end = head.find(b"-->", position + 4)
            if end < 0:
                return None
            position = end + 3
        elif head.startswith(b"<!DOCTYPE", position):
            doctype_end = _doctype_end(head, position)
            if doctype_end is None:
                return None
            doctype_span = (position, doctype_end)
            position = doctype_end
        elif head.startswith(b"<", position):
            match = _NAME.match(head, position)
            if match is None or match.end() == len(head):
                # The name may go on past the bytes read so far: ask for more.
                if len(head) - position < 256:
                    return None
                raise NotXml("no root element")
            return _prolog(head, match.group(1), doctype_span)
        else:
            raise NotXml("text before the first element")


def _prolog(head: bytes, qualified_name: bytes, doctype_span: tuple[int, int] | None) -> Prolog:
    root = qualified_name.rsplit(b":", 1)[-1].decode("ascii", errors="replace")
    if doctype_span is None:
        return Prolog(root, None, declares_entities=False, names_external_dtd=False)
    doctype = head[doctype_span[0] : doctype_span[1]]
    return Prolog(
        root,
        doctype_span,
        declares_entities=b"<!ENTITY" in doctype,
        names_external_dtd=_EXTERNAL_ID.match(doctype) is not None,
    )


def _doctype_end(head: bytes, start: int) -> int | None:
    """The offset just past the DOCTYPE starting at `start` (quotes, comments and subset aware)."""
    position = start + len(b"<!DOCTYPE")
    in_subset = False
    while position < len(head):
        byte = head[position : position + 1]
        if byte in (b'"', b"'"):
            end = head.find(byte, position + 1)
            if end < 0:
                return None
            position = end + 1
        elif in_subset and head.startswith(b"<!--", position):
            end = head.find(b"-->", position + 4)
            if end < 0:
                return None
            position = end + 3
        elif in_subset and head.startswith(b"<?", position):
            end = head.find(b"?>", position + 2)
            if end < 0:
                return None
            position = end + 2
        elif byte == b"[":
            in_subset = True
            position += 1
        elif byte == b"]":
            in_subset = False
            position += 1
        elif byte == b">" and not in_subset:
            return position + 1
        else:
            position += 1
    return None


def read_head(stream: ByteSource, limit: int) -> tuple[bytes, Prolog]:
    """Read from `stream` until the root element's start tag, at most `limit` bytes.

    Returns the bytes read (the caller must parse them before the rest of the stream) and the
    prolog. Refuses a head that is not XML, or whose root is not within `limit` bytes.
    """
    head = b""
    while True:
        chunk = stream.read(_CHUNK)
        head += chunk
        try:
            prolog = scan_prolog(head_as_utf8(head))
        except NotXml as error:
            raise RefusedFile(f"the file is not XML ({error})") from None
        if prolog is not None:
            return head, prolog
        if not chunk:
            raise RefusedFile("the XML ends before its first element (empty or cut short)")
        if len(head) > limit:
            raise RefusedFile(f"no XML root element in the first {limit // 1024} kB")


def refuse_hostile_prolog(content: bytes, format_name: str) -> None:
    """Refuse a whole-file XML (GPX, TCX) whose prolog declares entities or an outside DTD.

    An entity declaration anywhere in the file refuses it too: the file is in memory anyway, and
    no prolog trick (a DOCTYPE our scan would end too early) can then slip one past gpxpy.
    """
    if b"<!ENTITY" in content:
        raise HostileFile("the file declares XML entities, which activity files never need")
    try:
        prolog = scan_prolog(head_as_utf8(content))
    except NotXml:
        raise RefusedFile(f"the {format_name} file is not XML") from None
    if prolog is None:
        raise RefusedFile(f"the {format_name} file ends before its first element")
    prolog.refuse_if_hostile()
