"""The rest of a patient's own log: flares, acupuncture visits and questionnaires."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pacewise.adapters.db.models import AcupunctureVisitRecord, FlareReport, QuestionnaireResponse
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput, run_protocol
from pacewise.domain.plan import next_week_start
from pacewise.domain.scoring import score_peg, score_pgic, score_psfs, score_tsk11
from pacewise.services.access import Caller, open_patient_record
from pacewise.services.records import load_history


@dataclass(frozen=True, slots=True)
class FlareLogged:
    id: int
    next_week_reason: str


def report_flare(
    uow: UnitOfWork, caller: Caller, patient_id: int, day: dt.date, severe: bool, note: str
) -> FlareLogged:
    """Record a flare and say what it does to the plan: next week steps back (PROTOCOL.md 4)."""
    with uow:
        open_patient_record(uow, caller, patient_id, "flare.reported")
        flare = uow.flares.add(
            FlareReport(patient_id=patient_id, date=day, severe=severe, note=note.strip()[:2000])
        )
        history = load_history(uow, patient_id)
        uow.commit()
    result = run_protocol(history, next_week_start(history.start, day))
    return FlareLogged(flare.id, result.weeks[-1].reason if result.weeks else "")


def log_acupuncture(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    day: dt.date,
    pain_before: int | None,
    pain_after: int | None,
    notes: str,
) -> int:
    with uow:
        open_patient_record(uow, caller, patient_id, "acupuncture.logged")
        visit = uow.acupuncture.add(
            AcupunctureVisitRecord(
                patient_id=patient_id,
                date=day,
                pain_before=pain_before,
                pain_after=pain_after,
                notes=notes.strip()[:2000],
            )
        )
        uow.commit()
        return visit.id


def submit_questionnaire(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    instrument: str,
    day: dt.date,
    answers: dict[str, Any],
) -> float:
    """Score the answers (MEASURES.md) and keep both; returns the score."""
    score = score_answers(instrument, answers)
    with uow:
        open_patient_record(uow, caller, patient_id, "questionnaire.submitted")
        uow.questionnaires.add(
            QuestionnaireResponse(
                patient_id=patient_id,
                instrument=instrument,
                answered_on=day,
                answers=answers,
                score=score,
            )
        )
        uow.commit()
    return score


def score_answers(instrument: str, answers: dict[str, Any]) -> float:
    """The instrument's score (MEASURES.md), as it is stored with the answers; answers of the
    wrong shape name the missing field."""
    try:
        if instrument == "PEG":
            return score_peg(answers["pain"], answers["enjoyment"], answers["activity"]).score
        if instrument == "TSK11":
            return float(score_tsk11(answers["items"]).total)
        if instrument == "PGIC":
            return float(score_pgic(answers["rating"]).rating)
        if instrument == "PSFS":
            pairs = [(entry["activity"], entry["rating"]) for entry in answers["activities"]]
            return score_psfs(pairs).score
    except KeyError as missing:
        raise InvalidInput(f"answers.{missing.args[0]}", "is required") from None
    except (TypeError, AttributeError):
        raise InvalidInput("answers", f"do not have the shape {instrument} needs") from None
    raise InvalidInput("instrument", f"must be PEG, PSFS, TSK11 or PGIC, got {instrument!r}")
