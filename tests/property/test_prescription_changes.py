"""A clinician's change of prescription (issue 4: change the prescription with a preview).

A change takes effect from the first plan week starting on or after its date. Hypothesis draws a
history as in test_plan_properties and a second prescription anywhere in its valid range; these
properties say what a change may and may not do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from pacewise.domain import Decision, PlanWeek, run_protocol
from pacewise.domain.prescription import PrescriptionChange
from tests.property.test_plan_properties import EPS, FAST, START, Case, cases, prescriptions


@st.composite
def changed_cases(draw: st.DrawFn) -> tuple[Case, PrescriptionChange]:
    case = draw(cases())
    last = (case.until - START).days
    effective = START + dt.timedelta(days=draw(st.integers(0, last + 7)))
    return case, PrescriptionChange(effective, draw(prescriptions()))


def with_change(case: Case, change: PrescriptionChange) -> list[PlanWeek]:
    history = dataclasses.replace(case.history, changes=(change,))
    return list(run_protocol(history, case.until).weeks)


def first_changed_week(change: PrescriptionChange) -> int:
    """The plan week (1-based) whose first day is the first on or after the change's date."""
    return max(-(-(change.effective - START).days // 7), 0) + 1


def shape(week: PlanWeek) -> tuple[object, ...]:
    return (
        week.decision,
        week.sessions_per_week,
        week.session_minutes,
        week.phase,
        week.session_kinds,
        week.reason,
    )


@FAST
@given(changed_cases())
def test_a_change_never_rewrites_the_weeks_before_it(
    given_case: tuple[Case, PrescriptionChange],
) -> None:
    case, change = given_case
    before = case.result().weeks
    after = with_change(case, change)
    for old, new in zip(before, after, strict=True):
        if new.week < first_changed_week(change):
            assert shape(new) == shape(old), new.week
            assert new.prescription is case.rx


@FAST
@given(cases())
def test_saving_the_same_settings_changes_nothing(case: Case) -> None:
    copy = dataclasses.replace(case.rx)
    change = PrescriptionChange(START + dt.timedelta(days=15), copy)
    before = case.result().weeks
    assert [shape(w) for w in with_change(case, change)] == [shape(w) for w in before]


@FAST
@given(changed_cases())
def test_every_week_keeps_the_limits_of_the_prescription_in_force(
    given_case: tuple[Case, PrescriptionChange],
) -> None:
    case, change = given_case
    for week in with_change(case, change):
        rx = change.prescription if week.week >= first_changed_week(change) else case.rx
        assert week.prescription == rx, week.week
        assert rx.floor_minutes - EPS <= week.session_minutes <= rx.max_session_minutes + EPS
        assert 1 <= week.sessions_per_week <= rx.max_sessions_per_week, week.week
        assert week.weekly_minutes <= rx.reachable_target_minutes + EPS, week.week
        assert week.phase == rx.phase_of_week(week.week)


@FAST
@given(changed_cases())
def test_after_the_change_volume_grows_by_the_new_rate_at_most(
    given_case: tuple[Case, PrescriptionChange],
) -> None:
    case, change = given_case
    weeks = with_change(case, change)
    for before, after in itertools.pairwise(weeks):
        if before.week >= first_changed_week(change):
            limit = before.weekly_minutes * (1 + change.prescription.progression_rate) + EPS
            assert after.weekly_minutes <= limit, (after.week, after.decision)


@FAST
@given(changed_cases())
def test_the_first_week_of_a_new_prescription_says_so(
    given_case: tuple[Case, PrescriptionChange],
) -> None:
    case, change = given_case
    first = first_changed_week(change)
    for week in with_change(case, change):
        changed = week.week == first > 1 and change.prescription != case.rx
        assert week.why.prescription_changed is changed, week.week
        assert ("changed your prescription" in week.reason) is changed, week.week


@FAST
@given(changed_cases())
def test_a_new_prescription_in_the_baseline_weeks_starts_from_its_baseline(
    given_case: tuple[Case, PrescriptionChange],
) -> None:
    case, change = given_case
    rx = change.prescription
    for week in with_change(case, change):
        first = week.week == first_changed_week(change) <= rx.baseline_weeks
        if first and week.decision in (Decision.BASELINE, Decision.PAUSED):
            assert week.sessions_per_week == rx.sessions_per_week
            assert abs(week.session_minutes - rx.baseline_minutes) <= EPS
