"""Alerts for the clinician, raised by triage and cleared by a clinician (PROTOCOL.md 3).

An uncleared alert pauses progression; the patient keeps light activity meanwhile.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence

from pacewise.domain.model import Alert, Level, Session
from pacewise.domain.prescription import Prescription
from pacewise.domain.triage import CHECKIN_LEVELS, triage
from pacewise.domain.wording import day_words

_ONE_DAY = dt.timedelta(days=1)
_CONTINUE_CODES = frozenset(
    code for code, level in CHECKIN_LEVELS.items() if level is Level.CONTINUE
)


def alerts_from_sessions(
    sessions: Iterable[Session],
    daily_pain: Mapping[dt.date, int],
    prescription: Prescription,
) -> list[Alert]:
    """Every alert the sessions' check-ins and pain numbers raise, oldest first.

    The next-day rule raises its alert on the next day, when the lasting rise becomes known.
    Most sessions raise nothing, so a quick look rules them out before the full triage.
    """
    rx = prescription
    rise, lasting_rise = rx.assess_pain_rise_points, rx.assess_next_day_rise_points
    alerts: list[Alert] = []
    for session in sessions:
        before, after = session.pain_before, session.pain_after
        if not _CONTINUE_CODES.issuperset(session.checkin) or (
            before is not None and after is not None and after - before >= rise
        ):
            result = triage(session.checkin, before, after, rx)
            if result.raises_alert:
                reason = "; ".join(result.reasons)
                alerts.append(
                    Alert(session.date, result.level, f"{reason} ({day_words(session.date)})")
                )
        if before is None:
            continue
        next_day = session.date + _ONE_DAY
        next_pain = daily_pain.get(next_day)
        if next_pain is not None and next_pain - before >= lasting_rise:
            alerts.append(
                Alert(
                    next_day,
                    Level.ASSESS,
                    f"Pain the day after the session of {day_words(session.date)} was "
                    f"{next_pain}, still {lasting_rise} or more points above the {before} "
                    f"before it",
                )
            )
    alerts.sort(key=Alert.order)
    return alerts


def apply_clearances(alerts: Iterable[Alert], clearances: Sequence[dt.date]) -> list[Alert]:
    """A clearance clears every alert raised on or before its date.

    An alert keeps its earliest clearance, whether it came stored with the alert or as a date.
    """
    ordered = sorted(clearances)
    cleared: list[Alert] = []
    for alert in alerts:
        at = bisect_left(ordered, alert.date)
        if at < len(ordered) and (alert.cleared_on is None or ordered[at] < alert.cleared_on):
            alert = Alert(alert.date, alert.level, alert.reason, ordered[at])
        cleared.append(alert)
    return cleared
