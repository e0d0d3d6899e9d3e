"""Rules of PROTOCOL.md 2-4 that must hold for every prescription and every history.

Hypothesis draws prescriptions anywhere in their valid ranges and histories of up to 30 plan
weeks: weeks done in full, in part or not at all, extra sessions with check-in answers and pain
ratings, daily pain with spikes, reported flares (some severe), stored alerts, clearances and
acupuncture visits. Each property is checked against the protocol's words, not the engine's code.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from random import Random
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from pacewise.domain import (
    AcupunctureVisit,
    Alert,
    Condition,
    Decision,
    Flare,
    FlareSource,
    History,
    Kind,
    Level,
    PlanWeek,
    Prescription,
    ProtocolResult,
    Session,
    prescription_for,
    run_protocol,
)

START = dt.date(2025, 1, 6)
ONE_DAY = dt.timedelta(days=1)
EPS = 1e-9

# The check-in answers by level, from the table of PROTOCOL.md 3 (and its red flags).
CONTINUE_CODES = ("tired_muscles", "mild_pain_increase", "effort_warmth", "stiffness_eases")
ALERT_CODES = (
    "worsening_during",
    "pain_over_24h",
    "new_radiation",
    "joint_swelling",
    "chest_pain_or_breathless",
    "dizziness_or_fainting",
    "sudden_weakness_or_numbness",
    "joint_instability",
    "bladder_bowel_or_saddle_numbness",
)

T = TypeVar("T")

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Strategies ---------------------------------------------------------------------------------


def minutes_between(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=low, max_value=max(low, high), allow_nan=False)


@st.composite
def prescriptions(draw: st.DrawFn) -> Prescription:
    """Any valid prescription: every setting the plan uses, anywhere in its range."""
    floor = draw(minutes_between(1, 10))
    baseline = draw(minutes_between(floor, 20))
    lowest_cap = max(baseline, 2 * floor)
    cap = draw(st.one_of(minutes_between(lowest_cap, 45), st.just(max(30.0, lowest_cap))))
    times = draw(st.sampled_from([(dt.time(10, 0),), (dt.time(8, 0), dt.time(18, 0))]))
    sessions = draw(st.integers(1, 7 * len(times)))
    baseline_weeks = draw(st.integers(1, 4))
    consolidation = draw(st.integers(baseline_weeks + 1, baseline_weeks + 4))
    overrides = {
        "floor_minutes": floor,
        "baseline_minutes": baseline,
        "max_session_minutes": cap,
        "session_times": times,
        "sessions_per_week": sessions,
        "max_sessions_per_week": draw(st.integers(sessions, 7 * len(times))),
        "weekly_target_minutes": draw(minutes_between(baseline * sessions, 300)),
        "adherence_threshold": draw(st.floats(0.3, 1.0)),
        "severe_flare_factor": draw(st.floats(0.1, 1.0)),
        "baseline_weeks": baseline_weeks,
        "consolidation_from_week": consolidation,
        "maintenance_from_week": draw(st.integers(consolidation, consolidation + 10)),
        "main_kind": draw(st.sampled_from(Kind)),
        "preferred_kind": draw(st.none() | st.sampled_from(Kind)),
    }
    rate = draw(st.none() | st.floats(0.01, 1.0))
    if rate is not None:
        overrides["progression_rate"] = rate
    return prescription_for(draw(st.sampled_from(Condition)), **overrides)


def tenths(high: float) -> st.SearchStrategy[float]:
    """Minutes with one decimal, as a watch or a form records them."""
    return st.integers(0, int(high * 10)).map(lambda value: value / 10)


@st.composite
def week_of_sessions(draw: st.DrawFn, rx: Prescription, week: int) -> list[Session]:
    """Plan week `week` done in full (plenty), in part, or not at all."""
    first = START + dt.timedelta(days=7 * (week - 1))
    how = draw(st.sampled_from(["plenty", "plenty", "plenty", "part", "none"]))
    if how == "none":
        return []
    if how == "plenty":
        # More than any quota can ask: the reachable target, over three days.
        each = rx.reachable_target_minutes / 3 * draw(st.sampled_from([1.0, 1.1, 1.3]))
        return [Session(first + ONE_DAY * offset, round(each, 1)) for offset in (0, 2, 4)]
    return [
        Session(first + ONE_DAY * offset, minutes)
        for offset, minutes in draw(st.lists(st.tuples(st.integers(0, 6), tenths(40)), max_size=5))
    ]


@st.composite
def extra_sessions(draw: st.DrawFn, days: int) -> list[Session]:
    """A few sessions with check-in answers and pain before and after."""
    codes = st.one_of(
        st.just(()),
        st.lists(st.sampled_from(CONTINUE_CODES), max_size=2).map(tuple),
        st.lists(st.sampled_from(CONTINUE_CODES + ALERT_CODES), min_size=1, max_size=2).map(tuple),
    )
    pain = st.none() | st.integers(0, 10)
    return [
        Session(START + ONE_DAY * offset, minutes, checkin=checkin, pain_before=b, pain_after=a)
        for offset, minutes, checkin, b, a in draw(
            st.lists(st.tuples(st.integers(0, days - 1), tenths(30), codes, pain, pain), max_size=6)
        )
    ]


@st.composite
def daily_pain(draw: st.DrawFn, days: int) -> dict[dt.date, int]:
    """A usual level with small changes, unrated days, and now and then a spike."""
    usual = draw(st.integers(0, 7))
    changes = draw(
        st.lists(st.sampled_from([None, 0, 0, 0, 0, 1, -1, 3, 5]), min_size=days, max_size=days)
    )
    return {
        START + ONE_DAY * offset: min(10, max(0, usual + change))
        for offset, change in enumerate(changes)
        if change is not None
    }


@dataclass(frozen=True)
class Case:
    """A history and the day it is looked at."""

    history: History
    until: dt.date

    @property
    def rx(self) -> Prescription:
        return self.history.prescription

    def result(self) -> ProtocolResult:
        return run_protocol(self.history, self.until)


@st.composite
def cases(draw: st.DrawFn, with_pain: bool = True) -> Case:
    rx = draw(prescriptions())
    weeks = draw(st.integers(1, 30))
    days = 7 * weeks
    some_day = st.integers(0, days - 1).map(lambda offset: START + ONE_DAY * offset)
    sessions = [s for week in range(1, weeks + 1) for s in draw(week_of_sessions(rx, week))]
    sessions += draw(extra_sessions(days))
    if not with_pain:
        sessions = [replace(s, pain_before=None, pain_after=None) for s in sessions]
    stored = [
        Alert(raised, draw(st.sampled_from([Level.ASSESS, Level.STOP])), "stored", cleared)
        for raised, cleared in draw(st.lists(st.tuples(some_day, st.none() | some_day), max_size=2))
        if cleared is None or cleared >= raised
    ]
    # A stored clearance agrees with the clearance records: none of them falls between the
    # alert and its stored clearance (that case is an example in tests/spec/test_triage.py).
    clearances = [
        day
        for day in draw(st.lists(some_day, max_size=5))
        if not any(a.cleared_on and a.date <= day < a.cleared_on for a in stored)
    ]
    history = History(
        prescription=rx,
        start=START,
        sessions=tuple(sessions),
        daily_pain=draw(daily_pain(days)) if with_pain else {},
        reported_flares=tuple(
            Flare(when, severe)
            for when, severe in draw(st.lists(st.tuples(some_day, st.booleans()), max_size=4))
        ),
        alerts=tuple(stored),
        clearances=tuple(clearances),
        acupuncture=tuple(AcupunctureVisit(when) for when in draw(st.lists(some_day, max_size=3))),
    )
    until = START + ONE_DAY * draw(st.integers(max(0, days - 7), days - 1))
    return Case(history, until)


# --- An oracle for the alerts, from PROTOCOL.md 3 -----------------------------------------------


@dataclass(frozen=True)
class RaisedAlert:
    date: dt.date
    cleared_on: dt.date | None


def expected_alerts(case: Case) -> list[RaisedAlert]:
    """Every alert the records raise by `until`, each with the clearance that cleared it."""
    rx, history, until = case.rx, case.history, case.until
    pain = history.daily_pain
    raised: list[tuple[dt.date, dt.date | None]] = []
    for session in history.sessions:
        if session.date > until:
            continue
        rose = (
            session.pain_before is not None
            and session.pain_after is not None
            and session.pain_after - session.pain_before >= rx.assess_pain_rise_points
        )
        if rose or set(session.checkin) & set(ALERT_CODES):
            raised.append((session.date, None))
        next_day = session.date + ONE_DAY
        if (
            session.pain_before is not None
            and next_day <= until
            and next_day in pain
            and pain[next_day] - session.pain_before >= rx.assess_next_day_rise_points
        ):
            raised.append((next_day, None))
    raised += [(alert.date, alert.cleared_on) for alert in history.alerts if alert.date <= until]
    clearances = sorted(day for day in history.clearances if day <= until)
    found = []
    for date, stored_clearance in raised:
        candidates = [day for day in clearances if day >= date]
        if stored_clearance is not None and stored_clearance <= until:
            candidates.append(stored_clearance)
        found.append(RaisedAlert(date, min(candidates, default=None)))
    return sorted(found, key=lambda alert: (alert.date, alert.cleared_on or dt.date.max))


def uncleared_on(alerts: Iterable[RaisedAlert], day: dt.date) -> bool:
    return any(a.date < day and (a.cleared_on is None or a.cleared_on > day) for a in alerts)


def in_week(day: dt.date, week: PlanWeek) -> bool:
    return week.start <= day <= week.end


def quotas(weeks: Sequence[PlanWeek]) -> list[tuple[Decision, int, float]]:
    return [(w.decision, w.sessions_per_week, w.session_minutes) for w in weeks]


# --- Properties ---------------------------------------------------------------------------------


@FAST
@given(cases())
def test_weekly_volume_never_grows_by_more_than_the_rate(case: Case) -> None:
    weeks = case.result().weeks
    for before, after in itertools.pairwise(weeks):
        limit = before.weekly_minutes * (1 + case.rx.progression_rate) + EPS
        assert after.weekly_minutes <= limit, (after.week, after.decision)


@FAST
@given(cases())
def test_quotas_stay_between_the_floor_and_the_caps(case: Case) -> None:
    rx = case.rx
    for week in case.result().weeks:
        assert week.session_minutes >= rx.floor_minutes - EPS, (week.week, week.reason)
        assert week.session_minutes <= rx.max_session_minutes + EPS, week.week
        assert 1 <= week.sessions_per_week <= rx.max_sessions_per_week, week.week
        assert week.weekly_minutes <= rx.reachable_target_minutes + EPS, week.week
        for planned in week.planned:
            assert rx.floor_minutes - EPS <= planned.minutes <= week.session_minutes + EPS


@FAST
@given(cases())
def test_baseline_weeks_keep_the_baseline_unless_a_severe_flare_stepped_back_first(
    case: Case,
) -> None:
    rx = case.rx
    result = case.result()
    severe_step_back = False
    for week in result.weeks[: rx.baseline_weeks]:
        if week.week > 1:
            previous = result.weeks[week.week - 2]
            severe_step_back |= any(
                flare.severe and in_week(flare.date, previous) for flare in result.flares
            )
        if not severe_step_back:
            assert week.sessions_per_week == rx.sessions_per_week, week.week
            assert abs(week.session_minutes - rx.baseline_minutes) <= EPS, week.week


@FAST
@given(cases())
def test_no_growth_right_after_a_flare_or_while_an_alert_is_uncleared(case: Case) -> None:
    result = case.result()
    alerts = expected_alerts(case)
    for before, week in itertools.pairwise(result.weeks):
        flared = any(in_week(flare.date, before) for flare in result.flares)
        if flared:
            assert week.decision is Decision.STEP_BACK, week.week
        elif uncleared_on(alerts, week.start):
            assert week.decision is Decision.PAUSED, week.week
            assert week.session_minutes == before.session_minutes
            assert week.sessions_per_week == before.sessions_per_week
        if flared or uncleared_on(alerts, week.start):
            assert week.weekly_minutes <= before.weekly_minutes + EPS, week.week


@FAST
@given(cases())
def test_every_week_takes_the_first_rule_that_applies(case: Case) -> None:
    """step_back > paused > baseline > hold > progress / maintain (PROTOCOL.md 2 rule 1, 4)."""
    rx, result = case.rx, case.result()
    alerts = expected_alerts(case)
    done = {week.week: 0.0 for week in result.weeks}
    for session in case.history.sessions:
        for week in result.weeks:
            if in_week(session.date, week) and session.date <= case.until:
                done[week.week] += session.minutes
    assert result.weeks[0].decision is Decision.BASELINE
    for before, week in itertools.pairwise(result.weeks):
        met = done[before.week] >= rx.adherence_threshold * before.weekly_minutes - EPS
        alert_in_it = any(in_week(alert.date, before) for alert in alerts)
        if any(in_week(flare.date, before) for flare in result.flares):
            expected = Decision.STEP_BACK
        elif uncleared_on(alerts, week.start):
            expected = Decision.PAUSED
        elif week.week <= rx.baseline_weeks:
            expected = Decision.BASELINE
        elif alert_in_it or not met:
            expected = Decision.HOLD
        elif before.weekly_minutes >= rx.reachable_target_minutes - EPS:
            expected = Decision.MAINTAIN
        else:
            expected = Decision.PROGRESS
        assert week.decision is expected, (week.week, week.reason)
        if expected in (Decision.PAUSED, Decision.BASELINE, Decision.HOLD, Decision.MAINTAIN):
            assert (week.sessions_per_week, week.session_minutes) == (
                before.sessions_per_week,
                before.session_minutes,
            ), week.week
        if expected is Decision.PROGRESS:
            assert week.weekly_minutes > before.weekly_minutes, week.week
            assert week.sessions_per_week >= before.sessions_per_week, week.week
        if expected is Decision.STEP_BACK:
            assert step_back_level(rx, result, week) == pytest.approx(
                (week.sessions_per_week, week.session_minutes)
            ), week.week


def step_back_level(rx: Prescription, result: ProtocolResult, week: PlanWeek) -> tuple[int, float]:
    """Week N-1's level (the baseline for a flare in week 1), never above week N's own level;
    after a severe flare, sessions are cut by the severe factor, never below the floor."""
    flare_week = result.weeks[week.week - 2]
    if week.week >= 3:
        earlier = result.weeks[week.week - 3]
        sessions, minutes = earlier.sessions_per_week, earlier.session_minutes
    else:
        sessions, minutes = rx.sessions_per_week, rx.baseline_minutes
    if sessions * minutes > flare_week.weekly_minutes + EPS:
        sessions, minutes = flare_week.sessions_per_week, flare_week.session_minutes
    if any(flare.severe and in_week(flare.date, flare_week) for flare in result.flares):
        minutes *= rx.severe_flare_factor
    return sessions, max(minutes, rx.floor_minutes)


@FAST
@given(cases())
def test_the_alerts_are_exactly_those_the_check_ins_and_pain_numbers_raise(case: Case) -> None:
    found = sorted(
        (RaisedAlert(alert.date, alert.cleared_on) for alert in case.result().alerts),
        key=lambda alert: (alert.date, alert.cleared_on or dt.date.max),
    )
    assert found == expected_alerts(case)


@FAST
@given(cases())
def test_every_reported_flare_counts_with_its_severity(case: Case) -> None:
    """A report counts on its day, or as the episode of high days it falls in (PROTOCOL.md 4)."""
    counted = case.result().flares
    for report in case.history.reported_flares:
        if report.date > case.until:
            continue
        episodes = [
            flare
            for flare in counted
            if flare.source is FlareSource.REPORTED
            and (
                flare.date == report.date
                or (flare.last_day is not None and flare.date <= report.date <= flare.last_day)
            )
        ]
        assert episodes, report
        assert any(flare.severe or not report.severe for flare in episodes), report


@FAST
@given(cases())
def test_planned_sessions_match_the_quota_and_stay_inside_their_week(case: Case) -> None:
    rx = case.rx
    for week in case.result().weeks:
        assert len(week.planned) == week.sessions_per_week
        assert len(week.planned_days) == min(week.sessions_per_week, 7)
        assert all(week.start <= day <= week.end for day in week.planned_days)
        assert {planned.time for planned in week.planned} <= set(rx.session_times)
        slots = [(planned.date, planned.time) for planned in week.planned]
        assert len(set(slots)) == len(slots)


@FAST
@given(cases(with_pain=False), st.data())
def test_pain_that_raises_no_flare_and_no_alert_never_changes_a_quota(
    case: Case, data: st.DataObject
) -> None:
    """Pacing: the quota is set by the plan, never by today's pain (PROTOCOL.md 1)."""
    rx = case.rx
    # Ratings that never differ by `width` points can show no flare and no next-day rise.
    width = min(rx.flare_rise_points, rx.assess_next_day_rise_points)
    low = data.draw(st.integers(0, 10 - (width - 1)), label="lowest rating")
    rating = st.integers(low, low + width - 1)
    days = (case.until - START).days + 8
    pain = {
        START + ONE_DAY * offset: value
        for offset, value in enumerate(
            data.draw(st.lists(st.none() | rating, min_size=days, max_size=days))
        )
        if value is not None
    }
    rated = []
    for session in case.history.sessions:
        before = data.draw(rating)
        after = data.draw(
            st.integers(max(0, before - 3), min(10, before + rx.assess_pain_rise_points - 1))
        )
        rated.append(replace(session, pain_before=before, pain_after=after))
    in_pain = replace(case.history, sessions=tuple(rated), daily_pain=pain)
    calm, painful = case.result(), run_protocol(in_pain, case.until)
    assert painful.flares == calm.flares
    assert painful.alerts == calm.alerts
    assert quotas(painful.weeks) == quotas(calm.weeks)
    assert [w.planned for w in painful.weeks] == [w.planned for w in calm.weeks]
    assert [w.reason for w in painful.weeks] == [w.reason for w in calm.weeks]


@FAST
@given(cases(), st.randoms(use_true_random=False))
def test_the_engine_is_deterministic_whatever_the_order_of_the_records(
    case: Case, shuffler: Random
) -> None:
    history = case.history
    assert case.result() == case.result()

    def shuffled(records: Sequence[T]) -> tuple[T, ...]:
        reordered = list(records)
        shuffler.shuffle(reordered)
        return tuple(reordered)

    reordered = replace(
        history,
        sessions=shuffled(history.sessions),
        daily_pain=dict(shuffled(list(history.daily_pain.items()))),
        reported_flares=shuffled(history.reported_flares),
        alerts=shuffled(history.alerts),
        clearances=shuffled(history.clearances),
        acupuncture=shuffled(history.acupuncture),
    )
    again, first = run_protocol(reordered, case.until), case.result()
    for week_again, week in zip(again.weeks, first.weeks, strict=True):
        assert week_again == week, (week.week, week_again.done_minutes, week.done_minutes)
    assert again.alerts == first.alerts
    assert again.flares == first.flares
    assert again.boom_bust == first.boom_bust
    assert again == first


@FAST
@given(cases())
def test_records_after_the_day_of_evaluation_change_nothing(case: Case) -> None:
    history, until = case.history, case.until
    known = replace(
        history,
        sessions=tuple(s for s in history.sessions if s.date <= until),
        daily_pain={day: pain for day, pain in history.daily_pain.items() if day <= until},
        reported_flares=tuple(f for f in history.reported_flares if f.date <= until),
        alerts=tuple(a for a in history.alerts if a.date <= until),
        clearances=tuple(day for day in history.clearances if day <= until),
        acupuncture=tuple(v for v in history.acupuncture if v.date <= until),
    )
    assert run_protocol(known, until) == case.result()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_each_week_is_decided_on_its_first_day_from_the_past_only(case: Case) -> None:
    weeks = case.result().weeks
    for week in weeks:
        then = run_protocol(case.history, week.start).weeks[-1]
        assert then.week == week.week
        assert (then.decision, then.sessions_per_week, then.session_minutes, then.reason) == (
            week.decision,
            week.sessions_per_week,
            week.session_minutes,
            week.reason,
        ), week.week


@pytest.mark.parametrize("decision", list(Decision))
def test_the_histories_drawn_reach_every_decision(decision: Decision) -> None:
    """The properties above are not vacuous: the strategies reach every decision."""
    found = find(
        cases(),
        lambda case: any(week.decision is decision for week in case.result().weeks),
        settings=settings(max_examples=500, phases=[Phase.generate], database=None),
    )
    assert any(week.decision is decision for week in found.result().weeks)
