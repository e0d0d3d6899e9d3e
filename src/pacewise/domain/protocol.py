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
from pacewise.domain.plan import plan_weeks, prescriptions_by_week
from pacewise.domain.plan_week import PlanWeek
from pacewise.domain.prescription import Prescription, PrescriptionChange


@dataclass(frozen=True, slots=True)
class History:
    """Everything recorded for one patient.

    `alerts` are alerts raised elsewhere and already stored (with their clearances); when
    `derive_alerts` is true the engine also raises the alerts the sessions' check-ins imply.
    `clearances` are dates on which a clinician cleared every alert raised on or before them.
    `prescription` is the first prescription; `changes` are the clinician's later ones.
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
    changes: tuple[PrescriptionChange, ...] = ()


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
    """Replay the history up to and including `until`; later records are not yet known.

    The plan weeks and the flares found in them follow the prescription in force in each week;
    triage, boom and bust and the acupuncture window use the one in force on `until`.
    """
    count = max((until - history.start).days // 7 + 1, 1)
    in_force = prescriptions_by_week(history.prescription, history.start, count, history.changes)
    changes = [c for c in history.changes if c.effective <= until]
    rx = in_force[-1]
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
    flares = merge_flares(reported, _detected_flares(history, in_force, until), rx)
    window = acupuncture_window_days(
        (visit for visit in history.acupuncture if visit.date <= until), rx
    )
    daily_minutes = minutes_by_day(sessions, history.daily_activity, history.start, until)
    weeks = plan_weeks(
        history.prescription, history.start, until, daily_minutes, alerts, flares, window, changes
    )
    boom_bust = detect_boom_bust(weeks, daily_minutes, daily_pain, until, rx)
    return ProtocolResult(
        until=until,
        weeks=tuple(weeks),
        alerts=tuple(alerts),
        flares=tuple(flares),
        boom_bust=boom_bust,
        acupuncture_window_days=tuple(window),
    )


def _detected_flares(history: History, in_force: list[Prescription], until: dt.date) -> list[Flare]:
    """Flares found in the pain ratings, each by the rules of the prescription of its week."""
    if all(rx is in_force[0] for rx in in_force):
        return detect_flares(history.daily_pain, in_force[0], until)
    found: list[Flare] = []
    for rx in dict.fromkeys(in_force):
        weeks = {index for index, week_rx in enumerate(in_force) if week_rx is rx}
        found.extend(
            flare
            for flare in detect_flares(history.daily_pain, rx, until)
            if (flare.date - history.start).days // 7 in weeks
        )
    return sorted(found, key=Flare.order)


def _forget_future_clearance(alert: Alert, until: dt.date) -> Alert:
    if alert.cleared_on is not None and alert.cleared_on > until:
        return Alert(alert.date, alert.level, alert.reason, None)
    return alert
