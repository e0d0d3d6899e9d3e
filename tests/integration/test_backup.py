"""`pacewise db backup`: a consistent copy that restores with every row (issue 4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from pacewise.adapters.db.backup import BackupNotSupported, backup_sqlite
from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.models import Base
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.cli import app
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session, rate_daily_pain
from pacewise.services.inputs import SessionInput
from tests.integration.test_store import START, new_patient


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def test_a_backup_restores_with_every_row(engine: Engine, tmp_path: Path) -> None:
    patient = new_patient(engine)
    for day in range(5):
        entry = SessionInput.model_validate(
            {
                "date": (START + dt.timedelta(days=day)).isoformat(),
                "minutes": 5 + day,
                "checkin": ["tired_muscles"],
            }
        )
        log_session(UnitOfWork(engine), Caller(patient, "patient"), patient, entry)
        rate_daily_pain(
            UnitOfWork(engine),
            Caller(patient, "patient"),
            patient,
            START + dt.timedelta(days=day),
            4,
        )
    copy = tmp_path / "copy.sqlite3"
    if engine.dialect.name != "sqlite":
        with pytest.raises(BackupNotSupported, match="pg_dump"):
            backup_sqlite(engine, copy)
        return
    with UnitOfWork(engine) as uow:  # a reader holds the database open during the backup
        uow.pain.for_patient(patient)
        backup_sqlite(engine, copy)
    restored = make_engine(f"sqlite:///{copy}")
    counts = row_counts(restored)
    restored.dispose()
    assert counts == row_counts(engine)
    assert counts["activity_sessions"] == 5
    assert counts["daily_pain"] == 5


def test_db_upgrade_and_backup_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "data" / "pacewise.sqlite3"
    monkeypatch.setenv("PACEWISE_DATABASE_URL", f"sqlite:///{database}")
    runner = CliRunner()
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.stderr
    assert database.exists()
    backed_up = runner.invoke(app, ["db", "backup", str(tmp_path / "copy.sqlite3")])
    assert backed_up.exit_code == 0, backed_up.stderr
    copy = make_engine(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    assert set(row_counts(copy)) == {table.name for table in Base.metadata.sorted_tables}
    copy.dispose()
    shown = runner.invoke(app, ["info"])
    assert str(database) in shown.stdout
