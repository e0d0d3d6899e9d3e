"""`pacewise demo` (what `make run` starts) and `pacewise sample` (the text sample in README).

The demo is started for real, as `make run` starts it, on a SQLite file of its own: it seeds on
the first start, keeps the data on the next, and starts over with `--reset --yes`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import upgrade
from pacewise.adapters.db.models import User
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.cli import app
from pacewise.services.accounts import add_user
from pacewise.services.demo_seed import DEMO_CLINICIAN, DEMO_PASSWORD


def test_sample_prints_the_sample_patients_weeks_and_saves_them_as_svg(tmp_path: Path) -> None:
    picture = tmp_path / "sample.svg"
    result = CliRunner().invoke(app, ["sample", "--start", "2026-01-05", "--svg", str(picture)])
    assert result.exit_code == 0, result.output
    assert "Sample patient: Sam (low back pain), weeks 1-12 from 2026-01-05" in result.output
    assert picture.read_text(encoding="utf-8").startswith("<svg")


def test_sample_refuses_a_bad_start_date() -> None:
    result = CliRunner().invoke(app, ["sample", "--start", "5 Jan"])
    assert result.exit_code == 2
    assert "--start: must be a date as YYYY-MM-DD" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _demo(database: Path, *args: str) -> Iterator[str]:
    """`pacewise demo` running until the block ends; yields what it printed before serving."""
    port = _free_port()
    env = {**os.environ, "PACEWISE_DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "pacewise", "demo", "--port", str(port), *args]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        printed = []
        assert server.stdout is not None
        for line in server.stdout:
            printed.append(line)
            if "Uvicorn running on" in line:
                break
        else:
            raise AssertionError("the demo stopped before serving:\n" + "".join(printed))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=10) as answer:
            assert answer.status == 200
        yield "".join(printed)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _emails(database: Path) -> set[str]:
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        emails = set(connection.scalars(select(User.email)))
        assert connection.scalar(select(func.count()).select_from(User)) == len(emails)
    engine.dispose()
    return emails


def test_demo_seeds_on_first_start_keeps_data_later_and_starts_over_on_reset(
    tmp_path: Path,
) -> None:
    database = tmp_path / "demo.sqlite3"
    with _demo(database) as printed:
        assert f"as the clinician: {DEMO_CLINICIAN}" in printed
        assert DEMO_PASSWORD in printed
    demo_accounts = _emails(database)
    assert len(demo_accounts) == 6
    engine = make_engine(f"sqlite:///{database}")
    add_user(UnitOfWork(engine), "added-later@example.org", "clinician")
    engine.dispose()

    with _demo(database):
        pass
    assert _emails(database) == {*demo_accounts, "added-later@example.org"}

    with _demo(database, "--reset", "--yes"):
        pass
    assert _emails(database) == demo_accounts


def test_demo_reset_deletes_nothing_unless_confirmed(tmp_path: Path) -> None:
    database = tmp_path / "kept.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    add_user(UnitOfWork(engine), "kept@example.org", "clinician")
    engine.dispose()
    result = CliRunner().invoke(
        app,
        ["demo", "--reset"],
        input="n\n",
        env={"PACEWISE_DATABASE_URL": f"sqlite:///{database}"},
    )
    assert result.exit_code == 1
    assert "Nothing was deleted." in result.output
    assert _emails(database) == {"kept@example.org"}
