"""How many minutes of activity each day held: sessions, and minutes recorded outside them.

Every activity minute counts toward the plan (PROTOCOL.md 2 rule 1), including a watch's exercise
minutes on a day with no logged session. A watch also records the walks the patient logs, so a
day counts the larger of its sessions' minutes and its recorded activity, never both added.
Sums use `math.fsum`, so the order records arrive in never changes a total.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

from pacewise.domain.model import Session


def minutes_by_day(
    sessions: Iterable[Session],
    daily_activity: Mapping[dt.date, float] | None,
    first: dt.date,
    last: dt.date,
) -> dict[dt.date, float]:
    """Activity minutes of each day from `first` to `last` that had any (others are absent)."""
    totals: dict[dt.date, float] = {}
    several: dict[dt.date, list[float]] = {}
    for session in sessions:
        day = session.date
        if first <= day <= last:
            if day in totals:
                several.setdefault(day, [totals[day]]).append(session.minutes)
            else:
                totals[day] = session.minutes
    for day, parts in several.items():
        totals[day] = math.fsum(parts)
    for day, minutes in (daily_activity or {}).items():
        if first <= day <= last and minutes > totals.get(day, 0.0):
            totals[day] = minutes
    return totals
