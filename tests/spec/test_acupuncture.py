"""PROTOCOL.md 6: acupuncture as the launch ramp.

The days after a visit (default 3) are the window of less pain, a good time for the planned
sessions; a visit never raises the quota.
"""

from __future__ import annotations

import datetime as dt

from pacewise.domain import AcupunctureVisit, History, Prescription, run_protocol
from pacewise.domain.acupuncture import acupuncture_window_days

from .patients import day, follow_plan, new_history, plan


def visit(when: dt.date) -> AcupunctureVisit:
    return AcupunctureVisit(when, pain_before=7, pain_after=4, notes="lumbar points")


def test_the_window_is_the_3_days_after_a_visit() -> None:
    window = acupuncture_window_days([visit(day(1, 2))], Prescription())
    assert window == [day(1, 3), day(1, 4), day(1, 5)]


def test_the_window_length_is_a_setting() -> None:
    window = acupuncture_window_days([visit(day(1, 2))], Prescription(acupuncture_window_days=5))
    assert window == [day(1, weekday) for weekday in range(3, 8)]


def test_overlapping_windows_name_each_day_once_in_order() -> None:
    window = acupuncture_window_days([visit(day(1, 4)), visit(day(1, 2))], Prescription())
    assert window == [day(1, weekday) for weekday in range(3, 8)]


def test_planned_sessions_in_the_window_are_marked_as_good_days() -> None:
    # Sessions are planned Monday, Wednesday and Friday; a Tuesday visit covers Wed-Fri.
    history = new_history(acupuncture=(visit(day(2, 2)),))
    week_2 = plan(history, 2)[1]
    assert [(p.date, p.in_acupuncture_window) for p in week_2.planned] == [
        (day(2, 1), False),
        (day(2, 3), True),
        (day(2, 5), True),
    ]
    assert not any(p.in_acupuncture_window for p in plan(history, 2)[0].planned)


def test_a_visit_never_changes_a_quota() -> None:
    visits = tuple(visit(day(week, 2)) for week in range(1, 9))
    without = follow_plan(new_history(), 8)
    with_visits = follow_plan(new_history(acupuncture=visits), 8)
    assert with_visits.sessions == without.sessions

    def quotas(history: History) -> list[tuple[object, ...]]:
        weeks = plan(history, 8)
        return [
            (w.decision, w.sessions_per_week, w.session_minutes, [p.minutes for p in w.planned])
            for w in weeks
        ]

    assert quotas(with_visits) == quotas(without)


def test_visits_after_the_day_of_evaluation_are_not_yet_known() -> None:
    history = new_history(acupuncture=(visit(day(1, 5)),))
    assert run_protocol(history, day(1, 4)).acupuncture_window_days == ()
    assert run_protocol(history, day(1, 5)).acupuncture_window_days == (
        day(1, 6),
        day(1, 7),
        day(2, 1),
    )
