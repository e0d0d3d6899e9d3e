"""Every plan decision in plain words, with its numbers and dates (PROTOCOL.md: "the engine must
explain every decision it makes in words a patient understands").

Words are made from the decision's facts (`Why`) only when someone reads them, so recomputing
plans stays cheap; the same facts always give the same words.
"""

from __future__ import annotations

from pacewise.domain.levels import Quota, Why
from pacewise.domain.model import Decision, FlareSource
from pacewise.domain.prescription import Prescription
from pacewise.domain.wording import day_words, kind_words, percent_words, shown_minutes

_EPS = 1e-9


def explain(why: Why, rx: Prescription) -> str:
    """The reason for one week's plan, then what changes if a new phase begins that week."""
    match why.decision:
        case Decision.STEP_BACK:
            reason = _step_back(why, rx)
        case Decision.PAUSED:
            reason = _paused(why)
        case Decision.BASELINE:
            reason = _baseline(why, rx)
        case Decision.HOLD:
            reason = _hold(why, rx)
        case Decision.MAINTAIN:
            reason = _maintain(why, rx)
        case Decision.PROGRESS:
            reason = _progress(why, rx)
    changed = (
        " Your clinician changed your prescription, so this week follows the new settings."
        if why.prescription_changed
        else ""
    )
    return reason + changed + _phase_news(rx, why.week)


def _step_back(why: Why, rx: Prescription) -> str:
    flare = why.flares[0]
    how = (
        f"you reported a flare on {day_words(flare.date)}"
        if flare.source is FlareSource.REPORTED
        else f"your daily pain ratings showed a flare from {day_words(flare.date)}"
    )
    target = (
        "the baseline level"
        if why.week - 1 <= rx.baseline_weeks
        else "the level of the week before it"
    )
    reason = f"Stepped back to {why.quota.words()}: {how}, so this week returns to {target}"
    if any(f.severe for f in why.flares):
        reason += (
            f", with shorter sessions as the flare was severe "
            f"(never below {shown_minutes(rx.floor_minutes)} min)"
        )
    return reason + ". Keep moving gently: light activity helps more than rest."


def _paused(why: Why) -> str:
    raised = f" of {day_words(why.alert.date)}" if why.alert is not None else ""
    return (
        f"Paused at {why.quota.words()}: your check-in{raised} needs your clinician's review. "
        f"Keep up light activity at this level; the plan moves on once they have cleared it."
    )


def _baseline(why: Why, rx: Prescription) -> str:
    return (
        f"Week {why.week} of {rx.baseline_weeks} building the habit: {why.quota.words()}, "
        f"at the same times of day. No increase yet: a steady, comfortable start is the goal."
    )


def _hold(why: Why, rx: Prescription) -> str:
    parts: list[str] = []
    if why.alert is not None:
        alert = why.alert
        cleared = f", cleared on {day_words(alert.cleared_on)}" if alert.cleared_on else ""
        parts.append(f"a check-in on {day_words(alert.date)} asked for a review{cleared}")
    if not why.quota_met and why.previous is not None:
        parts.append(
            f"last week you logged {shown_minutes(why.done_minutes)} of "
            f"{shown_minutes(why.previous.weekly_minutes)} planned minutes, and the plan moves "
            f"up after a week of at least {percent_words(rx.adherence_threshold)}"
        )
    return (
        f"Held at {why.quota.words()}: {' and '.join(parts)}. Repeating a level until it feels "
        f"steady is part of pacing."
    )


def _maintain(why: Why, rx: Prescription) -> str:
    if rx.reachable_target_minutes < rx.weekly_target_minutes - _EPS:
        goal = "the most your session caps allow"
    else:
        goal = f"your weekly target of {shown_minutes(rx.weekly_target_minutes)} min"
    return f"Keeping {why.quota.words()}: you have reached {goal}. Keep it steady."


def _progress(why: Why, rx: Prescription) -> str:
    current: Quota = why.previous or why.quota
    grown = why.quota
    growth = grown.weekly_minutes / current.weekly_minutes - 1
    reason = (
        f"Up {percent_words(growth)} to {grown.words()}: last week you did "
        f"{shown_minutes(why.done_minutes)} of {shown_minutes(current.weekly_minutes)} "
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
    """What changes when a new phase begins (PROTOCOL.md 2)."""
    if week == rx.baseline_weeks + 1:
        return " Phase 2 begins: slow, steady growth, consistency before intensity."
    if week == rx.consolidation_from_week:
        variety = " and ".join(kind_words(kind) for kind in rx.variety_kinds)
        return f" Phase 3 begins: the week now mixes in {variety} sessions."
    if week == rx.maintenance_from_week:
        if rx.preferred_kind is not None:
            activity = kind_words(rx.preferred_kind)
            return f" Phase 4 begins: your preferred activity, {activity}, comes in."
        return (
            " Phase 4 begins: time to bring in an activity you enjoy and set goals"
            " for everyday tasks with your clinician."
        )
    return ""
