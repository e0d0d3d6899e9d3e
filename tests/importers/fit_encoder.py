"""A minimal FIT encoder for the tests: a real file_id and session, with valid CRCs.

The FIT protocol (Garmin's FIT SDK documents it): a 14-byte header, definition messages that
declare each local message's fields, data messages, and a CRC-16 over everything. Only the
fields the importer reads are written; fitdecode decodes the result like a device's file.
"""

from __future__ import annotations

import datetime as dt
import struct

FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
SPORTS = {"generic": 0, "running": 1, "cycling": 2, "swimming": 5, "training": 10, "walking": 11}
SUB_SPORTS = {"generic": 0, "lap_swimming": 17, "flexibility_training": 19, "yoga": 43}

_ENUM, _UINT32, _UINT32Z, _UINT16 = 0x00, 0x86, 0x8C, 0x84
_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def fit_crc(data: bytes, crc: int = 0) -> int:
    for byte in data:
        for nibble in (byte & 0xF, (byte >> 4) & 0xF):
            tmp = _CRC_TABLE[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _CRC_TABLE[nibble]
    return crc


def _fit_time(instant: dt.datetime) -> int:
    return int((instant - FIT_EPOCH).total_seconds())


def _message(local: int, global_number: int, fields: list[tuple[int, int, int, int]]) -> bytes:
    """A definition then a data message; fields are (number, size, base type, value)."""
    definition = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_number, len(fields))
    definition += b"".join(
        struct.pack("<BBB", number, size, base) for number, size, base, _ in fields
    )
    formats = {1: "B", 2: "H", 4: "I"}
    data = bytes([local]) + b"".join(
        struct.pack("<" + formats[size], value) for _, size, _, value in fields
    )
    return definition + data


def fit_activity(
    *,
    start: dt.datetime,
    timer_seconds: float,
    elapsed_seconds: float | None = None,
    sport: str = "walking",
    sub_sport: str = "generic",
    serial: int = 3_456_789_012,
    sessions: int = 1,
) -> bytes:
    """The bytes of a FIT activity file with `sessions` identical sessions."""
    elapsed = elapsed_seconds if elapsed_seconds is not None else timer_seconds
    body = _message(
        0,
        0,
        [
            (0, 1, _ENUM, 4),
            (1, 2, _UINT16, 1),
            (3, 4, _UINT32Z, serial),
            (4, 4, _UINT32, _fit_time(start)),
        ],
    )
    for _ in range(sessions):
        body += _message(
            1,
            18,
            [
                (253, 4, _UINT32, _fit_time(start) + int(elapsed)),
                (2, 4, _UINT32, _fit_time(start)),
                (7, 4, _UINT32, int(elapsed * 1000)),
                (8, 4, _UINT32, int(timer_seconds * 1000)),
                (5, 1, _ENUM, SPORTS[sport]),
                (6, 1, _ENUM, SUB_SPORTS[sub_sport]),
            ],
        )
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    content = header + body
    return content + struct.pack("<H", fit_crc(content))
