"""A person's time zone, by the name stored with their account.

Plan weeks and rankings run in local dates, so a name the zone database does not know (an old
account, a typo through the API) must not break a page or a job: it falls back to UTC.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str) -> ZoneInfo:
    """The zone called `name`, or UTC when no zone has that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def date_in(name: str, moment: dt.datetime) -> dt.date:
    """The date it is at `moment` (aware) in the zone called `name`."""
    return moment.astimezone(zone_named(name)).date()
