"""Reading a patient's logged sessions one at a time: a day's entries, and a check-in's result.

The pages need what the API's list gives, for one day or one session, and the result of a
session's check-in as it was stored when it was triaged (PROTOCOL.md 3). What to do now is put
into words by the domain's triage, from the stored answers and ratings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.adapters.db.models import ActivitySession, CheckIn
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Level, triage
from pacewise.services.access import Caller, NotFound, open_patient_record, transaction_for
from pacewise.services.activity_log import SessionView
from pacewise.services.records import prescription_on


@dataclass(frozen=True, slots=True)
class CheckinResult:
    """A session's triage as stored, and what to do now."""

    session: SessionView
    level: Level
    reasons: tuple[str, ...]
    advice: str
    card: str
    emergency: bool


def sessions_on(
    uow: UnitOfWork, caller: Caller, patient_id: int, day: dt.date
) -> list[SessionView]:
    """The sessions logged on `day`, in the order they were logged, with their check-ins."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "sessions.viewed")
        rows = uow.sessions.on_day(patient_id, day)
        checkins = uow.sessions.checkins_of([row.id for row in rows])
        views = [_view(row, checkins.get(row.id)) for row in rows]
        uow.commit()
        return views


def session_entry(uow: UnitOfWork, caller: Caller, patient_id: int, session_id: int) -> SessionView:
    """One logged session with its check-in; NotFound when it is not this patient's."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "session.viewed")
        row = uow.sessions.get(patient_id, session_id)
        if row is None:
            raise NotFound(session_id)
        view = _view(row, uow.sessions.checkins_of([row.id]).get(row.id))
        uow.commit()
        return view


def checkin_result(
    uow: UnitOfWork, caller: Caller, patient_id: int, session_id: int
) -> CheckinResult:
    """The stored triage of a session's check-in, with the domain's advice (PROTOCOL.md 3).

    The level, reasons and card are those stored when the session was triaged, which are the
    ones the clinician's alert rests on; the advice comes from the same answers and ratings.
    """
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "session.viewed")
        row = uow.sessions.get(patient_id, session_id)
        if row is None:
            raise NotFound(session_id)
        checkin = uow.sessions.checkins_of([row.id]).get(row.id)
        view = _view(row, checkin)
        rx = prescription_on(uow, patient_id, row.date)
        uow.commit()
    worded = triage(view.checkin, view.pain_before, view.pain_after, rx)
    if checkin is None:
        level, reasons, card = worded.level, worded.reasons, worded.card
    else:
        level, reasons, card = Level(checkin.level), tuple(checkin.reasons), checkin.card
    return CheckinResult(view, level, reasons, worded.advice, card, worded.emergency)


def _view(row: ActivitySession, checkin: CheckIn | None) -> SessionView:
    return SessionView(
        row.id,
        row.date,
        row.start_time,
        row.minutes,
        row.kind,
        row.effort,
        row.pain_before,
        row.pain_after,
        row.source,
        tuple(checkin.codes) if checkin else (),
        checkin.level if checkin else None,
    )
