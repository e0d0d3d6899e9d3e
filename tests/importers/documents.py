"""Real activity documents built as text in the tests, so every value checked is visible here."""

from __future__ import annotations

GPX_NS = "http://www.topografix.com/GPX/1/1"


def gpx_document(
    *,
    times: list[str],
    name: str = "Morning walk",
    track_type: str | None = "walking",
    doctype: str = "",
) -> str:
    """A GPX 1.1 file with one track whose points are a few metres apart at the given times."""
    points = "\n".join(
        f'      <trkpt lat="{51.5 + index * 0.0001:.4f}" lon="-0.1"><time>{time}</time></trkpt>'
        for index, time in enumerate(times)
    )
    kind = f"<type>{track_type}</type>" if track_type else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        f'<gpx version="1.1" creator="test" xmlns="{GPX_NS}">\n'
        f"  <trk><name>{name}</name>{kind}\n    <trkseg>\n{points}\n    </trkseg>\n  </trk>\n"
        "</gpx>\n"
    )


def every_minute(start_hour: int, minutes: int, day: str = "2024-05-02") -> list[str]:
    """ISO UTC times one minute apart from `start_hour`:00 on `day`."""
    return [
        f"{day}T{start_hour + (offset // 60):02d}:{offset % 60:02d}:00Z"
        for offset in range(minutes + 1)
    ]
