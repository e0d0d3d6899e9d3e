"""The background refresh of the clinician list's stored rankings: every patient in care is
ranked on their clinician's local date, as the list would rank them; a refresh that runs out of
time leaves the rest to the next; a change afterwards makes a ranking due again; the queue runs
it every minute."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select, update

from pacewise.adapters.db.models import PatientStatus, User
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.config import Settings
from pacewise.services.clinician import Refreshed, refresh_rankings
from pacewise.services.import_queue import RANKINGS_TASK, import_queue
from tests.integration.conftest import Clinic
from tests.integration.test_clinician_list import listed, listed_from_scratch

NOW = dt.datetime.now(dt.UTC)


def by_patient(engine: Engine, *columns: Any) -> dict[int, tuple[Any, ...]]:
    """patient id: the given columns of their status row, for every status row."""
    with UnitOfWork(engine) as uow:
        rows = uow.users.db.execute(select(PatientStatus.patient_id, *columns)).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def stored(engine: Engine) -> dict[int, tuple[Any, ...]]:
    """patient id: (version, computed version, computed for)."""
    return by_patient(
        engine, PatientStatus.version, PatientStatus.computed_version, PatientStatus.computed_for
    )


def rankings(engine: Engine) -> dict[int, tuple[Any, ...]]:
    """patient id: (rank, reasons, computed for) of every stored ranking."""
    return by_patient(engine, PatientStatus.rank, PatientStatus.reasons, PatientStatus.computed_for)


def test_a_refresh_ranks_every_patient_in_care_as_the_list_would(
    clinic: Clinic, engine: Engine
) -> None:
    assert {computed for _, computed, _ in stored(engine).values()} == {-1}  # none ranked yet
    assert refresh_rankings(UnitOfWork(engine), NOW) == Refreshed(ranked=2, left=0)
    found = stored(engine)
    assert len(found) == 2
    assert clinic.patient in found
    assert all(
        computed == version and day == NOW.date() for version, computed, day in found.values()
    )
    refreshed = rankings(engine)
    listed_from_scratch(clinic, engine)  # the list replays every patient and stores its own
    assert rankings(engine) == refreshed
    assert refresh_rankings(UnitOfWork(engine), NOW) == Refreshed(ranked=0, left=0)


def test_the_list_reads_what_the_refresh_stored(clinic: Clinic, engine: Engine) -> None:
    refresh_rankings(UnitOfWork(engine), NOW)
    version, _, day = stored(engine)[clinic.patient]
    assert day is not None
    with UnitOfWork(engine) as uow:  # a mark only a stored ranking can carry
        assert uow.statuses.save(clinic.patient, version, day, [0], ["marked by the test"])
        uow.commit()
    assert ("pat@example.org", ["marked by the test"]) in listed(clinic)


def test_a_ranking_is_read_on_the_clinicians_local_date(clinic: Clinic, engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.users.db.execute(
            update(User)
            .where(User.email == "doc@example.org")
            .values(time_zone="Pacific/Kiritimati")
        )
        uow.commit()
    late_evening_utc = dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC)  # 30 Nov, 10:00 there
    refresh_rankings(UnitOfWork(engine), late_evening_utc)
    assert {day for _, _, day in stored(engine).values()} == {dt.date(2026, 11, 30)}
    refresh_rankings(UnitOfWork(engine), late_evening_utc + dt.timedelta(hours=1))
    assert {day for _, _, day in stored(engine).values()} == {dt.date(2026, 11, 30)}


def test_a_refresh_out_of_time_leaves_the_rest_to_the_next(engine: Engine, clinic: Clinic) -> None:
    ticks = itertools.count()

    def clock() -> float:  # one second passes each time the refresh looks
        return float(next(ticks))

    first = refresh_rankings(UnitOfWork(engine), NOW, budget_s=1.5, clock=clock)
    assert first == Refreshed(ranked=1, left=1)
    assert refresh_rankings(UnitOfWork(engine), NOW, budget_s=1.5, clock=clock) == Refreshed(1, 0)


def test_a_change_after_the_refresh_makes_that_ranking_due_again(
    clinic: Clinic, engine: Engine
) -> None:
    refresh_rankings(UnitOfWork(engine), NOW)
    answer = clinic.client.post(
        f"/api/v1/patients/{clinic.patient}/sessions",
        json={"date": NOW.date().isoformat(), "minutes": 5, "checkin": ["dizziness_or_fainting"]},
        headers=clinic.as_("pat"),
    )
    assert answer.status_code == 201, answer.text
    version, computed, _ = stored(engine)[clinic.patient]
    assert computed < version
    assert refresh_rankings(UnitOfWork(engine), NOW) == Refreshed(ranked=1, left=0)
    version, computed, _ = stored(engine)[clinic.patient]
    assert computed == version
    assert listed(clinic)[0][1][0].startswith("STOP alert")
    assert refresh_rankings(UnitOfWork(engine), NOW + dt.timedelta(days=1)).ranked == 2


def test_the_queue_refreshes_rankings_every_minute(clinic: Clinic, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", queue_name=f"pacewise-test-{uuid.uuid4().hex}")
    queue = import_queue(settings, clinic.engine)
    for minute in (0, 1, 37):
        due = {task.name for task in queue.huey.read_periodic(NOW.replace(minute=minute))}
        assert RANKINGS_TASK in due
    queue.refresh_rankings_now()
    assert all(day == NOW.date() for _, _, day in stored(clinic.engine).values())
    assert len(stored(clinic.engine)) == 2


def test_a_patient_without_a_status_row_gets_one_and_is_ranked(
    clinic: Clinic, engine: Engine
) -> None:
    with UnitOfWork(engine) as uow:
        uow.users.db.execute(delete(PatientStatus))
        uow.commit()
    assert refresh_rankings(UnitOfWork(engine), NOW) == Refreshed(ranked=2, left=0)
    assert {(computed, day) for _, computed, day in stored(engine).values()} == {(0, NOW.date())}
