"""Which format a file is, told from its first bytes, and whether that matches its name.

A name can lie (a photo renamed `walk.gpx`, a zip renamed `export.xml`): the content decides
what reader runs, and a file whose content contradicts its extension is refused with a message
that names what the extension promised, so the user knows which file to look at again.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePath

from pacewise.adapters.importers.xml_prolog import NotXml, head_as_utf8, scan_prolog

# Bytes read to decide; enough for the XML declaration and the start of most prologs.
SNIFF_BYTES = 64 * 1024


class Format(StrEnum):
    ZIP = "a zip archive"
    FIT = "a FIT file"
    APPLE_HEALTH = "an Apple Health export"
    GPX = "a GPX file"
    TCX = "a TCX file"
    XML = "an XML document"
    # XML whose root lies beyond the sniffed bytes: the XML reader looks further and checks again.
    LONG_XML = "an XML document with a long prolog"
    TEXT = "a text file"
    # Neither text nor a format we know by its magic bytes (a CSV in a legacy encoding, say).
    BINARY = "a binary file of unknown kind"
    UNKNOWN = "not a file pacewise can read"


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)

_XML_ROOTS = {
    "HealthData": Format.APPLE_HEALTH,
    "gpx": Format.GPX,
    "TrainingCenterDatabase": Format.TCX,
}

# What each extension promises; `.xml` promises any XML format we read.
_EXPECTED: dict[str, tuple[Format, ...]] = {
    ".zip": (Format.ZIP,),
    ".xml": (Format.APPLE_HEALTH, Format.GPX, Format.TCX, Format.XML, Format.LONG_XML),
    ".gpx": (Format.GPX, Format.LONG_XML),
    ".tcx": (Format.TCX, Format.LONG_XML),
    ".fit": (Format.FIT,),
    ".csv": (Format.TEXT, Format.BINARY),
}
_PROMISE = {
    ".zip": "a zip archive",
    ".xml": "an XML file",
    ".gpx": "a GPX file",
    ".tcx": "a TCX file",
    ".fit": "a FIT file",
    ".csv": "a CSV file",
}
ACTIVITY_EXTENSIONS = frozenset({".gpx", ".tcx", ".fit"})


def sniff(head: bytes) -> tuple[Format, str]:
    """The format of a file starting with `head`, and a phrase for messages ("a PNG image")."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Format.ZIP, Format.ZIP.value
    if _is_fit(head):
        return Format.FIT, Format.FIT.value
    for magic, description in _MAGIC:
        if head.startswith(magic):
            return Format.UNKNOWN, description
    xml_format = _xml_format(head)
    if xml_format is not None:
        return xml_format, xml_format.value
    if _is_text(head):
        return Format.TEXT, Format.TEXT.value
    return Format.BINARY, Format.BINARY.value


def check_extension(name: str, found: Format, description: str) -> None:
    """Raise ValueError (with the user's message) when the content contradicts the extension."""
    suffix = PurePath(name).suffix.lower()
    expected = _EXPECTED.get(suffix)
    if expected is not None and found not in expected:
        raise ValueError(f"{name} is not {_PROMISE[suffix]}: it looks like {description}")


def _is_fit(head: bytes) -> bool:
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def _xml_format(head: bytes) -> Format | None:
    stripped = head_as_utf8(head).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return None
    try:
        prolog = scan_prolog(stripped)
    except NotXml:
        return None
    if prolog is None:
        return Format.LONG_XML
    return xml_format_of_root(prolog.root)


def xml_format_of_root(root: str) -> Format:
    """The format an XML document's root element names (`Format.XML` if none of ours)."""
    return _XML_ROOTS.get(root, Format.XML)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the head is still text.
        return error.start >= len(head) - 3
    return True
