"""The whole protocol over one patient's history, as it stood on a given day.

This is the one entry point that the CLI, the services and the benchmarks call: it raises the
triage alerts, applies clearances, finds flares, plans the weeks, checks for boom and bust and
marks the acupuncture window, all from the same history, so every view shows one truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from pacewise.domain.activity import minutes_by_day
from pacewise.domain.acupuncture import acupuncture_window_days
from pacewise.domain.alerts import alerts_from_sessions, apply_clearances
from pacewise.domain.boom_bust import BoomBust, detect_boom_bust
from pacewise.domain.flares import detect_flares, merge_flares
from pacewise.domain.model import AcupunctureVisit, Alert, Flare, Session
from pacewise.domain.plan import plan_weeks
from pacewise.domain.plan_week import PlanWeek
from pacewise.domain.prescription import Prescription


@dataclass(frozen=True, slots=True)
class History:
    """Everything recorded for one patient.

    `alerts` are alerts raised elsewhere and already stored (with their clearances); when
    `derive_alerts` is true the engine also raises the alerts the sessions' check-ins imply.
    `clearances` are dates on which a clinician cleared every alert raised on or before them.
    """

    prescription: Prescription
    start: dt.date
    sessions: tuple[Session, ...] = ()
    daily_pain: Mapping[dt.date, int] = field(default_factory=dict)
    reported_flares: tuple[Flare, ...] = ()
    alerts: tuple[Alert, ...] = ()
    clearances: tuple[dt.date, ...] = ()
    acupuncture: tuple[AcupunctureVisit, ...] = ()
    daily_activity: Mapping[dt.date, float] = field(default_factory=dict)
    derive_alerts: bool = True


@dataclass(frozen=True, slots=True)
class ProtocolResult:
    until: dt.date
    weeks: tuple[PlanWeek, ...]
    alerts: tuple[Alert, ...]
    flares: tuple[Flare, ...]
    boom_bust: BoomBust
    acupuncture_window_days: tuple[dt.date, ...]

    @property
    def current_week(self) -> PlanWeek | None:
        return self.weeks[-1] if self.weeks else None


def run_protocol(history: History, until: dt.date) -> ProtocolResult:
    """Replay the history up to and including `until`; later records are not yet known."""
    rx = history.prescription
    sessions, daily_pain = history.sessions, history.daily_pain
    # Later records are left in place and ignored where they are read: a session after `until`
    # raises only alerts dated after it, and flares and activity are counted up to `until`.
    alerts = [a for a in history.alerts if a.date <= until]
    if history.derive_alerts:
        alerts += [a for a in alerts_from_sessions(sessions, daily_pain, rx) if a.date <= until]
        alerts.sort(key=Alert.order)
    alerts = apply_clearances(alerts, [day for day in history.clearances if day <= until])
    alerts = [_forget_future_clearance(alert, until) for alert in alerts]
    reported = [flare for flare in history.reported_flares if flare.date <= until]
    flares = merge_flares(reported, detect_flares(daily_pain, rx, until), rx)
    window = acupuncture_window_days(
        (visit for visit in history.acupuncture if visit.date <= until), rx
    )
    daily_minutes = minutes_by_day(sessions, history.daily_activity, history.start, until)
    weeks = plan_weeks(rx, history.start, until, daily_minutes, alerts, flares, window)
    boom_bust = detect_boom_bust(weeks, daily_minutes, daily_pain, until, rx)
    return ProtocolResult(
        until=until,
        weeks=tuple(weeks),
        alerts=tuple(alerts),
        flares=tuple(flares),
        boom_bust=boom_bust,
        acupuncture_window_days=tuple(window),
    )


def _forget_future_clearance(alert: Alert, until: dt.date) -> Alert:
    if alert.cleared_on is not None and alert.cleared_on > until:
        return Alert(alert.date, alert.level, alert.reason, None)
    return alert
