"""The plan engine: the four-phase return-to-activity protocol, week by week (PROTOCOL.md 2-4).

The engine walks the plan weeks from the start date. At each week boundary it looks at the week
just ended and decides, in order of precedence: `step_back` after a flare, `paused` while an alert
is uncleared, `baseline` in phase 1, `hold` when last week missed its quota or raised an alert,
`maintain` at the weekly target, otherwise `progress`. Same-day pain never enters: the plan is
time-contingent. Every decision keeps the facts it rests on, put into words by `reasons`.

A clinician may change the prescription: each change takes effect from the first plan week
starting on or after its date (`PrescriptionChange`), and the weeks before it stay as planned.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping, Sequence

from pacewise.domain.levels import Quota, Why
from pacewise.domain.model import Alert, Decision, Flare, Kind
from pacewise.domain.plan_week import PlanWeek
from pacewise.domain.prescription import Prescription, PrescriptionChange

_EPS = 1e-9
_WEEK = 7


def next_week_start(start: dt.date, day: dt.date) -> dt.date:
    """The first day of the first plan week that begins after `day` (the start, before it)."""
    if day < start:
        return start
    return start + dt.timedelta(days=((day - start).days // _WEEK + 1) * _WEEK)


def baseline_quota(rx: Prescription) -> Quota:
    """Phase 1's level: the comfortable start (PROTOCOL.md 2)."""
    return Quota(rx.baseline_minutes, rx.sessions_per_week)


def next_quota(rx: Prescription, current: Quota) -> Quota:
    """One step of progression (PROTOCOL.md 2, rules 2-3).

    Weekly volume grows by the rate at most, and never past the reachable target. Growth goes
    into session length until sessions reach the cap (a step that would pass it lands on it);
    once there (or once sessions were added), the volume is spread over the fewest sessions
    that keep each at or below the cap, and the number of sessions never falls.
    """
    weekly = current.session_minutes * current.sessions_per_week
    goal = max(min(weekly * (1 + rx.progression_rate), rx.reachable_target_minutes), weekly)
    sessions = current.sessions_per_week
    if current.session_minutes >= rx.max_session_minutes - _EPS or sessions > rx.sessions_per_week:
        needed = math.ceil(goal / rx.max_session_minutes - _EPS)
        sessions = min(max(sessions, needed), rx.max_sessions_per_week)
    return Quota(min(goal / sessions, rx.max_session_minutes), sessions)


def step_back_quota(rx: Prescription, before: Quota, flare_week: Quota, severe: bool) -> Quota:
    """The level after a flare: the week before the flare's, never above the flare week's.

    A severe flare shortens sessions by `severe_flare_factor` (halves them by default), never
    below the floor (PROTOCOL.md 4).
    """
    level = before if before.weekly_minutes <= flare_week.weekly_minutes + _EPS else flare_week
    if severe:
        level = Quota(level.session_minutes * rx.severe_flare_factor, level.sessions_per_week)
    if level.session_minutes < rx.floor_minutes:
        level = Quota(rx.floor_minutes, level.sessions_per_week)
    return level


def carry_quota(before: Prescription, after: Prescription, level: Quota, week: int) -> Quota:
    """The level a new prescription starts from in plan week `week` (PROTOCOL.md is silent).

    In the new prescription's baseline weeks it is the new baseline: phase 1 is the comfortable
    start the clinician sets. After them the patient keeps the weekly volume they reached (never
    above the new reachable target), shaped by the new settings: the new number of sessions if
    it changed, enough sessions to keep each within the new cap, each at least the new floor.
    """
    if week <= after.baseline_weeks:
        return baseline_quota(after)
    weekly = min(level.weekly_minutes, after.reachable_target_minutes)
    sessions = level.sessions_per_week
    if after.sessions_per_week != before.sessions_per_week:
        sessions = after.sessions_per_week
    needed = math.ceil(weekly / after.max_session_minutes - _EPS)
    sessions = min(max(sessions, needed), after.max_sessions_per_week)
    minutes = level.session_minutes
    if sessions != level.sessions_per_week or weekly != level.weekly_minutes:
        minutes = weekly / sessions
    return Quota(min(max(minutes, after.floor_minutes), after.max_session_minutes), sessions)


def prescriptions_by_week(
    rx: Prescription, start: dt.date, count: int, changes: Iterable[PrescriptionChange] = ()
) -> list[Prescription]:
    """The prescription in force in each of `count` plan weeks.

    A change applies from the first week starting on or after its date; of two changes for the
    same week the later one given wins; a change to equal settings is no change.
    """
    first_weeks: dict[int, Prescription] = {}
    for change in sorted(changes, key=lambda change: change.effective):
        first_weeks[max(-(-(change.effective - start).days // _WEEK), 0)] = change.prescription
    in_force: list[Prescription] = []
    current = rx
    for index in range(count):
        new = first_weeks.get(index)
        if new is not None and new != current:
            current = new
        in_force.append(current)
    return in_force


def plan_weeks(
    rx: Prescription,
    start: dt.date,
    until: dt.date,
    daily_minutes: Mapping[dt.date, float],
    alerts: Sequence[Alert] = (),
    flares: Iterable[Flare] = (),
    acupuncture_window: Collection[dt.date] = frozenset(),
    changes: Sequence[PrescriptionChange] = (),
) -> list[PlanWeek]:
    """Every plan week that has begun by `until`, each with its decision and the facts behind it.

    `daily_minutes` are each day's activity minutes (see `activity.minutes_by_day`); `alerts`
    are triage alerts with their clearance dates; `flares` are reported and detected flares;
    `changes` are the clinician's later prescriptions (`rx` is the first).
    Records dated after `until` are ignored: the plan is what it was that day.
    """
    if until < start:
        return []
    count = (until - start).days // _WEEK + 1
    in_force = prescriptions_by_week(rx, start, count, changes)
    done = _minutes_by_week(start, until, count, daily_minutes)
    known_alerts = sorted((a for a in alerts if a.date <= until), key=Alert.order)
    first_raised = _first_by_week(start, count, known_alerts)
    first_open = _first_open_alert_by_week(start, count, known_alerts)
    flared: list[tuple[Flare, ...]] = [()] * count
    for flare in sorted(flares, key=Flare.order):
        index = _week_index(start, flare.date)
        if 0 <= index < count and flare.date <= until:
            flared[index] += (flare,)
    window = frozenset(acupuncture_window)
    kinds_cache: dict[tuple[int, int, int], tuple[Kind, ...]] = {}

    weeks: list[PlanWeek] = []
    earlier = quota = baseline_quota(in_force[0])
    for index in range(count):
        week = index + 1
        rx = in_force[index]
        if index == 0:
            why = Why(Decision.BASELINE, week, quota)
        else:
            asked = quota
            before_previous = weeks[-2].why.quota if index >= 2 else baseline_quota(in_force[0])
            # The level a step back returns to is reshaped by a new prescription like any other
            # (in week 2 it is week 1's baseline, under the first prescription).
            previous_rx = in_force[index - 2] if index >= 2 else in_force[0]
            if previous_rx is not rx:
                before_previous = carry_quota(previous_rx, rx, before_previous, week)
            earlier = current = asked
            changed = in_force[index - 1] is not rx
            if changed:
                earlier = current = carry_quota(in_force[index - 1], rx, asked, week)
            why = _decide(
                rx,
                week,
                asked,
                current,
                before_previous,
                done[index - 1],
                flared[index - 1],
                first_raised[index - 1],
                first_open[index],
            )
            if changed:
                why = why._replace(prescription_changed=True)
            quota = why.quota
        phase = rx.phase_of_week(week)
        key = (id(rx), phase, quota.sessions_per_week)
        kinds = kinds_cache.get(key)
        if kinds is None:
            kinds = kinds_cache[key] = _kinds_for_week(rx, phase, quota.sessions_per_week)
        weeks.append(
            PlanWeek(
                week,
                start + dt.timedelta(days=_WEEK * index),
                phase,
                quota.session_minutes,
                quota.sessions_per_week,
                why.decision,
                why,
                rx,
                done[index],
                kinds,
                _after_flare(rx, flared[index], earlier, quota) if flared[index] else (),
                window,
            )
        )
    return weeks


def _decide(
    rx: Prescription,
    week: int,
    asked: Quota,
    current: Quota,
    before_previous: Quota,
    done_last_week: float,
    last_week_flares: tuple[Flare, ...],
    last_week_alert: Alert | None,
    open_alert: Alert | None,
) -> Why:
    """The first rule that applies, in the protocol's order of precedence (PROTOCOL.md 2-4).

    `asked` is last week's level, against which its minutes are judged; `current` is the level
    this week builds on (the same, unless a new prescription reshaped it).
    """
    if last_week_flares:
        severe = any(flare.severe for flare in last_week_flares)
        level = step_back_quota(rx, before_previous, current, severe)
        return Why(Decision.STEP_BACK, week, level, asked, done_last_week, flares=last_week_flares)
    if open_alert is not None:
        return Why(Decision.PAUSED, week, current, asked, done_last_week, alert=open_alert)
    if week <= rx.baseline_weeks:
        return Why(Decision.BASELINE, week, current, asked, done_last_week)
    met = done_last_week >= rx.adherence_threshold * asked.weekly_minutes - _EPS
    if last_week_alert is not None or not met:
        return Why(Decision.HOLD, week, current, asked, done_last_week, met, last_week_alert)
    if current.weekly_minutes >= rx.reachable_target_minutes - _EPS:
        return Why(Decision.MAINTAIN, week, current, asked, done_last_week)
    return Why(Decision.PROGRESS, week, next_quota(rx, current), asked, done_last_week)


def _minutes_by_week(
    start: dt.date, until: dt.date, count: int, daily_minutes: Mapping[dt.date, float]
) -> list[float]:
    """Every activity minute logged in each plan week counts, whatever its day or kind."""
    parts: list[list[float]] = [[] for _ in range(count)]
    first, last = start.toordinal(), until.toordinal()
    for day, minutes in daily_minutes.items():
        ordinal = day.toordinal()
        if first <= ordinal <= last:
            parts[(ordinal - first) // _WEEK].append(minutes)
    return [math.fsum(minutes) for minutes in parts]


def _first_by_week(start: dt.date, count: int, alerts: Sequence[Alert]) -> list[Alert | None]:
    """The first alert raised in each week, if any (alerts in date order)."""
    first: list[Alert | None] = [None] * count
    for alert in alerts:
        index = _week_index(start, alert.date)
        if 0 <= index < count and first[index] is None:
            first[index] = alert
    return first


def _first_open_alert_by_week(
    start: dt.date, count: int, alerts: Sequence[Alert]
) -> list[Alert | None]:
    """For each week, the oldest alert still uncleared on its first day, if any.

    An alert is open on a week's first day when raised before it and not cleared by it.
    """
    first_open: list[Alert | None] = [None] * count
    for alert in alerts:
        opens = max(_week_index(start, alert.date) + 1, 0)
        if alert.cleared_on is None:
            closes = count
        else:
            closes = min(count, -(-(alert.cleared_on - start).days // _WEEK))
        for index in range(opens, closes):
            if first_open[index] is None:
                first_open[index] = alert
    return first_open


def _after_flare(
    rx: Prescription, flares: Sequence[Flare], reference: Quota, quota: Quota
) -> tuple[tuple[dt.date, float], ...]:
    """Sessions after a flare day drop to the step-back level at once (PROTOCOL.md 4).

    `reference` is the level of the week before this one; a severe flare shortens it.
    """
    drops: list[tuple[dt.date, float]] = []
    severe = False
    for flare in flares:
        severe = severe or flare.severe
        drops.append((flare.date, step_back_quota(rx, reference, quota, severe).session_minutes))
    return tuple(drops)


def _kinds_for_week(rx: Prescription, phase: int, count: int) -> tuple[Kind, ...]:
    """One comfortable kind in phases 1-2; from phase 3, at least one of each variety kind.

    Variety sessions are spread between the aerobic ones; from phase 4 the aerobic sessions
    are the patient's preferred activity (PROTOCOL.md 2).
    """
    if phase < 3:
        return (rx.main_kind,) * count
    aerobic = rx.main_kind if phase == 3 else rx.phase4_kind
    variety = list(rx.variety_kinds[: max(count - 1, 0)])
    aerobic_left = count - len(variety)
    kinds: list[Kind] = []
    while aerobic_left or variety:
        if aerobic_left:
            kinds.append(aerobic)
            aerobic_left -= 1
        if variety:
            kinds.append(variety.pop(0))
    return tuple(kinds)


def _week_index(start: dt.date, day: dt.date) -> int:
    return (day.toordinal() - start.toordinal()) // _WEEK
