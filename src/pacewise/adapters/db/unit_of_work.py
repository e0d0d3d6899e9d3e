"""The unit of work: one transaction per use case, committed in one place (STYLE.md).

A service opens `with uow:`, works through the repositories, and calls `uow.commit()`; leaving
the block without committing (or with an exception) rolls everything back, so a failed use case
leaves nothing half-written. A use case that only reads opens `with uow.reading():` instead: on
SQLite it then does not queue behind writers (see `engine`). It must not write.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from pacewise.adapters.db.engine import READ_ONLY
from pacewise.adapters.db.repositories import (
    AcupunctureVisits,
    Alerts,
    Audit,
    Care,
    Flares,
    PainRatings,
    Prescriptions,
    Questionnaires,
    Sessions,
    Users,
)


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

    def __init__(self, engine: Engine) -> None:
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self._read_factory = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        self._read_only = False
        self._db: DbSession | None = None

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

    def commit(self) -> None:
        assert self._db is not None, "commit() belongs inside `with uow:`"
        self._db.commit()
