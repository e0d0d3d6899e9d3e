"""What the clinician's patient page shows beyond plans, sessions and alerts: who the patient is,
and their questionnaire results (PROTOCOL.md 7), newest first.

Like every read of a record by someone else, both are allowed only to the patient and their
clinicians, and a clinician's read is audited (access.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.adapters.db.models import QuestionnaireResponse
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller, NotFound, open_patient_record, transaction_for


@dataclass(frozen=True, slots=True)
class PatientCard:
    """Who the patient is: enough to greet them and to know it is the right record."""

    id: int
    email: str
    display_name: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class QuestionnaireResult:
    """One answered questionnaire: which, when, and its score (scored when submitted)."""

    id: int
    instrument: str
    answered_on: dt.date
    score: float

    @classmethod
    def of(cls, row: QuestionnaireResponse) -> QuestionnaireResult:
        return cls(row.id, row.instrument, row.answered_on, row.score)


def patient_card(uow: UnitOfWork, caller: Caller, patient_id: int) -> PatientCard:
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "patient.viewed")
        user = uow.users.get(patient_id)
        if user is None:  # pragma: no cover - a caller reaches only an existing record
            raise NotFound(patient_id)
        card = PatientCard(user.id, user.email, user.display_name, user.time_zone)
        uow.commit()
    return card


def questionnaire_results(
    uow: UnitOfWork, caller: Caller, patient_id: int, limit: int, offset: int
) -> tuple[list[QuestionnaireResult], int]:
    """One page of answered questionnaires, newest first, and how many there are in all."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "questionnaires.viewed")
        rows, total = uow.questionnaires.page(patient_id, limit, offset)
        results = [QuestionnaireResult.of(row) for row in rows]
        uow.commit()
    return results, total
