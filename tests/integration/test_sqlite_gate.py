"""The SQLite writer gate (adapters/db/sqlite_gate.py): taken for each write transaction, given up
when it ends whatever the ending, refused after the timeout while another process holds it, and
never taken by readers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from pacewise.adapters.db.engine import READ_ONLY, make_engine
from pacewise.adapters.db.sqlite_gate import WriterGate, lock_file_of


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "gate.sqlite"


@pytest.fixture
def engine(database: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{database}")
    with made.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    yield made
    made.dispose()


def _gate_of(connection: object) -> WriterGate:
    gate = connection.connection.driver_connection.writer_gate  # type: ignore[attr-defined]
    assert isinstance(gate, WriterGate)
    return gate


def test_a_write_transaction_holds_the_gate_until_commit(engine: Engine, database: Path) -> None:
    with engine.connect() as connection:
        gate = _gate_of(connection)
        assert gate.path == lock_file_of(str(database))
        with connection.begin():
            connection.execute(text("INSERT INTO t VALUES (1)"))
            assert gate.held
        assert not gate.held
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 1


def test_a_rolled_back_or_failed_transaction_gives_the_gate_up(engine: Engine) -> None:
    with engine.connect() as connection:
        gate = _gate_of(connection)
        with pytest.raises(OperationalError), connection.begin():
            connection.execute(text("INSERT INTO missing VALUES (1)"))
        assert not gate.held
        transaction = connection.begin()
        connection.execute(text("INSERT INTO t VALUES (2)"))
        transaction.rollback()
        assert not gate.held
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 0


def test_a_reader_never_takes_the_gate(engine: Engine) -> None:
    with engine.connect() as connection:
        reading = connection.execution_options(**{READ_ONLY: True})
        with reading.begin():
            reading.execute(text("SELECT count(*) FROM t"))
            assert not _gate_of(connection).held


def _hold_in_another_process(lock: Path) -> subprocess.Popen[str]:
    """A process that takes the file lock, says so, and keeps it until its input closes."""
    script = textwrap.dedent(
        f"""
        import fcntl, os, sys
        fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("held", flush=True)
        sys.stdin.read()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_another_process_holding_the_gate_makes_a_writer_wait_then_give_up(
    database: Path,
) -> None:
    lock = lock_file_of(str(database))
    holder = _hold_in_another_process(lock)
    gate = WriterGate(lock, timeout_s=0.2)
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            gate.acquire()
        assert not gate.held
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    gate.acquire()
    assert gate.held
    gate.close()
    assert not gate.held


def test_a_second_connection_in_the_same_process_waits_for_the_first(database: Path) -> None:
    lock = lock_file_of(str(database))
    first, second = WriterGate(lock, timeout_s=0.2), WriterGate(lock, timeout_s=0.2)
    first.acquire()
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        second.acquire()
    first.release()
    second.acquire()
    assert second.held
    assert not first.held
    second.close()
    first.close()
