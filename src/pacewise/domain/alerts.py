"""Alerts for the clinician, raised by triage and cleared by a clinician (PROTOCOL.md 3).

An uncleared alert pauses progression; the patient keeps light activity meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from pacewise.domain.model import Alert, Level, Session
from pacewise.domain.prescription import Prescription
from pacewise.domain.triage import pain_outlasted_a_day, triage
from pacewise.domain.wording import day_words

_ONE_DAY = dt.timedelta(days=1)


def alerts_from_sessions(
    sessions: Iterable[Session],
    daily_pain: Mapping[dt.date, int],
    prescription: Prescription,
) -> list[Alert]:
    """Every alert the sessions' check-ins and pain numbers raise, oldest first.

    The next-day rule raises its alert on the next day, when the lasting rise becomes known.
    """
    alerts: list[Alert] = []
    for session in sessions:
        if session.checkin or (session.pain_before is not None and session.pain_after is not None):
            result = triage(session.checkin, session.pain_before, session.pain_after, prescription)
            if result.raises_alert:
                reason = "; ".join(result.reasons)
                alerts.append(
                    Alert(session.date, result.level, f"{reason} ({day_words(session.date)})")
                )
        next_day = session.date + _ONE_DAY
        if pain_outlasted_a_day(session.pain_before, daily_pain.get(next_day), prescription):
            alerts.append(
                Alert(
                    next_day,
                    Level.ASSESS,
                    f"Pain the day after the session of {day_words(session.date)} was "
                    f"{daily_pain[next_day]}, still {prescription.assess_next_day_rise_points} "
                    f"or more points above the {session.pain_before} before it",
                )
            )
    alerts.sort(key=lambda alert: alert.date)
    return alerts


def apply_clearances(alerts: Iterable[Alert], clearances: Sequence[dt.date]) -> list[Alert]:
    """A clearance clears every alert raised on or before its date that is still open."""
    ordered = sorted(clearances)
    cleared: list[Alert] = []
    for alert in alerts:
        if alert.cleared_on is None:
            when = next((day for day in ordered if day >= alert.date), None)
            alert = replace(alert, cleared_on=when) if when else alert
        cleared.append(alert)
    return cleared
