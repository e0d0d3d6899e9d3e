"""What the visit report says, built from the engine's results without making a PDF (issue 7):
questionnaire changes judged by MEASURES.md's thresholds, PSFS goals then and now, alerts with
their outcomes, step-back weeks named, and months of acupuncture against activity."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pacewise.adapters.exports.report_content import (
    AlertEntry,
    AnswerEntry,
    ReportInputs,
    build_report,
)
from pacewise.domain import (
    AcupunctureVisit,
    Decision,
    Flare,
    History,
    Session,
    prescription_for,
    run_protocol,
)
from pacewise.domain.summaries import weekly_summaries

START = dt.date(2026, 1, 5)
END = dt.date(2026, 3, 29)


def _day(week: int, weekday: int = 1) -> dt.date:
    return START + dt.timedelta(days=7 * (week - 1) + weekday - 1)


def _inputs(
    answers: tuple[AnswerEntry, ...] = (), alerts: tuple[AlertEntry, ...] = ()
) -> ReportInputs:
    rx = prescription_for("low_back_pain")
    history = History(prescription=rx, start=START)
    for week in range(1, 13):
        planned = run_protocol(history, _day(week)).weeks[-1].planned
        sessions = history.sessions + tuple(Session(p.date, p.minutes, p.kind) for p in planned)
        history = History(
            prescription=rx,
            start=START,
            sessions=sessions,
            reported_flares=(Flare(_day(6, 3)),),
            acupuncture=(AcupunctureVisit(_day(1, 2)), AcupunctureVisit(_day(2, 2))),
        )
    result = run_protocol(history, END)
    return ReportInputs(
        patient_name="Ada Example",
        patient_email="ada@example.org",
        start=START,
        end=END,
        history=history,
        result=result,
        summaries=weekly_summaries(history, result),
        alerts=alerts,
        answers=answers,
    )


def _psfs(day: dt.date, stairs: int, carrying: int) -> AnswerEntry:
    activities = [{"activity": "Climbing stairs", "rating": stairs}]
    activities.append({"activity": "Carrying shopping", "rating": carrying})
    return AnswerEntry("PSFS", day, {"activities": activities})


def test_a_flare_week_is_followed_by_a_week_marked_step_back() -> None:
    content = build_report(_inputs())
    marked = {row.week: row.mark for row in content.weeks if row.mark}
    assert marked == {7: "step back"}
    assert next(r for r in content.weeks if r.week == 7).decision is Decision.STEP_BACK


def test_questionnaire_changes_say_whether_they_pass_the_meaningful_change_threshold() -> None:
    answers = (
        AnswerEntry("PEG", _day(1), {"pain": 6, "enjoyment": 6, "activity": 6}),
        AnswerEntry("TSK11", _day(1), {"items": [3] * 11}),
        _psfs(_day(1), 3, 5),
        AnswerEntry("PEG", _day(11), {"pain": 5, "enjoyment": 6, "activity": 6}),
        AnswerEntry("TSK11", _day(11), {"items": [3] * 7 + [2] * 4}),
        _psfs(_day(11), 7, 6),
        AnswerEntry("PGIC", _day(12), {"rating": 6}),
    )
    scores = {row.instrument: row for row in build_report(_inputs(answers)).scores}
    # PEG 6.0 -> 5.7: a third of a point, under MEASURES.md's 1 point and 30 %.
    assert scores["PEG"].verdict == "improvement, below the meaningful-change threshold"
    # TSK-11 33 -> 29: a fall of 4 points is the threshold.
    assert (scores["TSK11"].first, scores["TSK11"].last) == ("33", "29")
    assert scores["TSK11"].verdict == "meaningful improvement"
    # PSFS mean 4.0 -> 6.5: at least 2 points.
    assert scores["PSFS"].verdict == "meaningful improvement"
    assert scores["PGIC"].verdict == "responder (6 or more)"


def test_functional_goals_show_each_activity_then_and_now() -> None:
    answers = (
        _psfs(_day(1), 3, 5),
        AnswerEntry(
            "PSFS",
            _day(9),
            {
                "activities": [
                    {"activity": "climbing  STAIRS", "rating": 7},
                    {"activity": "Gardening", "rating": 4},
                ]
            },
        ),
    )
    content = build_report(_inputs(answers))
    assert [(g.activity, g.then, g.now) for g in content.goals] == [
        ("Climbing stairs", 3, 7),
        ("Carrying shopping", 5, None),
        ("Gardening", None, 4),
    ]
    assert content.goals_dates == (_day(1), _day(9))


def test_alerts_show_their_outcome_and_uncleared_ones_are_counted() -> None:
    alerts = (
        AlertEntry(
            _day(3, 2), "ASSESS", "Pain got worse during the session.", _day(3, 4), "Seen: fine."
        ),
        AlertEntry(_day(12, 1), "STOP", "Chest pain.", None, ""),
    )
    content = build_report(_inputs(alerts=alerts))
    assert content.alerts[0].endswith("Outcome: cleared 22 Jan: Seen: fine.")
    assert content.alerts[1].endswith("Outcome: NOT YET CLEARED.")
    assert "Uncleared alerts: 1." in content.glance


def test_months_set_acupuncture_visits_against_activity_minutes() -> None:
    content = build_report(_inputs())
    assert [m.label for m in content.months] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert [m.visits for m in content.months] == [2, 0, 0]
    done = sum(row.done_minutes for row in content.weeks)
    assert abs(sum(m.activity_minutes for m in content.months) - done) <= len(content.weeks)
    assert "less frequent" in content.relief


def test_a_period_before_the_programme_is_empty() -> None:
    early = replace(_inputs(), start=dt.date(2025, 6, 1), end=dt.date(2025, 7, 1))
    assert build_report(early).empty
    assert not build_report(_inputs()).empty
