"""Zip archives, checked before a byte is inflated and read without touching the disk.

This machine's Python (3.11.7) predates the standard library's guard against overlapping
entries, and `zipfile` trusts the sizes in the central directory. Before reading we refuse:
too many entries, absolute or `..` names, a declared total or a per-entry ratio beyond
`ImportLimits`, and entries whose local data ranges overlap (the non-recursive zip bomb, where
thousands of entries point at the same compressed kernel). While reading, `BoundedReader`
counts the bytes actually inflated, so a lying header is caught as well. Entries are streamed
out of the zip with `ZipFile.open`; nothing is extracted, no temp file is made.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import BinaryIO

from pacewise.adapters.importers.limits import ImportLimits
from pacewise.adapters.importers.records import HostileFile, RefusedFile
from pacewise.adapters.importers.streams import BoundedReader, ByteSource, InflationBudget

_LOCAL_HEADER = struct.Struct("<4s22xHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED = 0x1
# What zipfile and zlib raise on damaged archives (version fields, offsets, sizes, data).
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    OverflowError,
)
_READ_ERRORS = (*_DAMAGE, NotImplementedError, RuntimeError)


class CheckedZip:
    """An open zip whose directory passed every check; open entries with `open_entry`."""

    def __init__(self, raw: BinaryIO, limits: ImportLimits) -> None:
        try:
            self._archive = zipfile.ZipFile(raw)
        except (*_DAMAGE, NotImplementedError):
            raise RefusedFile("the zip archive is damaged or incomplete") from None
        check_directory(self._archive.infolist(), limits)
        self.entries = [info for info in self._archive.infolist() if not info.is_dir()]
        try:
            check_no_overlap(raw, self._archive.infolist())
        except _DAMAGE:
            raise RefusedFile("the zip archive is damaged or incomplete") from None
        self._budget = InflationBudget(limits.max_total_uncompressed)

    @contextmanager
    def open_entry(self, info: zipfile.ZipInfo) -> Iterator[ByteSource]:
        """A bounded stream of one entry's inflated bytes; read errors become a refusal."""
        if info.flag_bits & _ENCRYPTED:
            raise RefusedFile("the zip is password-protected; export it again without a password")
        try:
            inner = self._archive.open(info)
        except NotImplementedError:
            raise RefusedFile(
                "the zip uses a compression method pacewise cannot read;"
                " make it again with standard (Deflate) compression"
            ) from None
        except _READ_ERRORS as error:
            raise RefusedFile(f"the zip archive is damaged ({_short(error)})") from None
        with inner:
            yield _ZipEntryStream(BoundedReader(inner, info.file_size, self._budget))

    def close(self) -> None:
        self._archive.close()


class _ZipEntryStream:
    """Translates zipfile's and zlib's exceptions raised mid-read into a refusal."""

    def __init__(self, inner: BoundedReader) -> None:
        self._inner = inner

    def read(self, size: int = -1) -> bytes:
        try:
            return self._inner.read(size)
        except _READ_ERRORS as error:
            raise RefusedFile(f"the zip archive is damaged ({_short(error)})") from None


def check_directory(infos: list[zipfile.ZipInfo], limits: ImportLimits) -> None:
    """Refuse a central directory that is hostile on its face (names, counts, sizes)."""
    if len(infos) > limits.max_zip_entries:
        raise HostileFile(f"the zip has more than {limits.max_zip_entries} entries")
    declared_total = 0
    for info in infos:
        if not info.filename:
            raise RefusedFile("the zip archive is damaged (an entry without a name)")
        refuse_unsafe_name(info.filename)
        declared_total += info.file_size
        if info.file_size > limits.ratio_checked_above:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise HostileFile("a zip entry is compressed far beyond any real file (zip bomb)")
    if declared_total > limits.max_total_uncompressed:
        raise HostileFile("the zip inflates to more than the allowed total size")


def refuse_unsafe_name(name: str) -> None:
    """Refuse absolute names, drive letters and `..` parts (we never extract, but we never
    trust such an archive either)."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        raise HostileFile("the zip holds an entry with an absolute path")
    if ".." in PurePosixPath(unified).parts:
        raise HostileFile("the zip holds an entry whose path climbs out with '..'")


def check_no_overlap(raw: BinaryIO, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries whose local header plus data overlap another's (shared compressed data)."""
    previous_end = 0
    for info in sorted(infos, key=lambda entry: entry.header_offset):
        if info.header_offset < previous_end:
            raise HostileFile("the zip has overlapping entries (zip bomb)")
        raw.seek(info.header_offset)
        header = raw.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size:
            raise RefusedFile("the zip archive is damaged or incomplete")
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        if signature != _LOCAL_SIGNATURE:
            raise RefusedFile("the zip archive is damaged (bad entry header)")
        data_start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        previous_end = data_start + info.compress_size
    raw.seek(0)


def _short(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:100]
