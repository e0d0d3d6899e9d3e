"""Imports as background jobs on a real huey queue, SQLite storage and Redis, with a real
consumer thread (issue 6); and crash recovery: a job whose worker died is run once more and
completes without duplicates, and gives up cleanly after three runs.

Redis comes from PACEWISE_TEST_REDIS_URL (CI sets it: a server that does not answer then fails
the tests), or from a server answering at 127.0.0.1:6379.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, update

from pacewise.adapters.db.models import ImportJob
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.queue import ThreadConsumer, start_consumer_thread
from pacewise.config import Settings
from pacewise.services.access import Caller
from pacewise.services.import_queue import ImportQueue, import_queue
from pacewise.services.imports import JobView, job_view, start_import, start_local_import
from tests.integration.conftest import Clinic
from tests.integration.test_imports import HEADER, import_text, rows, session_count

REDIS_ENV = "PACEWISE_TEST_REDIS_URL"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _redis_url() -> str | None:
    configured = os.environ.get(REDIS_ENV)
    if configured:
        return configured
    try:
        redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return None
    return LOCAL_REDIS


REDIS_URL = _redis_url()
QUEUES = ["sqlite", "redis"] if REDIS_URL else ["sqlite"]


@pytest.fixture(params=QUEUES)
def queue(request: pytest.FixtureRequest, clinic: Clinic, tmp_path: Path) -> Iterator[ImportQueue]:
    """The import tasks on a queue of their own (a distinct name per test)."""
    settings = Settings(
        data_dir=tmp_path / "data",
        redis_url=REDIS_URL if request.param == "redis" else None,
        queue_name=f"pacewise-test-{uuid.uuid4().hex[:12]}",
    )
    made = import_queue(settings, clinic.engine)
    yield made
    made.huey.flush()


def upload(clinic: Clinic, tmp_path: Path, text: str) -> JobView:
    stored = tmp_path / f"upload-{uuid.uuid4().hex}.csv"
    stored.write_text(text)
    return start_import(
        UnitOfWork(clinic.engine),
        Caller(clinic.patient, "patient"),
        clinic.patient,
        filename="log.csv",
        stored_path=stored,
        size=stored.stat().st_size,
    )


def job_now(engine: Engine, job_id: int) -> JobView:
    with UnitOfWork(engine) as uow:
        job = uow.sessions.db.get(ImportJob, job_id)
        assert job is not None
        return job_view(job)


def wait_until_ended(engine: Engine, job_id: int, patience: float = 60.0) -> JobView:
    """Polls until the job is done or failed (a generous limit only stops a hung test)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        job = job_now(engine, job_id)
        if job.status in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job_now(engine, job_id).status}")


def consumer(queue: ImportQueue) -> ThreadConsumer:
    return start_consumer_thread(queue.huey, max_delay=0.5)


def test_a_queued_import_runs_on_a_worker_thread(
    clinic: Clinic, queue: ImportQueue, tmp_path: Path
) -> None:
    job = upload(clinic, tmp_path, HEADER + rows(0, 1, 2))
    queue.enqueue(job.id)
    assert job_now(clinic.engine, job.id).status == "pending"
    worker = consumer(queue)
    try:
        ended = wait_until_ended(clinic.engine, job.id)
    finally:
        worker.stop(graceful=True)
    assert (ended.status, ended.added, ended.attempts) == ("done", 3, 1)
    assert session_count(clinic.engine, clinic.patient) == 3
    assert list(tmp_path.glob("upload-*")) == []


def make_stale(engine: Engine, job_id: int, status: str, attempts: int) -> None:
    """As a worker killed mid-job leaves it: running (or never started), silent for 10 min."""
    with UnitOfWork(engine) as uow:
        uow.sessions.db.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(
                status=status,
                attempts=attempts,
                bytes_read=10,
                updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10),
            )
        )
        uow.commit()


def test_a_job_whose_worker_died_is_run_once_more_without_duplicates(
    clinic: Clinic, queue: ImportQueue, tmp_path: Path
) -> None:
    import_text(clinic.engine, clinic.patient, HEADER + rows(0, 1), tmp_path)
    job = upload(clinic, tmp_path, HEADER + rows(0, 1, 2, 3))
    make_stale(clinic.engine, job.id, "running", attempts=1)
    worker = consumer(queue)  # a worker starting looks for stalled jobs
    try:
        ended = wait_until_ended(clinic.engine, job.id)
    finally:
        worker.stop(graceful=True)
    assert (ended.status, ended.attempts) == ("done", 2)
    assert (ended.added, ended.already_present) == (2, 2)
    assert session_count(clinic.engine, clinic.patient) == 4


def test_a_pending_job_whose_task_was_lost_is_queued_again(
    clinic: Clinic, queue: ImportQueue, tmp_path: Path
) -> None:
    job = upload(clinic, tmp_path, HEADER + rows(5))
    make_stale(clinic.engine, job.id, "pending", attempts=0)
    worker = consumer(queue)
    try:
        ended = wait_until_ended(clinic.engine, job.id)
    finally:
        worker.stop(graceful=True)
    assert (ended.status, ended.added) == ("done", 1)


def test_after_three_interrupted_runs_the_job_fails_cleanly(
    clinic: Clinic, queue: ImportQueue, tmp_path: Path
) -> None:
    job = upload(clinic, tmp_path, HEADER + rows(0, 1))
    make_stale(clinic.engine, job.id, "running", attempts=3)
    queue.recover_now()
    ended = job_now(clinic.engine, job.id)
    assert ended.status == "failed"
    assert ended.error.startswith("The import was interrupted 3 times and has stopped")
    assert session_count(clinic.engine, clinic.patient) == 0
    assert list(tmp_path.glob("upload-*")) == []


def test_a_job_with_a_fresh_heartbeat_is_left_alone(
    clinic: Clinic, queue: ImportQueue, tmp_path: Path
) -> None:
    job = upload(clinic, tmp_path, HEADER + rows(0))
    with UnitOfWork(clinic.engine) as uow:
        uow.sessions.db.execute(
            update(ImportJob).where(ImportJob.id == job.id).values(status="running", attempts=1)
        )
        uow.commit()
    queue.recover_now()
    still = job_now(clinic.engine, job.id)
    assert (still.status, still.attempts) == ("running", 1)


def test_a_command_line_import_left_running_is_failed_not_rerun(
    clinic: Clinic, queue: ImportQueue, tmp_path: Path
) -> None:
    """`pacewise import` keeps no copy of the file (it is the user's own): once its process has
    died there is nothing to run again, so the job ends failed and says to import again."""
    log = tmp_path / "mine.csv"
    log.write_text(HEADER + rows(0))
    job = start_local_import(UnitOfWork(clinic.engine), "pat@example.org", log)
    make_stale(clinic.engine, job.id, "running", attempts=1)
    queue.recover_now()
    ended = job_now(clinic.engine, job.id)
    assert ended.status == "failed"
    assert "nothing from it was saved" in ended.error
    assert log.exists(), "the user's own file is never deleted"


def test_uploads_no_job_needs_are_swept_away(
    clinic: Clinic, queue: ImportQueue, tmp_path: Path
) -> None:
    """A broken-off upload (the server stopped mid-upload) leaves a partial file behind: the
    recovery sweep deletes it once it is an hour old, and never a file a job still needs."""
    folder = tmp_path / "data" / "uploads"
    folder.mkdir(parents=True)
    hours_ago = time.time() - 2 * 3600
    stray = folder / "broken-off.zip"
    stray.write_bytes(b"PK\x03\x04")
    os.utime(stray, (hours_ago, hours_ago))
    arriving = folder / "still-arriving.zip"
    arriving.write_bytes(b"PK\x03\x04")
    waiting = folder / "waiting.csv"
    waiting.write_text(HEADER + rows(0))
    os.utime(waiting, (hours_ago, hours_ago))
    start_import(
        UnitOfWork(clinic.engine),
        Caller(clinic.patient, "patient"),
        clinic.patient,
        filename="waiting.csv",
        stored_path=waiting,
        size=waiting.stat().st_size,
    )
    queue.recover_now()
    assert sorted(path.name for path in folder.iterdir()) == ["still-arriving.zip", "waiting.csv"]
