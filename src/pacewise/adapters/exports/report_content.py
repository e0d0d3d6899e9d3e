"""What a visit report says, as plain values: built from the engine's results, never recomputed.

The clinician decides in a ten-minute visit (issue 7), so the report puts the plan's facts, the
week-by-week record and the questionnaires' changes on two pages. This module only selects and
words what the domain computed (plan weeks, week summaries, flares, boom and bust, scoring's
meaningful-change rules); `report_charts` draws it and `pdf_report` lays it out. Being pure, it is
tested without making a PDF.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pacewise.domain import Decision, History, Prescription, ProtocolResult
from pacewise.domain.activity import minutes_by_day
from pacewise.domain.scoring import (
    peg_change,
    psfs_change,
    score_peg,
    score_pgic,
    score_psfs,
    score_tsk11,
    tsk11_change,
)
from pacewise.domain.summaries import WeekSummary
from pacewise.domain.triage import triage
from pacewise.domain.wording import day_words, kind_words, shown_minutes

PHASE_NAMES = {1: "baseline", 2: "slow progression", 3: "consolidation", 4: "maintenance"}
"""The four phases in PROTOCOL.md 2's words."""

INSTRUMENT_TITLES = {
    "PEG": "PEG (pain, enjoyment, general activity; 0-10, lower is better)",
    "PSFS": "Patient-Specific Functional Scale (mean, 0-10, higher is better)",
    "TSK11": "TSK-11 fear of movement (11-44, lower is better)",
    "PGIC": "Patient Global Impression of Change (1-7)",
}
NO_THRESHOLD = "no threshold stated"
"""What the report says where MEASURES.md states no meaningful-change threshold."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class AlertEntry:
    """A stored alert with its outcome (the clinician's clearance and note), as the store has it."""

    raised_on: dt.date
    level: str
    reason: str
    cleared_on: dt.date | None
    clear_note: str


@dataclass(frozen=True, slots=True)
class AnswerEntry:
    """One stored questionnaire answer, in the API's format."""

    instrument: str
    answered_on: dt.date
    answers: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """Everything the report is built from: the patient, the period and the engine's results."""

    patient_name: str
    patient_email: str
    start: dt.date
    end: dt.date
    history: History
    result: ProtocolResult
    summaries: Sequence[WeekSummary]
    alerts: Sequence[AlertEntry]
    answers: Sequence[AnswerEntry]


@dataclass(frozen=True, slots=True)
class WeekRow:
    week: int
    start: dt.date
    phase: int
    planned_minutes: int
    done_minutes: int
    decision: Decision
    complete: bool

    @property
    def mark(self) -> str:
        """How the chart and the table name a week that did not progress as usual."""
        if self.decision is Decision.STEP_BACK:
            return "step back"
        if self.decision is Decision.PAUSED:
            return "paused"
        return ""


@dataclass(frozen=True, slots=True)
class MonthRow:
    """Acupuncture visits and activity in one calendar month (PROTOCOL.md 6)."""

    label: str
    visits: int
    activity_minutes: int
    pain_average: float | None


@dataclass(frozen=True, slots=True)
class ScoreRow:
    instrument: str
    title: str
    first_on: dt.date
    first: str
    last_on: dt.date
    last: str
    change: str
    verdict: str


@dataclass(frozen=True, slots=True)
class GoalRow:
    """One PSFS activity: its rating at the first and the latest answer in the period."""

    activity: str
    then: int | None
    now: int | None


@dataclass(frozen=True, slots=True)
class ReportContent:
    title: str
    patient: str
    start: dt.date
    end: dt.date
    condition: str
    phase: str
    prescription: tuple[str, ...]
    plan_reason: str
    glance: tuple[str, ...]
    weeks: tuple[WeekRow, ...]
    daily_pain: tuple[tuple[dt.date, int], ...]
    flares: tuple[dt.date, ...]
    visits: tuple[dt.date, ...]
    peg: tuple[tuple[dt.date, float], ...]
    months: tuple[MonthRow, ...]
    relief: str
    checkins: str
    alerts: tuple[str, ...]
    boom_bust: tuple[str, ...]
    scores: tuple[ScoreRow, ...]
    goals: tuple[GoalRow, ...]
    goals_dates: tuple[dt.date, dt.date] | None

    @property
    def empty(self) -> bool:
        """True when nothing at all was recorded in the period."""
        return not (
            any(w.done_minutes for w in self.weeks)
            or self.daily_pain
            or self.visits
            or self.peg
            or self.alerts
            or self.scores
        )


def period_words(start: dt.date, end: dt.date) -> str:
    return f"{day_words(start)} {start.year} to {day_words(end)} {end.year}"


def build_report(inputs: ReportInputs) -> ReportContent:
    """The report's content for `inputs.start`..`inputs.end` (the replay runs up to `end`)."""
    start, end = inputs.start, inputs.end
    history, result = inputs.history, inputs.result
    current = result.current_week
    rx = current.prescription if current else history.prescription
    weeks = tuple(
        WeekRow(
            week=s.week.week,
            start=s.week.start,
            phase=s.week.phase,
            planned_minutes=shown_minutes(s.planned_minutes),
            done_minutes=shown_minutes(s.done_minutes),
            decision=s.week.decision,
            complete=s.complete,
        )
        for s in inputs.summaries
        if s.week.end >= start and s.week.start <= end
    )
    daily_pain = tuple(sorted((d, p) for d, p in history.daily_pain.items() if start <= d <= end))
    visits = tuple(sorted(v.date for v in history.acupuncture if start <= v.date <= end))
    peg = tuple(
        (
            a.answered_on,
            score_peg(a.answers["pain"], a.answers["enjoyment"], a.answers["activity"]).score,
        )
        for a in inputs.answers
        if a.instrument == "PEG" and start <= a.answered_on <= end
    )
    alerts = [a for a in inputs.alerts if start <= a.raised_on <= end]
    open_alerts = [a for a in inputs.alerts if a.raised_on <= end and _open_on(a, end)]
    answers = [a for a in inputs.answers if start <= a.answered_on <= end]
    goals, goals_dates = _goals(answers)
    return ReportContent(
        title=f"Visit report: {inputs.patient_name or inputs.patient_email}",
        patient=_patient_words(inputs.patient_name, inputs.patient_email),
        start=start,
        end=end,
        condition=rx.condition.value.replace("_", " "),
        phase=_phase_words(current.week, current.phase) if current else "not started",
        prescription=_prescription_lines(result),
        plan_reason=current.reason if current else "",
        glance=_glance(weeks, peg, open_alerts, visits, result, start, end),
        weeks=weeks,
        daily_pain=daily_pain,
        flares=tuple(sorted(f.date for f in result.flares if start <= f.date <= end)),
        visits=visits,
        peg=peg,
        months=(months := _months(history, start, end)),
        relief=_relief_words(months),
        checkins=_checkin_words(history, rx, start, end),
        alerts=tuple(_alert_words(a) for a in alerts),
        boom_bust=_boom_bust_words(result, start, end),
        scores=tuple(_scores(answers)),
        goals=goals,
        goals_dates=goals_dates,
    )


def _patient_words(name: str, email: str) -> str:
    return f"{name} ({email})" if name else email


def _phase_words(week: int, phase: int) -> str:
    return f"phase {phase}, {PHASE_NAMES.get(phase, '')} (plan week {week})"


def _prescription_lines(result: ProtocolResult) -> tuple[str, ...]:
    """The prescription in force and what the plan asks this week, in the engine's numbers."""
    week = result.current_week
    if week is None:
        return ()
    rx = week.prescription
    times = ", ".join(t.strftime("%H:%M") for t in rx.session_times)
    kinds = ", ".join(f"{count} {kind_words(kind)}" for kind, count in week.kinds.items())
    return (
        f"This week: {week.sessions_per_week} sessions of {shown_minutes(week.session_minutes)} "
        f"min ({shown_minutes(week.weekly_minutes)} min a week): {kinds}; at {times}.",
        f"Main activity {kind_words(rx.main_kind)}; progression {rx.progression_rate * 100:g} % "
        f"a week when at least {rx.adherence_threshold * 100:g} % of the week is done; sessions "
        f"up to {shown_minutes(rx.max_session_minutes)} min, at most "
        f"{rx.max_sessions_per_week} a week; weekly target "
        f"{shown_minutes(rx.weekly_target_minutes)} min.",
    )


def _open_on(alert: AlertEntry, day: dt.date) -> bool:
    return alert.cleared_on is None or alert.cleared_on > day


def _glance(
    weeks: Sequence[WeekRow],
    peg: Sequence[tuple[dt.date, float]],
    open_alerts: Sequence[AlertEntry],
    visits: Sequence[dt.date],
    result: ProtocolResult,
    start: dt.date,
    end: dt.date,
) -> tuple[str, ...]:
    """The few numbers a clinician reads first."""
    lines = []
    complete = [w for w in weeks if w.complete]
    if complete:
        last = complete[-1]
        lines.append(
            f"Last complete week (week {last.week}): {last.done_minutes} of "
            f"{last.planned_minutes} planned minutes done."
        )
    if peg:
        first_on, first = peg[0]
        last_on, latest = peg[-1]
        if len(peg) > 1:
            lines.append(
                f"PEG {latest:.1f} on {day_words(last_on)} (was {first:.1f} on "
                f"{day_words(first_on)}; change {latest - first:+.1f})."
            )
        else:
            lines.append(f"PEG {latest:.1f} on {day_words(last_on)}.")
    lines.append(f"Uncleared alerts: {len(open_alerts)}.")
    flares = sum(start <= f.date <= end for f in result.flares)
    lines.append(f"Acupuncture visits in the period: {len(visits)}. Flares: {flares}.")
    return tuple(lines)


def _months(history: History, start: dt.date, end: dt.date) -> tuple[MonthRow, ...]:
    """Visits, activity minutes and average daily pain for each month the period touches."""
    daily = minutes_by_day(history.sessions, history.daily_activity, start, end)
    rows = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        first, last = max(month, start), min(following - dt.timedelta(days=1), end)
        pain = [p for d, p in history.daily_pain.items() if first <= d <= last]
        rows.append(
            MonthRow(
                label=f"{_MONTHS[month.month - 1]} {month.year}",
                visits=sum(first <= v.date <= last for v in history.acupuncture),
                activity_minutes=shown_minutes(
                    math.fsum(m for d, m in daily.items() if first <= d <= last)
                ),
                pain_average=math.fsum(pain) / len(pain) if pain else None,
            )
        )
        month = following
    return tuple(rows)


def _relief_words(months: Sequence[MonthRow]) -> str:
    """The month chart's question in words: do visits fall while activity keeps up?"""
    if len(months) < 2 or not any(m.visits for m in months):
        return ""
    first, last = months[0], months[-1]
    return (
        f"Acupuncture visits {first.visits} in {first.label} and {last.visits} in {last.label}; "
        f"activity {first.activity_minutes} and {last.activity_minutes} minutes "
        "(the first and last months may be partial). The aim: activity keeps up the relief "
        "while visits become less frequent (PROTOCOL.md 6)."
    )


def _checkin_words(history: History, rx: Prescription, start: dt.date, end: dt.date) -> str:
    """How the session check-ins of the period came out (PROTOCOL.md 3, by the triage rules)."""
    levels: dict[str, int] = {"CONTINUE": 0, "ASSESS": 0, "STOP": 0}
    for session in history.sessions:
        if start <= session.date <= end and session.checkin:
            level = triage(session.checkin, session.pain_before, session.pain_after, rx).level
            levels[level.value] += 1
    total = sum(levels.values())
    if not total:
        return "No session check-ins in this period."
    return (
        f"{total} session check-ins: {levels['CONTINUE']} fine to continue, "
        f"{levels['ASSESS']} asked for the physician's review, {levels['STOP']} said stop."
    )


def _alert_words(alert: AlertEntry) -> str:
    outcome = (
        f"cleared {day_words(alert.cleared_on)}"
        + (f": {alert.clear_note.rstrip('. ')}" if alert.clear_note else "")
        if alert.cleared_on
        else "NOT YET CLEARED"
    )
    raised = f"{day_words(alert.raised_on)} {alert.raised_on.year}"
    return f"{raised}, {alert.level}: {alert.reason} Outcome: {outcome}."


def _boom_bust_words(result: ProtocolResult, start: dt.date, end: dt.date) -> tuple[str, ...]:
    """The engine's boom-and-bust finding over its window ending on `end` (PROTOCOL.md 5)."""
    found = result.boom_bust
    window = f"{day_words(found.start)} to {day_words(found.end)}"
    if not result.weeks:
        return ("No plan weeks in this period.",)
    lines = []
    if found.flagged:
        pairs = "; ".join(f"{day_words(b)} then {day_words(u)}" for b, u in found.busts)
        lines.append(f"Boom and bust flagged ({window}): big days followed by low days: {pairs}.")
    else:
        lines.append(f"No boom-and-bust pattern ({window}).")
    lines.append(f"Day-to-day variation of minutes (coefficient of variation): {found.cv:.2f}.")
    if found.pain_led is True:
        lines.append("Activity looks pain-led: more on low-pain days, less on high-pain days.")
    elif found.pain_led is False:
        lines.append("Activity looks plan-led, not pain-led.")
    else:
        lines.append("Too few pain ratings to say whether activity follows pain.")
    return tuple(lines)


def _scores(answers: Sequence[AnswerEntry]) -> list[ScoreRow]:
    """Each instrument's first and latest answer in the period, and whether the change passes
    the instrument's meaningful-change threshold (MEASURES.md, through `scoring`)."""
    rows = []
    for instrument in ("PEG", "PSFS", "TSK11", "PGIC"):
        mine = [a for a in answers if a.instrument == instrument]
        if not mine:
            continue
        first, last = mine[0], mine[-1]
        shown_first, shown_last, change, verdict = _score_change(instrument, first, last)
        rows.append(
            ScoreRow(
                instrument=instrument,
                title=INSTRUMENT_TITLES[instrument],
                first_on=first.answered_on,
                first=shown_first,
                last_on=last.answered_on,
                last=shown_last,
                change=change,
                verdict=verdict if len(mine) > 1 or instrument == "PGIC" else "one answer only",
            )
        )
    return rows


def _score_change(
    instrument: str, first: AnswerEntry, last: AnswerEntry
) -> tuple[str, str, str, str]:
    a, b = first.answers, last.answers
    if instrument == "PEG":
        before, after = (score_peg(x["pain"], x["enjoyment"], x["activity"]) for x in (a, b))
        change = peg_change(before, after)
        return before.shown, after.shown, f"{change.difference:+.1f}", _verdict(change)
    if instrument == "PSFS":
        p_before = score_psfs([(e["activity"], e["rating"]) for e in a["activities"]])
        p_after = score_psfs([(e["activity"], e["rating"]) for e in b["activities"]])
        mean = psfs_change(p_before, p_after).mean
        return p_before.shown, p_after.shown, f"{mean.difference:+.1f}", _verdict(mean)
    if instrument == "TSK11":
        t_before, t_after = score_tsk11(a["items"]), score_tsk11(b["items"])
        change = tsk11_change(t_before, t_after)
        return (
            str(t_before.total),
            str(t_after.total),
            f"{change.difference:+.0f}",
            _verdict(change),
        )
    g_before, g_after = score_pgic(a["rating"]), score_pgic(b["rating"])
    verdict = "responder (6 or more)" if g_after.responder else "below the responder line of 6"
    return str(g_before.rating), str(g_after.rating), "(itself a change)", verdict


def _verdict(change: Any) -> str:
    if change.difference == 0:
        return "no change"
    direction = "improvement" if change.improved else "worsening"
    if change.meaningful:
        return f"meaningful {direction}"
    return f"{direction}, below the meaningful-change threshold"


def _goals(
    answers: Sequence[AnswerEntry],
) -> tuple[tuple[GoalRow, ...], tuple[dt.date, dt.date] | None]:
    """Each PSFS activity rated at the period's first and latest answer (then and now)."""
    psfs = [a for a in answers if a.instrument == "PSFS"]
    if not psfs:
        return (), None
    first, last = psfs[0], psfs[-1]
    then = score_psfs([(e["activity"], e["rating"]) for e in first.answers["activities"]])
    now = score_psfs([(e["activity"], e["rating"]) for e in last.answers["activities"]])
    rows = [GoalRow(e.activity, e.rating, now.rating_of(e.activity)) for e in then.ratings]
    rows += [
        GoalRow(e.activity, None, e.rating)
        for e in now.ratings
        if then.rating_of(e.activity) is None
    ]
    return tuple(rows), (first.answered_on, last.answered_on)
