"""One writer at a time on a SQLite file, handed over at once instead of after a sleep.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in SQLite's
busy handler, which sleeps in growing steps (up to 100 ms) between tries, so under load the lock
sits free while waiters sleep: `bench/api.py` saw logging served at a quarter of the trivial
endpoint's rate with a p99 of 3 s, the server processes mostly idle. pacewise's own writers
therefore queue at a gate before `BEGIN IMMEDIATE`:

- inside a process, on a `threading.Lock`: a waiting thread wakes the moment it is released;
- between processes (two `pacewise serve` on one file, a worker, the CLI), on an advisory
  `flock` of a lock file beside the database, tried every fraction of a millisecond by the one
  thread per process that holds the first gate.

The gate is given up when the transaction ends (commit, rollback or close), and waiting longer
than the busy timeout raises SQLite's own "database is locked", as before. Other programs that
open the file (the `sqlite3` shell, a backup tool) do not know the gate; SQLite's own lock and busy
timeout still keep them safe. Readers never pass the gate: in WAL mode they never wait.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the in-process gate alone
    fcntl = None  # type: ignore[assignment]

_FIRST_POLL_S = 0.0001
_LONGEST_POLL_S = 0.002

_THREAD_GATES: dict[str, threading.Lock] = {}
_THREAD_GATES_LOCK = threading.Lock()


def lock_file_of(database: str) -> Path:
    """The file whose `flock` stands for the write lock: beside the database, like its WAL."""
    return Path(f"{database}-writer.lock")


def _thread_gate(path: Path) -> threading.Lock:
    key = str(path)
    with _THREAD_GATES_LOCK:
        gate = _THREAD_GATES.get(key)
        if gate is None:
            gate = _THREAD_GATES[key] = threading.Lock()
        return gate


class WriterGate:
    """The gate as one connection sees it: taken before its write transaction begins and given
    up when that transaction ends. Not shared between connections (each has its own file
    descriptor, so a forked process never shares a lock with its parent)."""

    def __init__(self, path: Path, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self._threads = _thread_gate(path)
        self._fd: int | None = None
        self.held = False

    def acquire(self) -> None:
        """Wait for the gate; `sqlite3.OperationalError` after the busy timeout."""
        if self.held:
            return
        deadline = time.monotonic() + self.timeout_s
        if not self._threads.acquire(timeout=self.timeout_s):
            raise sqlite3.OperationalError("database is locked")
        try:
            self._take_file_lock(deadline)
        except BaseException:
            self._threads.release()
            raise
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            if self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        try:
            self.release()
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _take_file_lock(self, deadline: float) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        pause = _FIRST_POLL_S
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_POLL_S)


def gated_connection_class(path: Path, timeout_s: float) -> type[sqlite3.Connection]:
    """A `sqlite3.Connection` (for `sqlite3.connect(factory=...)`) that owns a `WriterGate`
    for `path` and gives it up whenever its transaction ends."""

    class GatedConnection(sqlite3.Connection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.writer_gate = WriterGate(path, timeout_s)

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                if not self.in_transaction:  # a failed COMMIT keeps it until the rollback
                    self.writer_gate.release()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                if not self.in_transaction:
                    self.writer_gate.release()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self.writer_gate.close()

    return GatedConnection
