"""When each questionnaire is due (PROTOCOL.md 7): PEG weekly, PSFS and TSK-11 at the start and
every 4 weeks, PGIC from plan week 12."""

from __future__ import annotations

import datetime as dt

import pytest

from pacewise.domain import InvalidInput
from pacewise.domain.questionnaires_due import QuestionnaireDue, questionnaire_schedule

START = dt.date(2026, 1, 5)  # a Monday: plan week 1 is 5-11 Jan


def due_on(today: dt.date, **last: dt.date) -> list[str]:
    return instruments_due(questionnaire_schedule(START, today, last))


def instruments_due(schedule: tuple[QuestionnaireDue, ...]) -> list[str]:
    return [entry.instrument for entry in schedule if entry.due]


def test_on_the_first_day_peg_psfs_and_tsk11_are_due_but_not_pgic() -> None:
    assert due_on(START) == ["PEG", "PSFS", "TSK11"]


def test_nothing_is_due_before_the_programme_starts() -> None:
    assert due_on(START - dt.timedelta(days=1)) == []


def test_peg_answered_is_not_due_again_for_seven_days() -> None:
    answered = dt.date(2026, 1, 5)
    assert "PEG" not in due_on(dt.date(2026, 1, 11), PEG=answered)
    assert "PEG" in due_on(dt.date(2026, 1, 12), PEG=answered)


def test_a_missed_peg_simply_stays_due() -> None:
    assert "PEG" in due_on(dt.date(2026, 3, 1), PEG=dt.date(2026, 1, 5))


def test_psfs_and_tsk11_come_back_every_four_weeks() -> None:
    answered = dt.date(2026, 1, 6)
    last = {"PSFS": answered, "TSK11": answered}
    assert due_on(dt.date(2026, 2, 2), **last) == ["PEG"]
    assert due_on(dt.date(2026, 2, 3), **last) == ["PEG", "PSFS", "TSK11"]


def test_pgic_is_due_from_the_first_day_of_plan_week_12() -> None:
    week_12 = START + dt.timedelta(weeks=11)  # 23 Mar 2026
    assert week_12 == dt.date(2026, 3, 23)
    assert "PGIC" not in due_on(week_12 - dt.timedelta(days=1))
    assert "PGIC" in due_on(week_12)


def test_pgic_answered_in_week_12_is_next_due_four_weeks_later() -> None:
    answered = dt.date(2026, 3, 24)
    schedule = questionnaire_schedule(START, dt.date(2026, 4, 1), {"PGIC": answered})
    pgic = schedule[-1]
    assert pgic.instrument == "PGIC"
    assert pgic.due_from == dt.date(2026, 4, 21)
    assert not pgic.due
    assert pgic.last_answered == answered


def test_an_early_pgic_does_not_make_it_due_before_week_12() -> None:
    schedule = questionnaire_schedule(START, START, {"PGIC": START})
    assert schedule[-1].due_from == dt.date(2026, 3, 23)


def test_intervals_are_settings() -> None:
    schedule = questionnaire_schedule(
        START, dt.date(2026, 1, 8), {"PEG": START}, peg_every_days=3, pgic_from_week=1
    )
    assert instruments_due(schedule) == ["PEG", "PSFS", "TSK11", "PGIC"]


def test_a_nonsense_interval_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as raised:
        questionnaire_schedule(START, START, {}, peg_every_days=0)
    assert raised.value.field == "peg_every_days"
