"""Choose the reader for a path: one file, a folder of activity files, or a zip.

The content decides (see `sniff.py`); the extension is only checked against it. A whole-file
problem raises `RefusedFile`. Inside a folder or a zip of activity files, one unreadable file is
skipped with its name and reason, so a year of walks is not lost to one damaged recording;
a hostile file (`HostileFile`: entities, zip bombs) still refuses everything. The same
activity found twice in a folder or zip (a ride as GPX and as FIT) counts once
(`workout_overlaps.py`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from pacewise.adapters.importers.apple_health import read_apple_health
from pacewise.adapters.importers.archive import CheckedZip
from pacewise.adapters.importers.bounds import LocalCalendar
from pacewise.adapters.importers.fit import read_fit
from pacewise.adapters.importers.gpx import read_gpx
from pacewise.adapters.importers.limits import ImportLimits
from pacewise.adapters.importers.records import (
    HostileFile,
    ImportedRecord,
    Progress,
    RefusedFile,
    SkippedRecord,
)
from pacewise.adapters.importers.sniff import (
    ACTIVITY_EXTENSIONS,
    SNIFF_BYTES,
    Format,
    check_extension,
    sniff,
    xml_format_of_root,
)
from pacewise.adapters.importers.streams import ByteSource, ProgressReader
from pacewise.adapters.importers.tcx import read_tcx
from pacewise.adapters.importers.workout_overlaps import once_each
from pacewise.adapters.importers.xml_prolog import read_head

ActivityReader = Callable[..., Iterator[ImportedRecord]]
_ACTIVITY_READERS: dict[Format, ActivityReader] = {
    Format.GPX: read_gpx,
    Format.TCX: read_tcx,
    Format.FIT: read_fit,
}
APPLE_EXPORT_NAME = "export.xml"
NOT_AN_ACTIVITY = "not a GPX, TCX or FIT file"


def read_path(
    path: Path, *, calendar: LocalCalendar, report: Progress, limits: ImportLimits
) -> Iterator[ImportedRecord]:
    """Every record in `path` (file, folder or zip), in file order."""
    if path.is_dir():
        yield from _read_folder(path, calendar=calendar, report=report, limits=limits)
        return
    if not path.is_file():
        raise RefusedFile(f"{path.name} does not exist or is not a file")
    with path.open("rb") as raw:
        found = _sniff_checked(path.name, raw.read(SNIFF_BYTES))
        raw.seek(0)
        if found is Format.ZIP:
            yield from _read_zip(raw, calendar=calendar, report=report, limits=limits)
        elif found in (Format.TEXT, Format.BINARY):
            # The CSV reader says best what is wrong with a text file (or one not in UTF-8).
            yield from _read_csv(path, report)
        elif found is Format.FIT:
            content = _read_bounded(raw, limits.max_activity_file_bytes)
            report(len(content))
            yield from read_fit(content, calendar=calendar)
        else:
            stream = ProgressReader(raw, raw, report)
            yield from _read_xml(stream, path.name, calendar=calendar, limits=limits)


def _sniff_checked(name: str, head: bytes) -> Format:
    if not head:
        raise RefusedFile(f"{name} is empty")
    found, description = sniff(head)
    _check_extension(name, found, description)
    if found is Format.UNKNOWN:
        raise RefusedFile(f"{name} is {description}, not a file pacewise can read")
    return found


def _check_extension(name: str, found: Format, description: str) -> None:
    try:
        check_extension(name, found, description)
    except ValueError as error:
        raise RefusedFile(str(error)) from None


def _read_csv(path: Path, report: Progress) -> Iterator[ImportedRecord]:
    if path.suffix.lower() != ".csv":
        raise RefusedFile(
            f"{path.name} is not a file pacewise can read (a CSV file must be named .csv)"
        )
    from pacewise.adapters.importers.csv_sessions import (  # 6b's module, loaded only for CSV
        read_csv_sessions,
    )

    yield from read_csv_sessions(path, progress=report)


def _read_xml(
    stream: ByteSource, name: str, *, calendar: LocalCalendar, limits: ImportLimits
) -> Iterator[ImportedRecord]:
    """An XML document: Apple Health streamed, GPX and TCX read whole (they are small)."""
    head, prolog = read_head(stream, limits.max_prolog_bytes)
    found = xml_format_of_root(prolog.root)
    _check_extension(name, found, found.value)
    if prolog.root == "HealthData":
        yield from read_apple_health(stream, head, prolog, calendar=calendar)
        return
    prolog.refuse_if_hostile()
    readers = {"gpx": read_gpx, "TrainingCenterDatabase": read_tcx}
    reader = readers.get(prolog.root)
    if reader is None:
        raise RefusedFile(
            f"this XML is not an Apple Health export, GPX or TCX file (it is <{prolog.root}>)"
        )
    most = limits.max_gpx_bytes if reader is read_gpx else limits.max_activity_file_bytes
    content = _read_bounded(stream, most, already=head)
    yield from reader(content, calendar=calendar)


def _read_zip(
    raw: BinaryIO, *, calendar: LocalCalendar, report: Progress, limits: ImportLimits
) -> Iterator[ImportedRecord]:
    archive = CheckedZip(raw, limits)
    try:
        apple = [info for info in archive.entries if _is_apple_export(info.filename)]
        if len(apple) > 1:
            raise RefusedFile("the zip holds more than one export.xml; import them one by one")
        if apple:
            with archive.open_entry(apple[0]) as entry:
                stream = ProgressReader(entry, raw, report)
                yield from _read_xml(stream, APPLE_EXPORT_NAME, calendar=calendar, limits=limits)
            return
        activities = [info for info in archive.entries if not _is_junk(info.filename)]
        if not any(_is_activity_name(info.filename) for info in activities):
            raise RefusedFile("the zip holds no Apple Health export and no GPX, TCX or FIT files")
        members = _zip_members(archive, activities, raw, calendar, report, limits)
        yield from once_each(members, calendar.time_zone)
    finally:
        archive.close()


def _zip_members(
    archive: CheckedZip,
    activities: list[zipfile.ZipInfo],
    raw: BinaryIO,
    calendar: LocalCalendar,
    report: Progress,
    limits: ImportLimits,
) -> Iterator[ImportedRecord]:
    for info in activities:
        if not _is_activity_name(info.filename):
            yield SkippedRecord(NOT_AN_ACTIVITY)
            continue
        if info.file_size > limits.max_activity_file_bytes:
            yield SkippedRecord(_too_large(limits))
            continue
        with archive.open_entry(info) as entry:
            content = _read_bounded(entry, limits.max_activity_file_bytes)
        report(raw.tell())
        yield from _read_member(info.filename, content, calendar=calendar, limits=limits)


def _read_folder(
    folder: Path, *, calendar: LocalCalendar, report: Progress, limits: ImportLimits
) -> Iterator[ImportedRecord]:
    """Activity files anywhere under `folder`; or, for an unzipped Apple export, its XML only."""
    files = _folder_files(folder, limits)
    apple = [path for path in files if _is_apple_export(path.name)]
    if len(apple) > 1:
        raise RefusedFile("the folder holds more than one export.xml; import them one by one")
    if apple:
        with apple[0].open("rb") as raw:
            _sniff_checked(apple[0].name, raw.read(SNIFF_BYTES))
            raw.seek(0)
            stream = ProgressReader(raw, raw, report)
            yield from _read_xml(stream, apple[0].name, calendar=calendar, limits=limits)
        return
    if not any(_is_activity_name(path.name) for path in files):
        raise RefusedFile("the folder holds no Apple Health export and no GPX, TCX or FIT files")
    members = _folder_members(folder, files, calendar, report, limits)
    yield from once_each(members, calendar.time_zone)


def _folder_members(
    folder: Path,
    files: list[Path],
    calendar: LocalCalendar,
    report: Progress,
    limits: ImportLimits,
) -> Iterator[ImportedRecord]:
    done = 0
    for path in files:
        size = path.stat().st_size
        if not _is_activity_name(path.name):
            yield SkippedRecord(NOT_AN_ACTIVITY)
        elif size > limits.max_activity_file_bytes:
            yield SkippedRecord(_too_large(limits))
        else:
            content = path.read_bytes()
            yield from _read_member(
                str(path.relative_to(folder)), content, calendar=calendar, limits=limits
            )
        done += size
        report(done)


def _folder_files(folder: Path, limits: ImportLimits) -> list[Path]:
    """The regular files under `folder` (no links, nothing hidden), refused past the limit."""
    files: list[Path] = []
    for path in folder.rglob("*"):
        if _is_junk(path.relative_to(folder).as_posix()):
            continue
        if path.is_file() and not path.is_symlink():
            files.append(path)
            if len(files) > limits.max_zip_entries:
                raise RefusedFile(f"the folder holds more than {limits.max_zip_entries} files")
    return sorted(files)


def _read_member(
    name: str, content: bytes, *, calendar: LocalCalendar, limits: ImportLimits
) -> Iterator[ImportedRecord]:
    """One activity file inside a folder or zip: its records, or a skip naming it.

    Records are collected before they are yielded so a file that fails half way gives a skip
    only, never half its sessions.
    """
    try:
        found = _sniff_checked(name, content[:SNIFF_BYTES])
        reader = _ACTIVITY_READERS.get(found)
        if reader is None:
            raise RefusedFile(f"{name} is {found.value}, not a GPX, TCX or FIT file")
        if found is Format.GPX and len(content) > limits.max_gpx_bytes:
            raise RefusedFile(f"the file is larger than {_megabytes(limits.max_gpx_bytes)} MB")
        records = list(reader(content, calendar=calendar))
    except HostileFile:
        raise
    except RefusedFile as error:
        yield SkippedRecord(f"{_basename(name)}: {error}")
        return
    yield from records


def _read_bounded(stream: ByteSource, limit: int, *, already: bytes = b"") -> bytes:
    """`already` and the rest of `stream`, refused past `limit` bytes in all."""
    content = already + stream.read(max(limit - len(already), 0) + 1)
    if len(content) > limit:
        raise RefusedFile(f"the file is larger than {_megabytes(limit)} MB")
    return content


def _too_large(limits: ImportLimits) -> str:
    return f"an activity file larger than {_megabytes(limits.max_activity_file_bytes)} MB"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _basename(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


def _is_apple_export(name: str) -> bool:
    return _basename(name).lower() == APPLE_EXPORT_NAME


def _is_activity_name(name: str) -> bool:
    return PurePosixPath(name.lower()).suffix in ACTIVITY_EXTENSIONS


def _is_junk(name: str) -> bool:
    """What systems and tools add to folders and zips: macOS resource forks, .DS_Store, hidden
    folders such as .git."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return parts[:1] == ("__MACOSX",) or any(part.startswith(".") for part in parts)
