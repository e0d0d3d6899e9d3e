"""Concurrent writers lose nothing, on SQLite (WAL, busy timeout) and PostgreSQL (issue 4)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session
from pacewise.services.inputs import SessionInput
from tests.integration.test_store import START, new_patient

THREADS = 20
EACH = 5


def test_twenty_threads_logging_sessions_for_one_patient_lose_nothing(engine: Engine) -> None:
    patient = new_patient(engine)
    caller = Caller(patient, "patient")

    def log_some(thread: int) -> list[int]:
        ids = []
        for number in range(EACH):
            entry = SessionInput.model_validate(
                {
                    "date": (START + dt.timedelta(days=number)).isoformat(),
                    "minutes": 1 + thread + number / 10,
                    "checkin": ["new_radiation"] if number == 0 else ["tired_muscles"],
                }
            )
            ids.append(log_session(UnitOfWork(engine), caller, patient, entry).session_id)
        return ids

    with ThreadPoolExecutor(THREADS) as pool:
        logged = [session for ids in pool.map(log_some, range(THREADS)) for session in ids]

    assert len(set(logged)) == THREADS * EACH
    with UnitOfWork(engine) as uow:
        stored = uow.sessions.for_patient(patient)
        checkins = uow.sessions.checkins_for(patient)
        alerts = uow.alerts.for_patient(patient)
        assert sorted(row.id for row in stored) == sorted(logged)
        assert sorted(checkins) == sorted(logged)
        assert len(alerts) == THREADS
        expected = sum(1 + t + n / 10 for t in range(THREADS) for n in range(EACH))
        assert abs(sum(row.minutes for row in stored) - expected) < 1e-6
