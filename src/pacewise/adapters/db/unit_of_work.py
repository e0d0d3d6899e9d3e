"""The unit of work: one transaction per use case, committed in one place (STYLE.md).

A service opens `with uow:`, works through the repositories, and calls `uow.commit()`; leaving
the block without committing (or with an exception) rolls everything back, so a failed use case
leaves nothing half-written. A use case that only reads opens `with uow.reading():` instead: on
SQLite it then does not queue behind writers (see `engine`). It must not write.

Every row written with a `patient_id` (other than audit events and the stored rankings
themselves) marks that patient's stored ranking out of date in the same transaction, so no use
case can forget to (see `PatientStatus`). Bulk statements bypass this: call `changed(patient_id)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from types import TracebackType
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from pacewise.adapters.db.calendar_feeds import CalendarFeeds
from pacewise.adapters.db.engine import read_only_options
from pacewise.adapters.db.models import AuditEvent, PatientStatus
from pacewise.adapters.db.patient_exchange import PatientExchange
from pacewise.adapters.db.repositories import (
    CHANGED_PATIENTS,
    AcupunctureVisits,
    Alerts,
    Audit,
    Care,
    Flares,
    ImportedRecords,
    ImportJobs,
    PainRatings,
    PatientStatuses,
    Prescriptions,
    Questionnaires,
    Sessions,
    Users,
    note_changed,
)

_NOT_RECORDS = (AuditEvent, PatientStatus)


class RecordSession(DbSession):
    """A database session that notes whose records its flushes change."""


@event.listens_for(RecordSession, "before_flush")
def _note_changed_patients(db: DbSession, _context: Any, _instances: Any) -> None:
    changed: set[int] = db.info.setdefault(CHANGED_PATIENTS, set())
    for row in (*db.new, *db.dirty, *db.deleted):
        patient_id = getattr(row, "patient_id", None)
        if isinstance(patient_id, int) and not isinstance(row, _NOT_RECORDS):
            changed.add(patient_id)


@dataclass(frozen=True, slots=True)
class _Factories:
    writing: sessionmaker[RecordSession]
    reading: sessionmaker[RecordSession]
    database_key: str


_FACTORIES: WeakKeyDictionary[Engine, _Factories] = WeakKeyDictionary()
_FACTORIES_LOCK = Lock()


def _factories_of(engine: Engine) -> _Factories:
    """The engine's session factories, made once: a unit of work is made per request, and a
    read-only engine view copies the engine's event listeners, which costs more than the
    query a request makes (bench/api.py)."""
    found = _FACTORIES.get(engine)
    if found is None:
        with _FACTORIES_LOCK:
            found = _FACTORIES.get(engine)
            if found is None:
                found = _FACTORIES[engine] = _Factories(
                    sessionmaker(engine, class_=RecordSession, expire_on_commit=False),
                    sessionmaker(
                        engine.execution_options(**read_only_options(engine)),
                        class_=RecordSession,
                        expire_on_commit=False,
                    ),
                    engine.url.render_as_string(hide_password=True),
                )
    return found


class UnitOfWork:
    users: Users
    care: Care
    prescriptions: Prescriptions
    sessions: Sessions
    pain: PainRatings
    flares: Flares
    acupuncture: AcupunctureVisits
    alerts: Alerts
    questionnaires: Questionnaires
    audit: Audit
    statuses: PatientStatuses
    imports: ImportJobs
    imported: ImportedRecords
    calendar_feeds: CalendarFeeds
    exchange: PatientExchange

    def __init__(self, engine: Engine) -> None:
        factories = _factories_of(engine)
        self._factory = factories.writing
        self._read_factory = factories.reading
        self._read_only = False
        self._db: DbSession | None = None
        self.database_key = factories.database_key
        """Names the database, for anything kept per database in memory."""

    def reading(self) -> UnitOfWork:
        """The next `with` block only reads: `with uow.reading(): ...`."""
        self._read_only = True
        return self

    def __enter__(self) -> UnitOfWork:
        factory = self._read_factory if self._read_only else self._factory
        self._read_only = False
        self._db = db = factory()
        self.users = Users(db)
        self.care = Care(db)
        self.prescriptions = Prescriptions(db)
        self.sessions = Sessions(db)
        self.pain = PainRatings(db)
        self.flares = Flares(db)
        self.acupuncture = AcupunctureVisits(db)
        self.alerts = Alerts(db)
        self.questionnaires = Questionnaires(db)
        self.audit = Audit(db)
        self.statuses = PatientStatuses(db)
        self.imports = ImportJobs(db)
        self.imported = ImportedRecords(db)
        self.calendar_feeds = CalendarFeeds(db)
        self.exchange = PatientExchange(db)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._db is not None
        self._db.rollback()
        self._db.close()
        self._db = None

    def changed(self, patient_id: int) -> None:
        """Note a change made by a bulk statement, which the flush hook cannot see."""
        assert self._db is not None, "changed() belongs inside `with uow:`"
        note_changed(self._db, patient_id)

    def commit(self) -> None:
        assert self._db is not None, "commit() belongs inside `with uow:`"
        db = self._db
        db.flush()
        changed = db.info.pop(CHANGED_PATIENTS, set())
        if changed:
            self.statuses.bump(sorted(changed))
        db.commit()
