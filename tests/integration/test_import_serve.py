"""`pacewise serve` runs imports in the same process (issue 6: `make run` is one process): a file
uploaded to the running server is imported by its worker thread, on huey's SQLite storage."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import upgrade
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.config import Settings
from pacewise.services.access import Caller
from pacewise.services.accounts import add_user, create_token
from pacewise.services.import_queue import import_queue
from pacewise.services.imports import job_progress, start_import
from tests.integration.test_cli_demo import _free_port
from tests.integration.test_imports import HEADER, rows


def call(url: str, token: str, body: bytes | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST" if body is not None else "GET",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        found: dict[str, Any] = json.loads(answer.read())
        return found


def test_an_upload_to_pacewise_serve_is_imported_by_its_own_worker(tmp_path: Path) -> None:
    database = tmp_path / "pacewise.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    patient = add_user(UnitOfWork(engine), "pat@example.org", "patient")
    token = create_token(UnitOfWork(engine), "pat@example.org", "t")
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "PACEWISE_DATABASE_URL": f"sqlite:///{database}",
        "PACEWISE_DATA_DIR": str(tmp_path / "data"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "pacewise", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if "Uvicorn running on" in line:
                break
        base = f"http://127.0.0.1:{port}/api/v1/patients/{patient.id}/imports"
        job = call(f"{base}?filename=log.csv", token, (HEADER + rows(0, 1, 2)).encode())
        deadline = time.monotonic() + 60
        while job["status"] in ("pending", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            job = call(f"{base}/{job['id']}", token)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (job["status"], job["added"]) == ("done", 3)
    assert (tmp_path / "data" / "queue.sqlite3").exists()
    assert list((tmp_path / "data" / "uploads").iterdir()) == []


def test_pacewise_worker_runs_a_job_queued_by_another_process(tmp_path: Path) -> None:
    """A separate worker process (as a clinic runs on other machines) takes the job's id from
    the queue and finds everything else in the database."""
    database = tmp_path / "pacewise.sqlite3"
    settings = Settings(database_url=f"sqlite:///{database}", data_dir=tmp_path / "data")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    patient = add_user(UnitOfWork(engine), "pat@example.org", "patient")
    stored = tmp_path / "upload.csv"
    stored.write_text(HEADER + rows(0, 1))
    job = start_import(
        UnitOfWork(engine),
        Caller(patient.id, "patient"),
        patient.id,
        filename="log.csv",
        stored_path=stored,
        size=stored.stat().st_size,
    )
    import_queue(settings, engine).enqueue(job.id)
    env = {
        **os.environ,
        "PACEWISE_DATABASE_URL": settings.database_url,
        "PACEWISE_DATA_DIR": str(settings.data_dir),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "pacewise", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        status = "pending"
        while status in ("pending", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            status = job_progress(
                UnitOfWork(engine), Caller(patient.id, "patient"), patient.id, job.id
            ).status
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
    ended = job_progress(UnitOfWork(engine), Caller(patient.id, "patient"), patient.id, job.id)
    engine.dispose()
    assert (ended.status, ended.added) == ("done", 2)
    assert not stored.exists()
