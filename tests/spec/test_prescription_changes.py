"""A clinician changes the prescription mid-programme (issue 4; PROTOCOL.md is silent on how).

The lead's rule: a change applies from the first plan week starting on or after its date. In the
new baseline weeks the new baseline applies; after them the patient keeps the weekly volume
reached, shaped by the new settings (number of sessions, cap, floor, target).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from pacewise.domain import Decision, Flare, History, Prescription
from pacewise.domain.prescription import PrescriptionChange

from .patients import day, follow_plan, new_history, plan

DEFAULT = Prescription()


def changed(history: History, week: int, rx: Prescription) -> History:
    """`history` with `rx` saved on day 3 of plan week `week - 1`, so in force from `week`."""
    return replace(history, changes=(PrescriptionChange(day(week - 1, 3), rx),))


def test_a_faster_rate_applies_from_the_next_week_and_leaves_the_past_alone() -> None:
    faster = DEFAULT.with_changes(progression_rate=0.2)
    history = changed(new_history(), 6, faster)
    weeks = plan(follow_plan(history, 8), 8)
    unchanged = plan(follow_plan(new_history(), 8), 8)
    assert [w.weekly_minutes for w in weeks[:5]] == [w.weekly_minutes for w in unchanged[:5]]
    assert all(w.prescription == DEFAULT for w in weeks[:5])
    assert weeks[5].decision is Decision.PROGRESS
    assert weeks[5].weekly_minutes == pytest.approx(weeks[4].weekly_minutes * 1.2)
    assert weeks[6].weekly_minutes == pytest.approx(weeks[5].weekly_minutes * 1.2)
    assert "changed your prescription" in weeks[5].reason
    assert "changed your prescription" not in weeks[6].reason


def test_more_sessions_a_week_spread_the_volume_reached_never_below_the_floor() -> None:
    five = DEFAULT.with_changes(sessions_per_week=5)
    weeks = plan(follow_plan(changed(new_history(), 5, five), 5), 5)
    reached = weeks[3].weekly_minutes  # 3 x 6.05 = 18.15 min in week 4
    assert weeks[3].sessions_per_week == 3
    # 18.15 min over 5 sessions would be 3.6 min each: below the 5-min floor, so 5 x 5 min.
    assert weeks[4].sessions_per_week == 5
    assert reached / 5 < DEFAULT.floor_minutes
    assert weeks[4].session_minutes == pytest.approx(5.0 * 1.1)


def test_a_change_in_the_baseline_weeks_starts_from_the_new_baseline() -> None:
    longer_start = DEFAULT.with_changes(baseline_minutes=8.0, baseline_weeks=3)
    weeks = plan(follow_plan(changed(new_history(), 2, longer_start), 4), 4)
    assert (weeks[0].sessions_per_week, weeks[0].session_minutes) == (3, 5.0)
    assert [w.decision for w in weeks[1:3]] == [Decision.BASELINE, Decision.BASELINE]
    assert [w.session_minutes for w in weeks[1:3]] == [8.0, 8.0]
    assert weeks[3].decision is Decision.PROGRESS
    assert weeks[3].session_minutes == pytest.approx(8.8)


def test_a_lower_target_holds_the_patient_at_it() -> None:
    history = follow_plan(new_history(), 10)
    reached = plan(history, 10)[9].weekly_minutes
    lower = DEFAULT.with_changes(weekly_target_minutes=20.0)
    assert reached > 20.0
    weeks = plan(follow_plan(changed(new_history(), 11, lower), 12), 12)
    assert weeks[10].weekly_minutes == pytest.approx(20.0)
    assert weeks[11].decision is Decision.MAINTAIN
    assert weeks[11].weekly_minutes == pytest.approx(20.0)


def test_a_later_change_for_the_same_week_wins_and_equal_settings_are_no_change() -> None:
    first = DEFAULT.with_changes(progression_rate=0.2)
    second = DEFAULT.with_changes(progression_rate=0.3)
    history = replace(
        new_history(),
        changes=(
            PrescriptionChange(day(5, 2), first),
            PrescriptionChange(day(5, 4), second),
            PrescriptionChange(day(7, 1), replace(second)),
        ),
    )
    weeks = plan(follow_plan(history, 7), 7)
    assert weeks[5].prescription == second
    assert weeks[5].weekly_minutes == pytest.approx(weeks[4].weekly_minutes * 1.3)
    assert weeks[6].why.prescription_changed is False


def test_a_step_back_in_the_first_changed_week_follows_the_new_limits() -> None:
    """Found by hypothesis: a flare in week 1 and a change from week 2 to one session a week.
    The step back returns to week 1's level (2 sessions of 5 min) reshaped by the new settings,
    never to more sessions than the new prescription allows."""
    twice = DEFAULT.with_changes(sessions_per_week=2, baseline_weeks=1)
    once = twice.with_changes(sessions_per_week=1, max_sessions_per_week=1)
    history = replace(
        new_history(twice, reported_flares=(Flare(day(1, 1)),)),
        changes=(PrescriptionChange(day(1, 2), once),),
    )
    weeks = plan(follow_plan(history, 2), 2)
    assert weeks[1].decision is Decision.STEP_BACK
    assert weeks[1].prescription == once
    assert weeks[1].sessions_per_week == 1
    assert weeks[1].weekly_minutes == pytest.approx(weeks[0].weekly_minutes)
