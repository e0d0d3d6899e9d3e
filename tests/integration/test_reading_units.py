"""A unit of work opened to read (`uow.reading()`) refuses to write, on both databases; on
PostgreSQL it runs without a transaction of its own (issue 4: two round trips fewer a read),
and the pooled connection is back in a transaction for the next writer."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, func, select

from pacewise.adapters.db.engine import WriteWhileReading
from pacewise.adapters.db.models import AuditEvent
from pacewise.adapters.db.unit_of_work import UnitOfWork


def audit_events(engine: Engine) -> int:
    with UnitOfWork(engine).reading() as uow:
        return uow.audit.db.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_a_reading_unit_refuses_a_write_and_keeps_nothing(engine: Engine) -> None:
    before = audit_events(engine)
    uow = UnitOfWork(engine)
    with pytest.raises(WriteWhileReading, match="INSERT INTO audit_events"):
        _write_while_reading(uow)
    with pytest.raises(WriteWhileReading), uow.reading():
        uow.audit.record_each("patient.listed", actor_id=1, actor_role="", patient_ids=[2, 3])
    assert audit_events(engine) == before
    with uow:  # the same unit writes when opened to write
        uow.audit.record("patient.viewed", actor_id=1, patient_id=2)
        uow.commit()
    assert audit_events(engine) == before + 1


def _write_while_reading(uow: UnitOfWork) -> None:
    with uow.reading():
        uow.audit.record("patient.viewed", actor_id=1, patient_id=2)
        uow.audit.db.flush()


def test_on_postgresql_a_read_needs_no_transaction_and_a_write_still_gets_one(
    engine: Engine,
) -> None:
    """On SQLite a read keeps its own transaction: one snapshot for all its statements."""
    uow = UnitOfWork(engine)
    for _ in range(3):  # the pool hands the same connections out again
        with uow.reading():
            reading = uow.users.db.connection().connection.driver_connection
            uow.users.by_email("nobody@example.org")
            read_in_transaction = _in_transaction(reading)
        with uow:
            writing = uow.users.db.connection().connection.driver_connection
            uow.audit.record("patient.viewed", actor_id=1, patient_id=2)
            uow.audit.db.flush()
            wrote_in_transaction = _in_transaction(writing)
        expected = engine.dialect.name == "sqlite"
        assert (read_in_transaction, wrote_in_transaction) == (expected, True)
    assert audit_events(engine) == 0  # each write was rolled back with its transaction


def _in_transaction(driver_connection: object) -> bool:
    if isinstance(driver_connection, sqlite3.Connection):
        return driver_connection.in_transaction
    assert isinstance(driver_connection, psycopg.Connection)
    return bool(driver_connection.info.transaction_status != TransactionStatus.IDLE)
