"""One SQLAlchemy engine per database URL, set up the way pacewise needs it.

SQLite (the embedded default) gets WAL mode so readers never wait for the writer, foreign keys
switched on (SQLite leaves them off), and a busy timeout so concurrent writers queue instead of
failing. Each transaction begins IMMEDIATE: a use case that reads and then writes takes the write
lock up front, because a WAL reader whose snapshot went stale cannot upgrade to a writer and
would fail at once instead of waiting. So on SQLite, never open a second connection while a
transaction is open: it would wait for the first. Only a transaction opened on a connection
marked `READ_ONLY` (see `UnitOfWork.reading`) begins DEFERRED, so readers run side by side with
each other and with the one writer. Writers to a file queue at `sqlite_gate`'s gate before they
begin, so the lock passes to the next one at once. PostgreSQL URLs are routed to psycopg 3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from pacewise.adapters.db.sqlite_gate import gated_connection_class, lock_file_of

SQLITE_BUSY_TIMEOUT_MS = 10_000
POOL_SIZE = 20
"""Connections kept open per process, on either database; a server runs as many requests at once
(see `web.app`), so under load no request opens and closes a connection of its own. With
SQLAlchemy's default (5 kept, 10 more opened and closed as needed) a loaded server spent its
time connecting: on PostgreSQL each connection is a new backend process (most of a core outside
the server, `bench/api.py`), and on SQLite each one opens the file and its WAL index and sets
the pragmas again (today's plan went from 402 to 665 req/s and logging from 319 to 467 with
20 kept open)."""
POOL_OVERFLOW = 20
"""Beyond `POOL_SIZE`, connections opened for a burst (a script, a job) and closed after."""
READ_ONLY = "pacewise_read_only"
"""Execution option: this connection's transactions only read (a write is refused)."""
_WRITES = ("INSERT", "UPDATE", "DELETE")


class WriteWhileReading(RuntimeError):
    """A statement that writes, sent on a connection opened to read only: a bug."""


def read_only_options(engine: Engine) -> dict[str, Any]:
    """Execution options for units of work that only read (`UnitOfWork.reading`).

    On PostgreSQL they also run without a transaction of their own: at READ COMMITTED, its
    default and ours, each statement sees its own snapshot inside a transaction too, so
    `BEGIN` and `ROLLBACK` were two round trips that bought nothing (`bench/api.py` with 200
    patients, interleaved: today's plan again 402 and 321 → 461 and 382 req/s, the database's
    CPU a request halved). Writes are refused on such connections (`_refuse_writes`), since
    without a transaction there would be nothing to roll them back."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "AUTOCOMMIT"
    return options


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3; everything else is kept as given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if not is_sqlite(url):
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )
        event.listen(engine, "before_cursor_execute", _refuse_writes)
        return engine
    parsed = make_url(url)
    database = parsed.database
    connect_args: dict[str, Any] = {
        "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        "check_same_thread": False,
    }
    pool: dict[str, int] = {}
    if database and database != ":memory:":  # memory databases have a pool of their own kind
        pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        if not parsed.query.get("mode"):  # a `mode=` URI (read-only, memory) keeps SQLite's lock
            connect_args["factory"] = gated_connection_class(
                lock_file_of(database), SQLITE_BUSY_TIMEOUT_MS / 1000
            )
    engine = create_engine(url, connect_args=connect_args, **pool)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _begin_immediate)
    event.listen(engine, "before_cursor_execute", _refuse_writes)
    return engine


def _refuse_writes(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
    if statement.lstrip()[:6].upper() in _WRITES and connection.get_execution_options().get(
        READ_ONLY, False
    ):
        raise WriteWhileReading(f"a read-only unit of work sent: {statement[:80]}")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # transactions are begun by `_begin_immediate`
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    if connection.get_execution_options().get(READ_ONLY, False):
        connection.exec_driver_sql("BEGIN")
        return
    gate = getattr(connection.connection.driver_connection, "writer_gate", None)
    if gate is None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    gate.acquire()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        gate.release()
        raise
