"""The calendar feed's iCalendar file, from plain events (RFC 5545, through `icalendar`).

Each event keeps the UID it is given, so a calendar app that polls the feed updates an event
whose plan changed instead of adding a second one; each carries a reminder (a display alarm
before it starts) and its time in the patient's own time zone, with that zone's definition
included so any calendar app places it right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event

PRODUCT = "-//pacewise//planned sessions//EN"


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One planned session as a calendar shows it; `start` carries the patient's time zone."""

    uid: str
    start: dt.datetime
    minutes: int
    summary: str
    description: str


def calendar_bytes(
    events: Sequence[FeedEvent], *, name: str, stamp: dt.datetime, reminder_minutes: int
) -> bytes:
    """The feed as an .ics file: one VEVENT with one VALARM per planned session."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for planned in events:
        event = Event()
        event.add("uid", planned.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", planned.start)
        event.add("dtend", planned.start + dt.timedelta(minutes=planned.minutes))
        event.add("summary", planned.summary)
        event.add("description", planned.description)
        event.add("transp", "OPAQUE")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Soon: {planned.summary}")
        alarm.add("trigger", dt.timedelta(minutes=-reminder_minutes))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics
