"""Imports as background jobs on the queue (issue 6): the task takes a job's id, and a periodic
task (also run whenever a worker starts) gives stalled jobs another run or fails them, and
deletes uploads no job needs (a broken-off upload). The same queue also brings the clinician
list's stored rankings up to date every minute (`clinician.refresh_rankings`), and every hour
deletes what sign-in will not read again (`sign_in.sweep_sign_ins`).

Every process that queues or runs imports builds the same tasks by the same names through
`import_queue`, whatever the queue's storage.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from huey import Huey, crontab  # type: ignore[import-untyped]
from sqlalchemy import Engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.queue import make_huey, queue_location
from pacewise.config import Settings
from pacewise.services.clinician import refresh_rankings
from pacewise.services.imports import recover_stalled_jobs, remove_stray_uploads, run_import_job
from pacewise.services.sign_in import sweep_sign_ins

log = logging.getLogger(__name__)

RUN_TASK = "pacewise.import.run"
RECOVER_TASK = "pacewise.import.recover"
RANKINGS_TASK = "pacewise.rankings.refresh"
SWEEP_TASK = "pacewise.sign_in.sweep"


@dataclass(frozen=True)
class ImportQueue:
    huey: Huey
    _run: Any
    _recover: Any
    _refresh: Any
    _sweep: Any

    def enqueue(self, job_id: int) -> None:
        """Queue the job to run; if the queue is unreachable the job stays pending and the
        next recovery sweep queues it again."""
        try:
            self._run(job_id)
        except Exception:
            log.exception("could not queue import job %s; recovery will", job_id)

    def recover_now(self) -> None:
        self._recover.call_local()

    def refresh_rankings_now(self) -> None:
        self._refresh.call_local()

    def sweep_sign_ins_now(self) -> None:
        self._sweep.call_local()


_QUEUES: dict[tuple[str, str, str], ImportQueue] = {}
_LOCK = threading.Lock()


def import_queue(settings: Settings, engine: Engine, name: str | None = None) -> ImportQueue:
    """The import tasks on the configured queue, running against `engine` (one per process,
    queue and database)."""
    key = (
        name or settings.queue_name,
        queue_location(settings),
        engine.url.render_as_string(hide_password=True),
    )
    with _LOCK:
        found = _QUEUES.get(key)
        if found is None:
            found = _QUEUES[key] = _build(make_huey(settings, name), engine, settings.uploads)
        return found


def _build(huey: Huey, engine: Engine, uploads: Path) -> ImportQueue:
    @huey.task(name=RUN_TASK)  # type: ignore[untyped-decorator]
    def run(job_id: int) -> None:
        run_import_job(UnitOfWork(engine), job_id)

    def enqueue(job_id: int) -> None:
        run(job_id)

    @huey.periodic_task(crontab(minute="*"), name=RECOVER_TASK)  # type: ignore[untyped-decorator]
    def recover() -> None:
        queued = recover_stalled_jobs(UnitOfWork(engine), enqueue)
        if queued:
            log.info("import jobs queued again after a stall: %s", queued)
        removed = remove_stray_uploads(UnitOfWork(engine), uploads)
        if removed:
            log.info("%s stray uploads deleted", len(removed))

    @huey.on_startup()  # type: ignore[untyped-decorator]
    def recover_at_start() -> None:
        recover.call_local()

    @huey.periodic_task(crontab(minute="*"), name=RANKINGS_TASK)  # type: ignore[untyped-decorator]
    def refresh() -> None:
        done = refresh_rankings(UnitOfWork(engine), dt.datetime.now(dt.UTC))
        if done.ranked or done.left:
            log.info("rankings replayed: %s; still out of date: %s", done.ranked, done.left)

    @huey.periodic_task(crontab(minute="17"), name=SWEEP_TASK)  # type: ignore[untyped-decorator]
    def sweep() -> None:
        swept = sweep_sign_ins(UnitOfWork(engine))
        log.info("sign-in sweep: %s old failed tries, %s ended sessions", *astuple(swept))

    return ImportQueue(huey, run, recover, refresh, sweep)
