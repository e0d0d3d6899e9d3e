"""An uploaded file streamed to the upload folder as it arrives, counted, never held in memory
(issue 6: exports of several gigabytes). Over the limit, or if the upload breaks off, the
partial file is deleted at once: nothing stray is left.

Two shapes arrive: the bare body (the API: `curl --data-binary @export.zip`) and a browser's
multipart form (the page, which must work without JavaScript): the form is parsed as a stream
too, its small fields (the form token) kept and its one file written straight to disk.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD_BYTES = 4096
"""A form's text fields (the token) are short; a longer one is not our form."""


class UploadTooLarge(Exception):
    """The upload passed the size limit; the message says the limit in plain words."""


class BadUpload(Exception):
    """The upload is not a file we can store (no file in the form, a broken form)."""


@dataclass(frozen=True, slots=True)
class StoredUpload:
    path: Path
    size: int
    filename: str


def limit_words(limit: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if limit >= size:
            return f"{limit / size:g} {unit}"
    return f"{limit} bytes"


def safe_name(filename: str) -> str:
    """The file's own name, reduced to characters safe in any folder (its extension kept:
    the importer reads it)."""
    base = Path(filename.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")[-120:]
    return cleaned or "upload"


class _Sink:
    """One file being written to the upload folder, counted against the limit."""

    def __init__(self, folder: Path, filename: str, limit: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.filename = Path(filename.replace("\\", "/")).name[:255] or "upload"
        self.path = folder / f"{uuid.uuid4().hex}-{safe_name(filename)}"
        self.limit = limit
        self.size = 0
        self.file: BinaryIO = self.path.open("xb")

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise UploadTooLarge(
                f"The file is larger than the {limit_words(self.limit)} this server accepts."
            )
        self.file.write(data)

    def finish(self) -> StoredUpload:
        self.file.close()
        return StoredUpload(self.path, self.size, self.filename)

    def discard(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


async def store_body(
    chunks: AsyncIterator[bytes], folder: Path, filename: str, limit: int
) -> StoredUpload:
    """The request's whole body as the file named `filename`."""
    sink = _Sink(folder, filename, limit)
    try:
        async for chunk in chunks:
            sink.write(chunk)
    except BaseException:
        sink.discard()
        raise
    if sink.size == 0:
        sink.discard()
        raise BadUpload("The file is empty.")
    return sink.finish()


@dataclass
class _Form:
    """What a streamed multipart form held: its text fields and its one stored file."""

    folder: Path
    limit: int
    fields: dict[str, str] = field(default_factory=dict)
    sink: _Sink | None = None
    _header_field: bytearray = field(default_factory=bytearray)
    _header_value: bytearray = field(default_factory=bytearray)
    _headers: dict[bytes, bytes] = field(default_factory=dict)
    _name: str = ""
    _value: bytearray = field(default_factory=bytearray)
    _in_file: bool = False

    def part_begin(self) -> None:
        self._headers, self._value, self._in_file = {}, bytearray(), False

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field, self._header_value = bytearray(), bytearray()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is not None:
            if self.sink is not None:
                raise BadUpload("Send one file at a time.")
            self.sink = _Sink(self.folder, filename.decode("utf-8", "replace"), self.limit)
            self._in_file = True

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            assert self.sink is not None
            self.sink.write(data[start:end])
            return
        self._value += data[start:end]
        if len(self._value) > MAX_FIELD_BYTES:
            raise BadUpload("A field of the form is too long.")

    def part_end(self) -> None:
        if not self._in_file:
            self.fields[self._name] = self._value.decode("utf-8", "replace")


async def store_form(
    chunks: AsyncIterator[bytes], content_type: str, folder: Path, limit: int
) -> tuple[dict[str, str], StoredUpload | None]:
    """A multipart form's text fields and its file (None when the form held no file, or an
    empty one)."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadUpload("Send the file as a multipart form.")
    form = _Form(folder, limit)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": form.part_begin,
            "on_part_data": form.part_data,
            "on_part_end": form.part_end,
            "on_header_field": form.header_field,
            "on_header_value": form.header_value,
            "on_header_end": form.header_end,
            "on_headers_finished": form.headers_finished,
        },
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except BaseException as error:
        if form.sink is not None:
            form.sink.discard()
        if isinstance(error, UploadTooLarge | BadUpload):
            raise
        if isinstance(error, Exception):
            raise BadUpload("The form could not be read; please try again.") from error
        raise
    if form.sink is None:
        return form.fields, None
    if form.sink.size == 0:
        form.sink.discard()
        return form.fields, None
    return form.fields, form.sink.finish()
