"""Replays kept in memory stay true: any change, through any process, is seen at once."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Engine

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session
from pacewise.services.inputs import SessionInput
from pacewise.services.plans import plan_for
from pacewise.services.replays import REPLAYS, Replay, ReplayStore
from tests.integration.conftest import CLINIC_START, Clinic


def test_a_change_made_through_another_engine_is_seen_on_the_next_read(
    clinic: Clinic, engine: Engine
) -> None:
    patient = Caller(clinic.patient, "patient")
    day = CLINIC_START + dt.timedelta(days=3)
    first = plan_for(UnitOfWork(engine), patient, clinic.patient, day)
    hits = REPLAYS.hits
    again = plan_for(UnitOfWork(engine), patient, clinic.patient, day)
    assert REPLAYS.hits == hits + 1
    assert again.result is first.result

    # Another app process: its own engine on the same database.
    other_process = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        log_session(
            UnitOfWork(other_process),
            patient,
            clinic.patient,
            SessionInput.model_validate({"date": CLINIC_START.isoformat(), "minutes": 7}),
        )
    finally:
        other_process.dispose()
    after = plan_for(UnitOfWork(engine), patient, clinic.patient, day)
    assert first.week is not None
    assert after.week is not None
    assert first.week.done_minutes == 0
    assert after.week.done_minutes == 7


def test_the_store_keeps_the_most_recently_used_replays() -> None:
    store = ReplayStore(size=2)
    replay = cast(Replay, (object(), object()))  # any values: the store never looks inside
    keys = [("db", patient, 0, CLINIC_START) for patient in (1, 2, 3)]
    store.put(keys[0], replay)
    store.put(keys[1], replay)
    assert store.get(keys[0]) is replay
    store.put(keys[2], replay)
    assert store.get(keys[1]) is None
    assert store.get(keys[0]) is replay
    assert store.get(keys[2]) is replay
    assert (store.hits, store.misses) == (3, 1)
