"""Bad and hostile files (issue 6): each refused with one clear line, or skipped with a reason."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pacewise.adapters.importers import (
    HostileFile,
    ImportLimits,
    RefusedFile,
    read_records,
)
from tests.importers.documents import (
    apple_export,
    every_minute,
    gpx_document,
    tcx_document,
    workout,
)

UTC = ZoneInfo("UTC")
XXE = '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
EXTERNAL_DTD = '<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/evil.dtd">\n'


def _laughs(level: int) -> str:
    inner = f"&lol{level - 1};" if level > 1 else "&lol;"
    return f' <!ENTITY lol{level} "{inner * 10}">\n'


BILLION_LAUGHS = (
    '<!DOCTYPE {root} [\n <!ENTITY lol "lol">\n'
    + "".join(_laughs(level) for level in range(1, 10))
    + "]>\n"
)


def _hostile_document(kind: str, doctype: str) -> tuple[str, str]:
    """(file name, text) of a GPX, TCX or Apple export carrying `doctype` and using its entity."""
    if kind == "gpx":
        text = gpx_document(times=every_minute(8, 20), doctype=doctype.format(root="gpx"))
        return "walk.gpx", text.replace(
            "Morning walk", "&xxe;&lol9;" if "ENTITY" in doctype else "x"
        )
    if kind == "tcx":
        return "ride.tcx", tcx_document(doctype=doctype.format(root="TrainingCenterDatabase"))
    text = apple_export(
        workout("Walking", "2024-05-02 08:00:00 +0100", "2024-05-02 08:30:00 +0100"),
        dtd=doctype.format(root="HealthData"),
    )
    return "export.xml", text.replace('locale="en_GB"', 'locale="&xxe;"')


@pytest.mark.parametrize("kind", ["gpx", "tcx", "apple"])
@pytest.mark.parametrize(
    ("doctype", "message"),
    [
        pytest.param(XXE, "declares XML entities", id="xxe"),
        pytest.param(BILLION_LAUGHS, "declares XML entities", id="billion-laughs"),
        pytest.param(EXTERNAL_DTD, "outside DTD", id="external-dtd"),
    ],
)
def test_entity_attacks_are_refused_before_parsing(
    tmp_path: Path, kind: str, doctype: str, message: str
) -> None:
    name, text = _hostile_document(kind, doctype)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(HostileFile, match=message):
        list(read_records(path, time_zone=UTC))


def test_an_entity_hidden_behind_a_long_comment_is_still_refused(tmp_path: Path) -> None:
    padding = "<!--" + "x" * 200_000 + "-->\n"
    text = gpx_document(times=every_minute(8, 20), doctype=padding + XXE.format(root="gpx"))
    path = tmp_path / "walk.gpx"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(HostileFile):
        list(read_records(path, time_zone=UTC))


def test_an_apple_prolog_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    text = apple_export(dtd="<!--" + "x" * 300_000 + "-->\n")
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(RefusedFile, match="no XML root element"):
        list(read_records(path, time_zone=UTC, limits=ImportLimits(max_prolog_bytes=100_000)))


@pytest.mark.parametrize(
    "name", ["walk.gpx", "ride.tcx", "walk.fit", "export.xml", "export.zip", "walks.csv", "noname"]
)
def test_an_empty_file_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")

    with pytest.raises(RefusedFile, match=f"^{name} is empty$"):
        list(read_records(path, time_zone=UTC))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("walk.gpx", PNG, "walk.gpx is not a GPX file: it looks like a PNG image"),
        (
            "export.xml",
            _zip_bytes({"a.txt": b"a"}),
            "export.xml is not an XML file: it looks like a zip archive",
        ),
        (
            "ride.fit",
            gpx_document(times=every_minute(8, 5)).encode(),
            "ride.fit is not a FIT file: it looks like a GPX file",
        ),
        (
            "ride.tcx",
            gpx_document(times=every_minute(8, 5)).encode(),
            "ride.tcx is not a TCX file: it looks like a GPX file",
        ),
        (
            "export.zip",
            b"<HealthData/>",
            "export.zip is not a zip archive: it looks like an Apple Health export",
        ),
        ("walks.csv", PNG, "walks.csv is not a CSV file: it looks like a PNG image"),
        (
            "photo.jpg",
            b"\xff\xd8\xff\xe0" + b"\x00" * 32,
            "photo.jpg is a JPEG image, not a file pacewise can read",
        ),
    ],
)
def test_a_file_that_is_not_what_its_extension_says_is_refused(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(RefusedFile) as refusal:
        list(read_records(path, time_zone=UTC))

    assert str(refusal.value) == message


def _write_zip(tmp_path: Path, entries: dict[str, bytes], name: str = "walks.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(_zip_bytes(entries))
    return path


def test_a_zip_bomb_by_ratio_is_refused(tmp_path: Path) -> None:
    path = _write_zip(tmp_path, {"walk.gpx": b"\x00" * (8 * 1024 * 1024)})

    with pytest.raises(HostileFile, match="zip bomb"):
        list(read_records(path, time_zone=UTC))


def test_a_zip_bomb_by_total_size_is_refused(tmp_path: Path) -> None:
    entries = {f"walk{index}.gpx": os.urandom(400_000) for index in range(4)}
    path = _write_zip(tmp_path, entries)

    with pytest.raises(HostileFile, match="more than the allowed total size"):
        list(
            read_records(path, time_zone=UTC, limits=ImportLimits(max_total_uncompressed=1_000_000))
        )


@pytest.mark.parametrize(
    "name",
    ["../../etc/walk.gpx", "walks/../../walk.gpx", "/etc/walk.gpx", "C:\\walk.gpx", "..\\walk.gpx"],
)
def test_a_zip_with_climbing_or_absolute_paths_is_refused(tmp_path: Path, name: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("ok.gpx"), gpx_document(times=every_minute(8, 5)))
        info = zipfile.ZipInfo("placeholder")
        info.filename = name  # ZipInfo would clean some of these names; the attacker's zip does not
        archive.writestr(info, b"<gpx/>")
    path = tmp_path / "walks.zip"
    path.write_bytes(buffer.getvalue())

    with pytest.raises(HostileFile, match=r"absolute path|climbs out"):
        list(read_records(path, time_zone=UTC))
    assert not (tmp_path.parent / "etc").exists()


def _central_entries(data: bytes) -> list[int]:
    """Offsets of the central directory's file headers."""
    offsets, position = [], data.find(b"PK\x01\x02")
    while position >= 0:
        offsets.append(position)
        position = data.find(b"PK\x01\x02", position + 4)
    return offsets


def test_a_zip_with_overlapping_entries_is_refused(tmp_path: Path) -> None:
    text = gpx_document(times=every_minute(8, 5)).encode()
    data = bytearray(_zip_bytes({"a.gpx": text, "b.gpx": text}))
    # Point the second central entry at the first one's local header: the same compressed data
    # read twice (the non-recursive zip bomb repeats this thousands of times).
    second = _central_entries(bytes(data))[1]
    struct.pack_into("<I", data, second + 42, 0)
    path = tmp_path / "walks.zip"
    path.write_bytes(bytes(data))

    with pytest.raises(HostileFile, match="overlapping entries"):
        list(read_records(path, time_zone=UTC))


def test_a_zip_whose_header_understates_an_entry_is_refused(tmp_path: Path) -> None:
    text = gpx_document(times=every_minute(8, 60)).encode()
    data = bytearray(_zip_bytes({"a.gpx": text}))
    central = _central_entries(bytes(data))[0]
    struct.pack_into("<I", data, central + 24, 100)  # uncompressed size, in the central directory
    struct.pack_into("<I", data, 22, 100)  # and in the local header
    path = tmp_path / "walks.zip"
    path.write_bytes(bytes(data))

    # The member is read up to its declared size only and fails its CRC: the zip is refused.
    with pytest.raises(RefusedFile, match="zip archive is damaged"):
        list(read_records(path, time_zone=UTC))


def test_a_damaged_zip_is_refused(tmp_path: Path) -> None:
    data = _zip_bytes({"a.gpx": gpx_document(times=every_minute(8, 5)).encode()})
    path = tmp_path / "walks.zip"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(RefusedFile, match="zip archive is damaged or incomplete"):
        list(read_records(path, time_zone=UTC))


def test_a_zip_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    path = _write_zip(tmp_path, {f"w{index}.gpx": b"<gpx/>" for index in range(30)})

    with pytest.raises(HostileFile, match="more than 20 entries"):
        list(read_records(path, time_zone=UTC, limits=ImportLimits(max_zip_entries=20)))


def _with_central_and_local(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Set one field at `offset` of the first local header and `offset + 2` of its central entry
    (the central header has the version-made-by field in front)."""
    patched = bytearray(data)
    struct.pack_into(fmt, patched, offset, value)
    struct.pack_into(fmt, patched, _central_entries(data)[0] + offset + 2, value)
    return bytes(patched)


def test_a_password_protected_zip_is_refused_saying_so(tmp_path: Path) -> None:
    data = _zip_bytes({"walk.gpx": gpx_document(times=every_minute(8, 5)).encode()})
    path = tmp_path / "walks.zip"
    path.write_bytes(_with_central_and_local(data, 6, "<H", 0x1))

    with pytest.raises(RefusedFile, match="password-protected"):
        list(read_records(path, time_zone=UTC))


def test_a_zip_with_an_unreadable_compression_method_is_refused_saying_so(tmp_path: Path) -> None:
    data = _zip_bytes({"walk.gpx": gpx_document(times=every_minute(8, 5)).encode()})
    path = tmp_path / "walks.zip"
    path.write_bytes(_with_central_and_local(data, 8, "<H", 9))  # Deflate64, as Windows writes

    with pytest.raises(RefusedFile, match="compression method pacewise cannot read"):
        list(read_records(path, time_zone=UTC))


def test_an_entity_after_a_doctype_that_seems_to_end_early_is_still_refused(
    tmp_path: Path,
) -> None:
    # A processing instruction inside the DTD holding "]>" and a decoy root element.
    doctype = '<!DOCTYPE gpx [ <?decoy ]><gpx> ?> <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    text = gpx_document(times=every_minute(8, 20), doctype=doctype)
    path = tmp_path / "walk.gpx"
    path.write_text(text.replace("Morning walk", "&xxe;"), encoding="utf-8")

    with pytest.raises(HostileFile, match="declares XML entities"):
        list(read_records(path, time_zone=UTC))


@pytest.mark.parametrize("name", ["export.xml", "walk.gpx", "ride.tcx"])
def test_an_endlessly_nested_document_is_refused(tmp_path: Path, name: str) -> None:
    root = {"export.xml": "HealthData", "walk.gpx": "gpx", "ride.tcx": "TrainingCenterDatabase"}
    depth = 20_000
    text = f"<{root[name]}>" + "<a>" * depth + "</a>" * depth + f"</{root[name]}>"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(RefusedFile, match=r"could not be read.*nested far deeper"):
        list(read_records(path, time_zone=UTC))


def test_a_gpx_larger_than_its_limit_is_refused_alone_or_skipped_in_a_folder(
    tmp_path: Path,
) -> None:
    limits = ImportLimits(max_gpx_bytes=40_000)
    large = gpx_document(times=every_minute(8, 59) * 10)
    (tmp_path / "long.gpx").write_text(large, encoding="utf-8")
    (tmp_path / "short.gpx").write_text(gpx_document(times=every_minute(9, 20)), encoding="utf-8")
    assert len(large) > 40_000

    with pytest.raises(RefusedFile, match=r"^the file is larger than 0\.038147 MB$"):
        list(read_records(tmp_path / "long.gpx", time_zone=UTC, limits=limits))
    records = list(read_records(tmp_path, time_zone=UTC, limits=limits))
    assert "long.gpx: the file is larger than 0.038147 MB" in [
        getattr(record, "reason", None) for record in records
    ]
    assert len(records) == 2
