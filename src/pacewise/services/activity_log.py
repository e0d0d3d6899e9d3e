"""Use cases of a patient's own log: a session with its check-in, and the daily pain rating.

Each runs in one unit of work: the session, its check-in, its triage result and any alert are
written together or not at all (PROTOCOL.md 3: ASSESS and STOP alert the clinician).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from pacewise.adapters.db.models import MANUAL_SOURCE, AlertRecord, CheckIn
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput, TriageResult, triage
from pacewise.domain.triage import pain_outlasted_a_day
from pacewise.domain.wording import day_words
from pacewise.services.access import Caller, NotFound, open_patient_record, transaction_for
from pacewise.services.inputs import ClockTime, SessionInput
from pacewise.services.records import prescription_on


@dataclass(frozen=True, slots=True)
class LoggedSession:
    session_id: int
    triage: TriageResult
    alert_id: int | None


class AlreadyLogged(Exception):
    """That planned session was logged already (a second tap on "done as planned")."""

    def __init__(self, session_id: int) -> None:
        super().__init__(f"session {session_id} was logged already")
        self.session_id = session_id


def log_as_planned(
    uow: UnitOfWork, caller: Caller, patient_id: int, entry: SessionInput
) -> LoggedSession:
    """Log a planned session as done, once: the plan's date and time name it, so a second tap
    (or a form sent twice) raises AlreadyLogged with the first one instead of logging twice.
    The database's unique (source, source id) decides, so two taps at once cannot both win."""
    start = entry.start.strftime("%H:%M") if entry.start else "any"
    planned_id = f"planned:{entry.date.isoformat()}:{start}"
    try:
        return log_session(uow, caller, patient_id, entry, source_id=planned_id)
    except IntegrityError:
        with uow.reading():
            found = uow.sessions.by_source_id(patient_id, MANUAL_SOURCE, planned_id)
        if found is None:
            raise
        raise AlreadyLogged(found) from None


def log_session(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    entry: SessionInput,
    source_id: str | None = None,
) -> LoggedSession:
    """Record one session typed in by the patient, triage its check-in, alert if needed."""
    with uow:
        open_patient_record(uow, caller, patient_id, "session.logged")
        rx = prescription_on(uow, patient_id, entry.date)
        result = triage(entry.checkin, entry.pain_before, entry.pain_after, rx)
        session_id = uow.sessions.add_logged(
            {
                "patient_id": patient_id,
                "date": entry.date,
                "start_time": entry.start,
                "minutes": float(entry.minutes),
                "kind": entry.kind.value,
                "effort": entry.effort,
                "pain_before": entry.pain_before,
                "pain_after": entry.pain_after,
                "source": MANUAL_SOURCE,
                "source_id": source_id or uuid.uuid4().hex,
            },
            {
                "codes": list(entry.checkin),
                "level": result.level.value,
                "reasons": list(result.reasons),
                "card": result.card,
            },
        )
        alert_id = (
            _raise_alert(uow, patient_id, session_id, entry.date, result)
            if result.raises_alert
            else None
        )
        uow.commit()
        return LoggedSession(session_id, result, alert_id)


def rate_daily_pain(
    uow: UnitOfWork, caller: Caller, patient_id: int, day: dt.date, pain: int
) -> list[int]:
    """Save the day's pain rating; returns the ids of alerts it raised.

    A rating still well above the pain before yesterday's session means the session's pain has
    outlasted 24 hours: ASSESS (PROTOCOL.md 3, numeric rules), raised once per session.
    """
    with uow:
        open_patient_record(uow, caller, patient_id, "pain.rated")
        uow.pain.set(patient_id, day, pain)
        yesterday = day - dt.timedelta(days=1)
        rx = prescription_on(uow, patient_id, yesterday)
        raised: list[int] = []
        already = {row.session_id for row in uow.alerts.raised_on(patient_id, day)}
        for session in uow.sessions.on_day(patient_id, yesterday):
            if session.id in already:
                continue
            if pain_outlasted_a_day(session.pain_before, pain, rx):
                alert = uow.alerts.add(
                    AlertRecord(
                        patient_id=patient_id,
                        session_id=session.id,
                        raised_on=day,
                        level="ASSESS",
                        reason=(
                            f"Pain the day after the session of {day_words(session.date)} was "
                            f"{pain}, still {rx.assess_next_day_rise_points} or more points above "
                            f"the {session.pain_before} before it"
                        ),
                    )
                )
                raised.append(alert.id)
        uow.commit()
        return raised


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    date: dt.date
    start: ClockTime | None
    minutes: float
    kind: str
    effort: int | None
    pain_before: int | None
    pain_after: int | None
    source: str
    checkin: tuple[str, ...]
    level: str | None


def list_sessions(
    uow: UnitOfWork, caller: Caller, patient_id: int, limit: int, offset: int
) -> tuple[list[SessionView], int]:
    """One page of sessions, newest first, with their check-in and its level."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "sessions.viewed")
        rows, total = uow.sessions.page(patient_id, limit, offset)
        checkins = uow.sessions.checkins_of([row.id for row in rows])
        views = [
            SessionView(
                row.id,
                row.date,
                row.start_time,
                row.minutes,
                row.kind,
                row.effort,
                row.pain_before,
                row.pain_after,
                row.source,
                tuple(checkins[row.id].codes) if row.id in checkins else (),
                checkins[row.id].level if row.id in checkins else None,
            )
            for row in rows
        ]
        uow.commit()
        return views, total


def delete_session(uow: UnitOfWork, caller: Caller, patient_id: int, session_id: int) -> None:
    """Remove a session and its check-in; an alert it raised stays for the clinician."""
    with uow:
        open_patient_record(uow, caller, patient_id, "session.deleted")
        session = uow.sessions.get(patient_id, session_id)
        if session is None:
            raise NotFound(session_id)
        uow.sessions.delete(session)
        uow.commit()


IMPORTED_FIELDS_LOCKED = frozenset({"date", "start", "minutes", "kind"})


def edit_session(
    uow: UnitOfWork, caller: Caller, patient_id: int, session_id: int, changes: dict[str, Any]
) -> LoggedSession:
    """Change a logged session and triage it again; a new warning sign raises an alert.

    What an imported file recorded (day, start, minutes, kind) is left to the file, so a
    re-import never disagrees with an edit; the patient's own ratings can always change.
    """
    with uow:
        open_patient_record(uow, caller, patient_id, "session.edited")
        session = uow.sessions.get(patient_id, session_id)
        if session is None:
            raise NotFound(session_id)
        locked = sorted(IMPORTED_FIELDS_LOCKED & changes.keys())
        if session.source != MANUAL_SOURCE and locked:
            raise InvalidInput(locked[0], f"comes from the imported {session.source} record")
        for field, value in changes.items():
            if field == "checkin":
                continue
            setattr(session, "start_time" if field == "start" else field, value)
        checkin = uow.sessions.checkins_of([session.id]).get(session.id)
        codes = tuple(changes.get("checkin", checkin.codes if checkin else ()))
        rx = prescription_on(uow, patient_id, session.date)
        result = triage(codes, session.pain_before, session.pain_after, rx)
        if checkin is None:
            checkin = uow.sessions.add_checkin(
                CheckIn(session_id=session.id, patient_id=patient_id, level="CONTINUE", card="")
            )
        checkin.codes = list(codes)
        checkin.level = result.level.value
        checkin.reasons = list(result.reasons)
        checkin.card = result.card
        alert_id = next(
            (a.id for a in uow.alerts.for_patient(patient_id) if a.session_id == session.id), None
        )
        if result.raises_alert and alert_id is None:
            alert_id = _raise_alert(uow, patient_id, session.id, session.date, result)
        uow.commit()
        return LoggedSession(session.id, result, alert_id)


def _raise_alert(
    uow: UnitOfWork, patient_id: int, session_id: int, day: dt.date, result: TriageResult
) -> int:
    """The clinician's alert for a session whose check-in needs a review (PROTOCOL.md 3)."""
    alert = uow.alerts.add(
        AlertRecord(
            patient_id=patient_id,
            session_id=session_id,
            raised_on=day,
            level=result.level.value,
            reason=f"{'; '.join(result.reasons)} ({day_words(day)})",
        )
    )
    return alert.id
