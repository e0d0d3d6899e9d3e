"""The hourly sweep of what sign-in keeps but will never read again: failed tries older than
their window, and browser sessions past their expiry that nobody presented again. What still
counts stays, and the throttle and live sessions work as before."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from pacewise.adapters.db.models import LoginFailure, WebSession
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.config import Settings
from pacewise.services.accounts import add_user
from pacewise.services.import_queue import SWEEP_TASK, import_queue
from pacewise.services.sign_in import (
    FAILURE_WINDOW,
    IDLE_EXPIRY,
    SLOW_DOWN_AFTER,
    SignInRefused,
    Swept,
    session_caller,
    sign_in,
    sweep_sign_ins,
)

PASSWORD = "slow and steady every day"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ADDRESS = "192.0.2.7"


def rows(engine: Engine, model: type[LoginFailure] | type[WebSession]) -> int:
    with UnitOfWork(engine) as uow:
        return uow.users.db.scalar(select(func.count()).select_from(model)) or 0


def test_the_sweep_keeps_what_still_counts_and_deletes_the_rest(engine: Engine) -> None:
    add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    old = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, ADDRESS, now=T0)
    idle = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, ADDRESS, now=T0)
    for _ in range(SLOW_DOWN_AFTER):  # failed tries an hour before the sweep (for an account
        with pytest.raises(SignInRefused):  # the success below does not clear)
            sign_in(UnitOfWork(engine), "stranger@example.org", "wrong guess", ADDRESS, now=T0)
    later = T0 + dt.timedelta(hours=1)
    live = sign_in(UnitOfWork(engine), "walker@example.org", PASSWORD, ADDRESS, now=later)
    assert session_caller(UnitOfWork(engine), old.session_token, now=later) is None  # idle
    with pytest.raises(SignInRefused):  # one failed try that still counts
        sign_in(UnitOfWork(engine), "nobody@example.org", "wrong guess here", ADDRESS, now=later)
    assert rows(engine, WebSession) == 2  # the idle one nobody presented, the live one
    # Each failed try counts once for the account and once for the address.
    assert rows(engine, LoginFailure) == 2 * (SLOW_DOWN_AFTER + 1)

    assert sweep_sign_ins(UnitOfWork(engine), later) == Swept(
        failures=2 * SLOW_DOWN_AFTER, sessions=1
    )
    assert rows(engine, LoginFailure) == 2
    assert rows(engine, WebSession) == 1
    assert session_caller(UnitOfWork(engine), idle.session_token, now=later) is None
    assert session_caller(UnitOfWork(engine), live.session_token, now=later) is not None
    assert sweep_sign_ins(UnitOfWork(engine), later) == Swept(0, 0)
    past_all = later + max(FAILURE_WINDOW, IDLE_EXPIRY)
    assert sweep_sign_ins(UnitOfWork(engine), past_all) == Swept(failures=2, sessions=1)


def test_the_queue_sweeps_every_hour(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", queue_name=f"pacewise-test-{uuid.uuid4().hex}")
    queue = import_queue(settings, engine)
    due = {
        minute: {t.name for t in queue.huey.read_periodic(T0.replace(minute=minute))}
        for minute in (16, 17, 18)
    }
    assert SWEEP_TASK in due[17]
    assert SWEEP_TASK not in due[16] | due[18]
    add_user(UnitOfWork(engine), "walker@example.org", "patient", password=PASSWORD)
    with pytest.raises(SignInRefused):
        sign_in(UnitOfWork(engine), "walker@example.org", "wrong guess here", ADDRESS, now=T0)
    queue.sweep_sign_ins_now()  # now is long after T0
    assert rows(engine, LoginFailure) == 0
