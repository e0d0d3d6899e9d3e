"""A patient's history replayed through the engine, kept in memory while it stays true.

Reading a year of records costs far more than the engine's replay of them, and a patient opens
today's plan many times between two changes. Each replay is kept under the patient's record
version (bumped in the same transaction as every change, see `PatientStatus`) and the day, so a
change anywhere, through any app process, makes the next read replay afresh. Each process keeps
its own small least-recently-used store; nothing here is shared or needs to be.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Final

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import History, ProtocolResult, run_protocol
from pacewise.services.records import load_history

Replay = tuple[History, ProtocolResult]
Key = tuple[str, int, int, dt.date]


class ReplayStore:
    """At most `size` replays, the least recently used dropped first; safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Key, Replay] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Key) -> Replay | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Key, replay: Replay) -> None:
        with self._lock:
            self._items[key] = replay
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


REPLAYS: Final = ReplayStore(size=256)


def replay(uow: UnitOfWork, patient_id: int, day: dt.date) -> Replay:
    """The patient's history and its replay up to `day`, inside the caller's open unit of work.

    Without a stored record version (a patient made before versions existed, or by a bulk
    import) the replay is made afresh every time, never kept.
    """
    version = uow.statuses.version_of(patient_id)
    key: Key = (uow.database_key, patient_id, version if version is not None else -1, day)
    if version is not None:
        found = REPLAYS.get(key)
        if found is not None:
            return found
    history = load_history(uow, patient_id)
    made = (history, run_protocol(history, day))
    if version is not None:
        REPLAYS.put(key, made)
    return made
