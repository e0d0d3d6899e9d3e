"""`pacewise import` (issue 6): the --json summary, one line and exit 2 for a refused file, and
a `kill -9` halfway through a large file followed by a rerun: nothing duplicated, nothing lost."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from pacewise.adapters.db.models import ImportJob
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.cli import app
from tests.integration.conftest import Clinic
from tests.integration.test_imports import HEADER, rows, session_count

PACEWISE = str(Path(sys.executable).with_name("pacewise"))


@pytest.fixture
def database_env(clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    url = clinic.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PACEWISE_DATABASE_URL", url)
    return {**os.environ, "PACEWISE_DATABASE_URL": url}


def test_json_prints_the_summary_as_one_object(
    clinic: Clinic, database_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(HEADER + rows(0, 1, 2) + "2026-01-09,,0,walk,,\n" + "2026-01-10,,5,skiing,,\n")
    first = CliRunner().invoke(app, ["import", str(log), "--patient", "pat@example.org", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {
        "added": 3,
        "already_present": 0,
        "skipped": [
            {"reason": "an unknown kind of activity", "count": 1},
            {"reason": "minutes outside 1-600", "count": 1},
        ],
        "daily_totals": 0,
    }
    again = CliRunner().invoke(app, ["import", str(log), "--patient", "pat@example.org", "--json"])
    assert json.loads(again.stdout)["already_present"] == 3
    assert log.exists(), "the command never deletes the file it was given"


def test_without_json_it_draws_a_summary_table(
    clinic: Clinic, database_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(HEADER + rows(0, 1))
    shown = CliRunner().invoke(app, ["import", str(log), "--patient", "pat@example.org"])
    assert shown.exit_code == 0, shown.output
    assert "Sessions added" in shown.stdout
    assert "2" in shown.stdout


def test_a_refused_file_exits_2_with_one_line(
    clinic: Clinic, database_env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("what,when\nwalk,today\n")
    refused = CliRunner().invoke(
        app, ["import", str(bad), "--patient", "pat@example.org", "--json"]
    )
    assert refused.exit_code == 2
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: the first line must be the header")
    assert session_count(clinic.engine, clinic.patient) == 0


def test_an_unknown_patient_or_none_exits_2(
    clinic: Clinic, database_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(HEADER + rows(0))
    unknown = CliRunner().invoke(app, ["import", str(log), "--patient", "nobody@example.org"])
    assert (unknown.exit_code, unknown.stderr.strip()) == (
        2,
        "error: there is no patient with the e-mail address nobody@example.org",
    )
    missing = CliRunner().invoke(app, ["import", str(log)])
    assert missing.exit_code == 2
    assert "--patient" in missing.stderr


def large_log(path: Path, count: int) -> None:
    """`count` distinct sessions: one a day for ~25 years, at a later minute each round."""
    first = dt.date(2001, 1, 1)
    with path.open("w") as out:
        out.write("date,start,minutes,kind\n")
        for index in range(count):
            minute = index // 9000
            day = first + dt.timedelta(days=index % 9000)
            out.write(f"{day},{minute // 60:02d}:{minute % 60:02d},{10 + index % 50},walk\n")


def bytes_read_of_running_job(engine: Engine) -> int:
    """How far the running import has read (0 while none runs or none has reported yet)."""
    with UnitOfWork(engine) as uow:
        found = uow.sessions.db.scalar(
            select(ImportJob.bytes_read).where(ImportJob.status == "running")
        )
        return int(found or 0)


def test_kill_9_halfway_then_a_rerun_neither_duplicates_nor_loses(
    clinic: Clinic, database_env: dict[str, str], tmp_path: Path
) -> None:
    count = 100_000
    log = tmp_path / "years.csv"
    large_log(log, count)
    command = [PACEWISE, "import", str(log), "--patient", "pat@example.org", "--json"]
    process = subprocess.Popen(
        command, env=database_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        read = bytes_read_of_running_job(clinic.engine)
        while read == 0 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
            read = bytes_read_of_running_job(clinic.engine)
        assert 0 < read < log.stat().st_size, "killed while reading the file"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert session_count(clinic.engine, clinic.patient) == 0, "nothing half written"

    rerun = subprocess.run(command, env=database_env, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["added"] == count
    assert session_count(clinic.engine, clinic.patient) == count

    again = subprocess.run(command, env=database_env, capture_output=True, text=True, check=False)
    assert json.loads(again.stdout)["added"] == 0
    assert json.loads(again.stdout)["already_present"] == count
    assert session_count(clinic.engine, clinic.patient) == count
