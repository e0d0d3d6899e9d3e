"""A patient's progress records: pain, flares and visits for the charts, questionnaire answers
with what they mean, which questionnaires are due, and the education card that fits the moment.

The patient's Progress and Learn pages read this, and so may the clinician's patient page (a
clinician's read is audited, like every other). The plan weeks themselves come from
`services.plans.week_history`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Flare, History, ProtocolResult
from pacewise.domain.cards import Card, Moment, pick_card
from pacewise.domain.questionnaire_words import change_words, score_words
from pacewise.domain.questionnaires_due import QuestionnaireDue, questionnaire_schedule
from pacewise.domain.scoring import score_tsk11
from pacewise.services.access import Caller, open_patient_record, transaction_for
from pacewise.services.replays import replay

RECENT_CHECKIN_DAYS = 2
"""A check-in this many days old or newer still sets the card (the day of it and the next)."""
RECENT_FLARE_DAYS = 7
"""A flare this recent still sets the card: the step-back week that follows it."""


@dataclass(frozen=True, slots=True)
class Answered:
    """One stored questionnaire answer, its score, what it means and how it moved since the
    patient's previous answer to the same instrument."""

    id: int
    instrument: str
    answered_on: dt.date
    score: float
    answers: dict[str, Any]
    meaning: str
    change: str | None


@dataclass(frozen=True, slots=True)
class ProgressRecords:
    day: dt.date
    start: dt.date
    daily_pain: tuple[tuple[dt.date, int], ...]
    flares: tuple[Flare, ...]
    visits: tuple[dt.date, ...]
    answered: tuple[Answered, ...]
    schedule: tuple[QuestionnaireDue, ...]
    card: Card | None

    @property
    def due(self) -> tuple[QuestionnaireDue, ...]:
        return tuple(entry for entry in self.schedule if entry.due)

    def answers_to(self, instrument: str) -> tuple[Answered, ...]:
        """The answers to one instrument, oldest first."""
        return tuple(a for a in self.answered if a.instrument == instrument)


def progress_records(
    uow: UnitOfWork, caller: Caller, patient_id: int, day: dt.date
) -> ProgressRecords:
    """Everything the progress pages show beside the plan weeks, as it stands on `day`."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "progress.viewed")
        history, result = replay(uow, patient_id, day)
        rows = uow.questionnaires.for_patient(patient_id)
        latest, _ = uow.sessions.page(patient_id, 1, 0)
        checkin = uow.sessions.checkins_of([latest[0].id]).get(latest[0].id) if latest else None
        answered = _answered(
            [(r.id, r.instrument, r.answered_on, r.score, r.answers) for r in rows]
        )
        latest_session = (
            (
                latest[0].date,
                checkin.level if checkin else None,
                latest[0].pain_before,
                latest[0].pain_after,
            )
            if latest
            else None
        )
        uow.commit()
    last = {a.instrument: a.answered_on for a in answered}
    return ProgressRecords(
        day=day,
        start=history.start,
        daily_pain=tuple(sorted((d, p) for d, p in history.daily_pain.items() if d <= day)),
        flares=result.flares,
        visits=tuple(v.date for v in history.acupuncture if v.date <= day),
        answered=answered,
        schedule=questionnaire_schedule(history.start, day, last),
        card=pick_card(_moment(history, result, day, answered, latest_session)),
    )


def _answered(rows: list[tuple[int, str, dt.date, float, dict[str, Any]]]) -> tuple[Answered, ...]:
    previous: dict[str, dict[str, Any]] = {}
    answered = []
    for row_id, instrument, day, score, answers in rows:
        before = previous.get(instrument)
        answered.append(
            Answered(
                id=row_id,
                instrument=instrument,
                answered_on=day,
                score=score,
                answers=answers,
                meaning=score_words(instrument, answers),
                change=change_words(instrument, before, answers) if before else None,
            )
        )
        previous[instrument] = answers
    return tuple(answered)


def _moment(
    history: History,
    result: ProtocolResult,
    day: dt.date,
    answered: tuple[Answered, ...],
    latest_session: tuple[dt.date, str | None, int | None, int | None] | None,
) -> Moment:
    """The moment, for choosing a card (PROTOCOL.md 8), from the patient's latest data."""
    level, pain_rose = None, False
    if latest_session is not None:
        session_day, checkin_level, before, after = latest_session
        if 0 <= (day - session_day).days < RECENT_CHECKIN_DAYS:
            level = checkin_level
            pain_rose = before is not None and after is not None and after > before
    tsk = [a for a in answered if a.instrument == "TSK11"]
    weeks = result.weeks
    phase_changed = len(weeks) >= 2 and weeks[-1].phase != weeks[-2].phase
    return Moment(
        triage_level=level,
        pain_rose=pain_rose,
        boom_bust_flagged=result.boom_bust.flagged,
        flare_reported=any(0 <= (day - f.date).days < RECENT_FLARE_DAYS for f in result.flares),
        high_fear_of_movement=bool(tsk) and score_tsk11(tsk[-1].answers["items"]).high_fear,
        in_acupuncture_window=day in result.acupuncture_window_days,
        phase_changed_to=weeks[-1].phase if phase_changed else None,
    )
