"""The plan engine: the four-phase return-to-activity protocol, week by week (PROTOCOL.md 2-4).

The engine walks the plan weeks from the start date. At each week boundary it looks at the week
just ended and decides, in order of precedence: `step_back` after a flare, `paused` while an alert
is uncleared, `baseline` in phase 1, `hold` when last week missed its quota or raised an alert,
`maintain` at the weekly target, otherwise `progress`. Same-day pain never enters: the plan is
time-contingent. Every decision carries its reason in plain words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from pacewise.domain.model import (
    Alert,
    Decision,
    Flare,
    FlareSource,
    Kind,
    PlannedSession,
    PlanWeek,
    Session,
)
from pacewise.domain.prescription import Prescription
from pacewise.domain.wording import day_words, percent_words, shown_minutes

_EPS = 1e-9
_WEEK = 7


@dataclass(frozen=True, slots=True)
class Quota:
    """A level of the plan: minutes per session and sessions per week (exact minutes)."""

    session_minutes: float
    sessions_per_week: int

    @property
    def weekly_minutes(self) -> float:
        return self.session_minutes * self.sessions_per_week

    def words(self) -> str:
        """'3 sessions of 6 min (17 min a week)': rounded only here, for reading."""
        count = self.sessions_per_week
        sessions = "1 session" if count == 1 else f"{count} sessions"
        return (
            f"{sessions} of {shown_minutes(self.session_minutes)} min "
            f"({shown_minutes(self.weekly_minutes)} min a week)"
        )


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
    goal = min(current.weekly_minutes * (1 + rx.progression_rate), rx.reachable_target_minutes)
    goal = max(goal, current.weekly_minutes)
    sessions = current.sessions_per_week
    spreading = (
        current.session_minutes >= rx.max_session_minutes - _EPS or sessions > rx.sessions_per_week
    )
    if spreading:
        needed = math.ceil(goal / rx.max_session_minutes - _EPS)
        sessions = min(max(sessions, needed), rx.max_sessions_per_week)
    return Quota(min(goal / sessions, rx.max_session_minutes), sessions)


def step_back_quota(rx: Prescription, before: Quota, flare_week: Quota, severe: bool) -> Quota:
    """The level after a flare: the week before the flare's, never above the flare week's.

    A severe flare halves the session length (by `severe_flare_factor`), never below the floor
    (PROTOCOL.md 4).
    """
    level = before if before.weekly_minutes <= flare_week.weekly_minutes + _EPS else flare_week
    if severe:
        level = Quota(level.session_minutes * rx.severe_flare_factor, level.sessions_per_week)
    if level.session_minutes < rx.floor_minutes:
        level = Quota(rx.floor_minutes, level.sessions_per_week)
    return level


def plan_weeks(
    rx: Prescription,
    start: dt.date,
    until: dt.date,
    sessions: Iterable[Session] = (),
    alerts: Sequence[Alert] = (),
    flares: Iterable[Flare] = (),
    acupuncture_window: Collection[dt.date] = frozenset(),
) -> list[PlanWeek]:
    """Every plan week that has begun by `until`, each with its decision and reason.

    `alerts` are triage alerts with their clearance dates; `flares` are reported and detected
    flares together. Records dated after `until` are ignored: the plan is what it was that day.
    """
    if until < start:
        return []
    count = (until - start).days // _WEEK + 1
    done = [0.0] * count
    for session in sessions:
        index = _week_index(start, session.date)
        if 0 <= index < count and session.date <= until:
            done[index] += session.minutes
    raised: list[list[Alert]] = [[] for _ in range(count)]
    for alert in alerts:
        index = _week_index(start, alert.date)
        if 0 <= index < count and alert.date <= until:
            raised[index].append(alert)
    flared: list[list[Flare]] = [[] for _ in range(count)]
    for flare in sorted(flares, key=lambda flare: flare.date):
        index = _week_index(start, flare.date)
        if 0 <= index < count and flare.date <= until:
            flared[index].append(flare)
    known_alerts = [alert for alert in alerts if alert.date <= until]

    weeks: list[PlanWeek] = []
    quotas: list[Quota] = []
    for index in range(count):
        week_start = start + dt.timedelta(days=_WEEK * index)
        context = _WeekContext(
            rx=rx,
            week=index + 1,
            start=week_start,
            previous=weeks[-1] if weeks else None,
            before_previous=quotas[-2] if len(quotas) >= 2 else baseline_quota(rx),
            previous_flares=flared[index - 1] if index else [],
            previous_alerts=raised[index - 1] if index else [],
            open_alerts=[
                a for a in known_alerts if a.is_uncleared_on(week_start) and a.date <= until
            ],
        )
        decision, quota, reason = _decide(context)
        reason += _phase_news(rx, index + 1)
        planned = _planned_sessions(
            rx, index + 1, week_start, quota, quotas[-1] if quotas else quota, flared[index]
        )
        planned = _mark_window(planned, acupuncture_window)
        weeks.append(
            PlanWeek(
                week=index + 1,
                start=week_start,
                phase=rx.phase_of_week(index + 1),
                session_minutes=quota.session_minutes,
                sessions_per_week=quota.sessions_per_week,
                decision=decision,
                reason=reason,
                planned=planned,
                done_minutes=done[index],
            )
        )
        quotas.append(quota)
    return weeks


@dataclass(frozen=True, slots=True)
class _WeekContext:
    """What the decision for one week may look at: only the past (PROTOCOL.md 2)."""

    rx: Prescription
    week: int
    start: dt.date
    previous: PlanWeek | None
    before_previous: Quota
    previous_flares: list[Flare]
    previous_alerts: list[Alert]
    open_alerts: list[Alert]


def _decide(ctx: _WeekContext) -> tuple[Decision, Quota, str]:
    """The first rule that applies, in the protocol's order of precedence."""
    rx, previous = ctx.rx, ctx.previous
    if previous is None:
        quota = baseline_quota(rx)
        return Decision.BASELINE, quota, _baseline_reason(rx, ctx.week, quota)
    current = Quota(previous.session_minutes, previous.sessions_per_week)
    if ctx.previous_flares:
        return _step_back(ctx, current)
    if ctx.open_alerts:
        alert = ctx.open_alerts[0]
        return (
            Decision.PAUSED,
            current,
            f"Paused at {current.words()}: your check-in of {day_words(alert.date)} "
            f"needs your clinician's review. Keep up light activity at this level; the plan "
            f"moves on once they have cleared it.",
        )
    if ctx.week <= rx.baseline_weeks:
        return Decision.BASELINE, current, _baseline_reason(rx, ctx.week, current)
    planned = previous.weekly_minutes
    met = previous.done_minutes >= rx.adherence_threshold * planned - _EPS
    if ctx.previous_alerts or not met:
        return Decision.HOLD, current, _hold_reason(ctx, current, met)
    if current.weekly_minutes >= rx.reachable_target_minutes - _EPS:
        return Decision.MAINTAIN, current, _maintain_reason(rx, current)
    grown = next_quota(rx, current)
    return Decision.PROGRESS, grown, _progress_reason(ctx, current, grown)


def _step_back(ctx: _WeekContext, current: Quota) -> tuple[Decision, Quota, str]:
    rx, flare = ctx.rx, ctx.previous_flares[0]
    severe = any(f.severe for f in ctx.previous_flares)
    quota = step_back_quota(rx, ctx.before_previous, current, severe)
    how = (
        f"you reported a flare on {day_words(flare.date)}"
        if flare.source is FlareSource.REPORTED
        else f"your daily pain ratings showed a flare from {day_words(flare.date)}"
    )
    flare_week = ctx.week - 1
    target = (
        "the baseline level"
        if flare_week <= rx.baseline_weeks
        else "the level of the week before it"
    )
    reason = f"Stepped back to {quota.words()}: {how}, so this week returns to {target}"
    if severe:
        reason += (
            f", with sessions halved as the flare was severe "
            f"(never below {shown_minutes(rx.floor_minutes)} min)"
        )
    return (
        Decision.STEP_BACK,
        quota,
        reason + ". Keep moving gently: light activity helps more than rest.",
    )


def _baseline_reason(rx: Prescription, week: int, quota: Quota) -> str:
    return (
        f"Week {week} of {rx.baseline_weeks} building the habit: {quota.words()}, "
        f"at the same times of day. No increase yet: a steady, comfortable start is the goal."
    )


def _hold_reason(ctx: _WeekContext, current: Quota, met: bool) -> str:
    rx = ctx.rx
    parts: list[str] = []
    if ctx.previous_alerts:
        alert = ctx.previous_alerts[0]
        cleared = (
            f", cleared on {day_words(alert.cleared_on)}" if alert.cleared_on is not None else ""
        )
        parts.append(f"a check-in on {day_words(alert.date)} asked for a review{cleared}")
    if not met and ctx.previous is not None:
        parts.append(
            f"last week you logged {shown_minutes(ctx.previous.done_minutes)} of "
            f"{shown_minutes(ctx.previous.weekly_minutes)} planned minutes, and the plan moves "
            f"up after a week of at least {percent_words(rx.adherence_threshold)}"
        )
    return (
        f"Held at {current.words()}: {' and '.join(parts)}. Repeating a level until it feels "
        f"steady is part of pacing."
    )


def _maintain_reason(rx: Prescription, current: Quota) -> str:
    if rx.reachable_target_minutes < rx.weekly_target_minutes - _EPS:
        goal = "the most your session caps allow"
    else:
        goal = f"your weekly target of {shown_minutes(rx.weekly_target_minutes)} min"
    return f"Keeping {current.words()}: you have reached {goal}. Keep it steady."


def _progress_reason(ctx: _WeekContext, current: Quota, grown: Quota) -> str:
    rx, previous = ctx.rx, ctx.previous
    assert previous is not None
    growth = grown.weekly_minutes / current.weekly_minutes - 1
    reason = (
        f"Up {percent_words(growth)} to {grown.words()}: last week you did "
        f"{shown_minutes(previous.done_minutes)} of {shown_minutes(previous.weekly_minutes)} "
        f"planned minutes, with no flare and no alert."
    )
    cap = shown_minutes(rx.max_session_minutes)
    if grown.sessions_per_week > current.sessions_per_week:
        reason += f" Sessions are at the {cap}-min cap, so the extra time becomes another session."
    elif grown.session_minutes >= rx.max_session_minutes - _EPS > current.session_minutes:
        reason += f" Sessions now reach the {cap}-min cap."
    if grown.weekly_minutes >= rx.reachable_target_minutes - _EPS:
        reason += " This reaches your weekly target, which now holds."
    return reason


def _phase_news(rx: Prescription, week: int) -> str:
    """What changes when a new phase begins (PROTOCOL.md 2), added to that week's reason."""
    if week == rx.baseline_weeks + 1:
        return " Phase 2 begins: slow, steady growth, consistency before intensity."
    if week == rx.consolidation_from_week:
        variety = " and ".join(kind.value.replace("_", " ") for kind in rx.variety_kinds)
        return f" Phase 3 begins: the week now mixes in {variety} sessions."
    if week == rx.maintenance_from_week:
        if rx.preferred_kind is not None:
            activity = rx.preferred_kind.value.replace("_", " ")
            return f" Phase 4 begins: your preferred activity, {activity}, comes in."
        return (
            " Phase 4 begins: time to bring in an activity you enjoy and set goals"
            " for everyday tasks with your clinician."
        )
    return ""


def _planned_sessions(
    rx: Prescription,
    week: int,
    week_start: dt.date,
    quota: Quota,
    flare_reference: Quota,
    flares_this_week: list[Flare],
) -> tuple[PlannedSession, ...]:
    """The week's sessions spread evenly over its days, at the prescription's times.

    After a flare inside the week, the sessions left drop to the step-back level at once
    (PROTOCOL.md 4); `flare_reference` is the level of the week before this one.
    """
    count = quota.sessions_per_week
    kinds = _kinds_for_week(rx, rx.phase_of_week(week), count)
    planned: list[PlannedSession] = []
    slot_on_day: dict[int, int] = {}
    for position in range(count):
        offset = position * _WEEK // count
        slot = slot_on_day.get(offset, 0)
        slot_on_day[offset] = slot + 1
        day = week_start + dt.timedelta(days=offset)
        minutes = quota.session_minutes
        earlier = [flare for flare in flares_this_week if flare.date < day]
        if earlier:
            severe = any(flare.severe for flare in earlier)
            minutes = min(
                minutes, step_back_quota(rx, flare_reference, quota, severe).session_minutes
            )
        planned.append(PlannedSession(day, rx.session_times[slot], kinds[position], minutes))
    return tuple(planned)


def _kinds_for_week(rx: Prescription, phase: int, count: int) -> list[Kind]:
    """One comfortable kind in phases 1-2; from phase 3, at least one of each variety kind.

    Variety sessions are spread between the aerobic ones; from phase 4 the aerobic sessions
    are the patient's preferred activity (PROTOCOL.md 2).
    """
    if phase < 3:
        return [rx.main_kind] * count
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
    return kinds


def _mark_window(
    planned: tuple[PlannedSession, ...], window: Collection[dt.date]
) -> tuple[PlannedSession, ...]:
    if not window:
        return planned
    return tuple(
        PlannedSession(p.date, p.time, p.kind, p.minutes, in_acupuncture_window=p.date in window)
        for p in planned
    )


def _week_index(start: dt.date, day: dt.date) -> int:
    return (day - start).days // _WEEK
