"""A consistent copy of a SQLite database while the app keeps running.

SQLite's online backup API copies pages under a read transaction, so writers may go on and the
copy is a snapshot. PostgreSQL has its own tool for this (pg_dump; see README).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine


class BackupNotSupported(RuntimeError):
    pass


def backup_sqlite(engine: Engine, target: Path) -> None:
    if engine.dialect.name != "sqlite":
        raise BackupNotSupported(
            "this database is PostgreSQL: back it up with pg_dump (see README, Backups)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    finally:
        raw.close()
