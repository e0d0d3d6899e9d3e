"""Importing a patient's file (issue 6): start a job, run it, follow it.

A job streams the file's records, noting its progress in short transactions of their own (so
any app process can show it), keeps the sessions and daily totals in memory (a few thousand
even in a 3 GB export) and writes them ALL in ONE transaction that also finishes the job. A
refused file, an error or a killed worker therefore writes no session at all, and a rerun adds
each session once: (patient, source, source id) is unique and inserts skip what is there.

Imported sessions carry no check-in (nobody answered one), so they need no triage: triage reads
a check-in's answers and pains (PROTOCOL.md 3), and the next day's pain rating still judges
them like any session.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pacewise.adapters.db.models import ImportJob
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.importers import read_records
from pacewise.adapters.importers.records import (
    DailyTotal,
    ImportedRecord,
    ImportedSession,
    Progress,
    RefusedFile,
    SkippedRecord,
)
from pacewise.adapters.importers.workout_overlaps import DUPLICATE, not_yet_recorded
from pacewise.services.access import Caller, NotFound, open_patient_record, transaction_for
from pacewise.services.time_zones import zone_named

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
HEARTBEAT_SECONDS = 0.5
"""How often a running job writes its progress (also its heartbeat): often enough for a page,
rare enough that a fast import spends nearly nothing on it."""
SILENT_FOR = dt.timedelta(minutes=2)
"""A running job without a heartbeat for this long has lost its worker."""
Reader = Callable[..., Iterator[ImportedRecord]]
_STOPPED = (
    "The import stopped before it finished; nothing from it was saved. Please import it again."
)
_GONE = "The file of this import is no longer here; please import it again."


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class SkippedCount:
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class JobView:
    """An import as people see it: where it stands and, once done, what it added."""

    id: int
    patient_id: int
    filename: str
    status: str
    bytes_total: int
    bytes_read: int
    percent: int
    records_seen: int
    added: int
    already_present: int
    skipped: int
    skipped_reasons: list[SkippedCount]
    daily_totals: int
    attempts: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


def job_view(job: ImportJob) -> JobView:
    finished = job.status == "done"
    percent = (
        100 if finished else (100 * job.bytes_read // job.bytes_total if job.bytes_total else 0)
    )
    reasons = sorted((job.skipped_reasons or {}).items(), key=lambda item: (-item[1], item[0]))
    return JobView(
        id=job.id,
        patient_id=job.patient_id,
        filename=job.filename,
        status=job.status,
        bytes_total=job.bytes_total,
        bytes_read=job.bytes_read,
        percent=min(percent, 100),
        records_seen=job.records_seen,
        added=job.added,
        already_present=job.already_present,
        skipped=job.skipped,
        skipped_reasons=[SkippedCount(reason, count) for reason, count in reasons],
        daily_totals=job.daily_totals,
        attempts=job.attempts,
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def may_import(uow: UnitOfWork, caller: Caller, patient_id: int) -> None:
    """Raise NotFound unless `caller` may import for the patient: checked before an upload is
    stored, so a stranger's file never reaches the disk (the start writes the audit event)."""
    if caller.role == "patient" and caller.user_id == patient_id:
        return
    with uow.reading():
        if caller.role == "clinician" and uow.care.is_in_care(caller.user_id, patient_id):
            return
    raise NotFound(patient_id)


def start_import(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    *,
    filename: str,
    stored_path: Path | None,
    size: int,
) -> JobView:
    """Record a pending import of a stored file (the queue then runs it by its id).

    `stored_path` is None for a file the import must not delete (the CLI's own argument): such
    a job cannot be resumed after a crash, only run again.
    """
    with uow:
        open_patient_record(uow, caller, patient_id, "import.started")
        job = uow.imports.add(
            ImportJob(
                patient_id=patient_id,
                created_by=caller.user_id,
                kind=Path(filename).suffix.lower().lstrip(".")[:32] or "file",
                filename=Path(filename).name[:255],
                stored_path=str(stored_path) if stored_path is not None else "",
                status="pending",
                bytes_total=size,
            )
        )
        uow.commit()
        return job_view(job)


def start_local_import(uow: UnitOfWork, patient_email: str, path: Path) -> JobView:
    """Record an import run at the command line by whoever operates the server (no account):
    the audit log says so. The file stays where it is and is never deleted."""
    with uow:
        patient = uow.users.by_email(patient_email)
        if patient is None or patient.role != "patient":
            raise NotFound(patient_email)
        uow.audit.record("import.started", actor_id=None, actor_role="cli", patient_id=patient.id)
        job = uow.imports.add(
            ImportJob(
                patient_id=patient.id,
                created_by=None,
                kind=path.suffix.lower().lstrip(".")[:32] or "file",
                filename=path.name[:255],
                stored_path="",
                status="pending",
                bytes_total=_size(path),
            )
        )
        uow.commit()
        return job_view(job)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def job_progress(uow: UnitOfWork, caller: Caller, patient_id: int, job_id: int) -> JobView:
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "import.viewed")
        job = uow.imports.get(patient_id, job_id)
        if job is None:
            raise NotFound(job_id)
        view = job_view(job)
        uow.commit()
        return view


def list_imports(
    uow: UnitOfWork, caller: Caller, patient_id: int, limit: int, offset: int
) -> tuple[list[JobView], int]:
    """The patient's imports, newest first, and how many there are."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "imports.listed")
        jobs, total = uow.imports.page(patient_id, limit, offset)
        views = [job_view(job) for job in jobs]
        uow.commit()
        return views, total


@dataclass
class _Collected:
    """What a file held, kept until the one write: sessions and daily totals by their keys."""

    sessions: dict[tuple[str, str], ImportedSession] = field(default_factory=dict)
    totals: dict[tuple[str, dt.date], DailyTotal] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    records_seen: int = 0
    bytes_read: int = 0


class _Heartbeat:
    """Writes a job's progress in its own short transaction, at most every HEARTBEAT_SECONDS."""

    def __init__(
        self, uow: UnitOfWork, job_id: int, collected: _Collected, on_progress: Progress | None
    ) -> None:
        self.uow, self.job_id, self.collected = uow, job_id, collected
        self.on_progress = on_progress
        self.last = time.monotonic()

    def bytes_read(self, count: int) -> None:
        self.collected.bytes_read = count
        if self.on_progress is not None:
            self.on_progress(count)
        self.beat()

    def beat(self) -> None:
        moment = time.monotonic()
        if moment - self.last < HEARTBEAT_SECONDS:
            return
        self.last = moment
        with self.uow:
            self.uow.imports.record_progress(
                self.job_id, self.collected.bytes_read, self.collected.records_seen, now()
            )
            self.uow.commit()


def run_import_job(
    uow: UnitOfWork,
    job_id: int,
    *,
    on_progress: Progress | None = None,
    on_record: Callable[[ImportedRecord], None] | None = None,
    reader: Reader | None = None,
    local_path: Path | None = None,
) -> JobView | None:
    """Run a pending job to its end: done with its counts, or failed with a message.

    None when the job was not pending (another worker has it, or it has ended). The worker acts
    for the person who started the import; the start recorded who that was.
    """
    with uow:
        jobs = uow.imports
        job = jobs.by_id(job_id)
        if job is None or job.status != "pending":
            return None
        if job.attempts >= MAX_ATTEMPTS:
            return _fail(uow, job_id, _gave_up(job.attempts))
        if not jobs.claim(job_id, now()):
            return None
        patient = uow.users.get(job.patient_id)
        zone = zone_named(patient.time_zone if patient is not None else "UTC")
        path = Path(job.stored_path) if job.stored_path else local_path
        uow.commit()
    if path is None:
        return _fail(uow, job_id, _GONE)
    collected = _Collected()
    heartbeat = _Heartbeat(uow, job_id, collected, on_progress)
    try:
        for record in (reader or read_records)(path, time_zone=zone, progress=heartbeat.bytes_read):
            _collect(collected, record)
            if on_record is not None:
                on_record(record)
            if collected.records_seen % 2048 == 0:
                heartbeat.beat()
    except RefusedFile as refusal:
        return _fail(uow, job_id, str(refusal) or "This file cannot be imported.")
    except FileNotFoundError:
        return _fail(uow, job_id, _GONE)
    except Exception:
        log.exception("import job %s stopped on an unexpected error", job_id)
        _fail(
            uow, job_id, "The import stopped on an unexpected problem; nothing from it was saved."
        )
        raise
    return _write(uow, job_id, collected)


def _collect(collected: _Collected, record: ImportedRecord) -> None:
    collected.records_seen += 1
    if isinstance(record, SkippedRecord):
        collected.skipped[record.reason] += 1
    elif not _storable(record):
        collected.skipped["values the record cannot hold"] += 1
    elif isinstance(record, ImportedSession):
        collected.sessions[(record.source, record.source_id)] = record
    else:
        collected.totals[(record.source, record.date)] = record


def _storable(record: ImportedSession | DailyTotal) -> bool:
    """The database's own rules (positive minutes, pains 0-10, no negative totals), checked
    here so that one odd record is skipped rather than failing the whole import's write."""
    if isinstance(record, DailyTotal):
        return (record.steps is None or record.steps >= 0) and (
            record.exercise_minutes is None
            or (math.isfinite(record.exercise_minutes) and record.exercise_minutes >= 0)
        )
    pains = (record.pain_before, record.pain_after)
    return (
        math.isfinite(record.minutes)
        and record.minutes > 0
        and all(pain is None or 0 <= pain <= 10 for pain in pains)
    )


def _session_rows(patient_id: int, sessions: Iterable[ImportedSession]) -> Iterator[dict[str, Any]]:
    moment = now()
    for session in sessions:
        yield {
            "patient_id": patient_id,
            "date": session.date,
            "start_time": session.start_time,
            "minutes": float(session.minutes),
            "kind": session.kind.value,
            "pain_before": session.pain_before,
            "pain_after": session.pain_after,
            "source": session.source[:32],
            "source_id": session.source_id[:255],
            "created_at": moment,
            "updated_at": moment,
        }


def _total_rows(patient_id: int, collected: _Collected) -> list[dict[str, Any]]:
    moment = now()
    return [
        {
            "patient_id": patient_id,
            "date": total.date,
            "source": total.source[:32],
            "steps": total.steps,
            "exercise_minutes": total.exercise_minutes,
            "created_at": moment,
            "updated_at": moment,
        }
        for total in collected.totals.values()
        if total.steps is not None or total.exercise_minutes is not None
    ]


def _write(uow: UnitOfWork, job_id: int, collected: _Collected) -> JobView | None:
    """Every session and daily total, and the job's end, in one transaction."""
    with uow:
        job = uow.imports.by_id(job_id)
        if job is None or job.status != "running":
            return None  # recovery handed it to another worker meanwhile: theirs counts
        records = uow.imported
        totals = _total_rows(job.patient_id, collected)
        sessions = _not_yet_recorded(uow, job.patient_id, collected)
        added = records.add_sessions(job.patient_id, _session_rows(job.patient_id, sessions))
        records.put_daily_totals(totals, now())
        uow.changed(job.patient_id)
        stored = job.stored_path
        job.status = "done"
        job.bytes_read = job.bytes_total = max(job.bytes_total, collected.bytes_read)
        job.records_seen = collected.records_seen
        job.added = added
        job.already_present = len(sessions) - added
        job.skipped = sum(collected.skipped.values())
        job.skipped_reasons = dict(collected.skipped)
        job.daily_totals = len(totals)
        job.stored_path = ""
        job.finished_at = now()
        if job.created_by is not None and job.created_by != job.patient_id:
            uow.audit.record(
                "import.finished",
                actor_id=job.created_by,
                actor_role="clinician",
                patient_id=job.patient_id,
                detail={"job": job.id, "added": added},
            )
        view = job_view(job)
        uow.commit()
    _remove(stored)
    return view


def _not_yet_recorded(
    uow: UnitOfWork, patient_id: int, collected: _Collected
) -> list[ImportedSession]:
    """The file's sessions but those the record already holds from another app or device (or
    logged by the patient with a start time); each copy is counted as skipped."""
    sessions = list(collected.sessions.values())
    if not sessions:
        return sessions
    first = min(session.date for session in sessions) - dt.timedelta(days=1)
    last = max(session.date for session in sessions) + dt.timedelta(days=1)
    recorded = [
        (day, start, minutes, source, source_id)
        for day, start, minutes, source, source_id in uow.imported.timed_sessions(
            patient_id, first, last
        )
        if start is not None  # the query asks for these only
    ]
    fresh, copies = not_yet_recorded(sessions, recorded)
    if copies:
        collected.skipped[DUPLICATE] += copies
    return fresh


def _fail(uow: UnitOfWork, job_id: int, message: str) -> JobView | None:
    """End the job as failed, with a message people can act on; its upload is deleted."""
    with uow:
        job = uow.imports.by_id(job_id)
        if job is None:
            return None
        stored = job.stored_path
        job.status = "failed"
        job.error = message
        job.stored_path = ""
        job.finished_at = now()
        view = job_view(job)
        uow.commit()
    _remove(stored)
    log.info("import job %s failed", job_id)
    return view


def _gave_up(attempts: int) -> str:
    return (
        f"The import was interrupted {attempts} times and has stopped; nothing from it was "
        "saved. Please try again, or ask for help if it keeps happening."
    )


def _remove(stored: str) -> None:
    if stored:
        Path(stored).unlink(missing_ok=True)


def recover_stalled_jobs(
    uow: UnitOfWork, enqueue: Callable[[int], None], silent_for: dt.timedelta = SILENT_FOR
) -> list[int]:
    """Give each job no worker looks after another run (queued again), or fail it after
    MAX_ATTEMPTS runs or when its file is gone; the ids queued again.

    Safe to run from every worker at once: reopening and claiming are each one guarded update,
    so a job runs once at a time, and its one-transaction write never doubles a session.
    """
    silent_since = now() - silent_for
    with uow.reading():
        stalled = list(uow.imports.stalled(silent_since))
    queued: list[int] = []
    for job_id in stalled:
        with uow:
            job = uow.imports.by_id(job_id)
            if job is None:
                continue
            attempts, stored = job.attempts, job.stored_path
        if not stored:
            _fail(uow, job_id, _STOPPED)
        elif attempts >= MAX_ATTEMPTS:
            _fail(uow, job_id, _gave_up(attempts))
        else:
            with uow:
                reopened = uow.imports.reopen(job_id, silent_since, now())
                uow.commit()
            if reopened:
                enqueue(job_id)
                queued.append(job_id)
    return queued


STRAY_AFTER = dt.timedelta(hours=1)
"""An upload untouched this long that no job needs was broken off (the server stopped
mid-upload) or outlived its job (the worker died between the write and the deletion)."""


def remove_stray_uploads(
    uow: UnitOfWork, folder: Path, older_than: dt.timedelta = STRAY_AFTER
) -> list[Path]:
    """Delete the upload folder's files that no job will read; the ones deleted."""
    if not folder.is_dir():
        return []
    with uow.reading():
        needed = uow.imports.stored_paths()
    cutoff = time.time() - older_than.total_seconds()
    removed: list[Path] = []
    for path in folder.iterdir():
        if str(path) in needed or not path.is_file() or path.stat().st_mtime >= cutoff:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
