"""The store on SQLite and PostgreSQL: schema from migrations, one transaction per use case,
deletion that removes health data, and plans from stored records (issue 4, storage)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import HEAD_REVISION, current_revision, upgrade
from pacewise.adapters.db.models import (
    ActivitySession,
    AlertRecord,
    AuditEvent,
    Base,
    CheckIn,
    DailyPain,
    PrescriptionVersion,
    User,
)
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Decision, Level, run_protocol
from pacewise.services.access import Caller
from pacewise.services.activity_log import log_session, rate_daily_pain
from pacewise.services.inputs import SessionInput
from pacewise.services.plans import plan_for
from pacewise.services.records import NoPrescription, load_history

START = dt.date(2026, 1, 5)


def new_patient(engine: Engine, email: str = "pat@example.org", **settings: object) -> int:
    with UnitOfWork(engine) as uow:
        patient = uow.users.add(User(email=email, role="patient"))
        uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=patient.id,
                condition="low_back_pain",
                start_date=START,
                settings=dict(settings),
            )
        )
        uow.commit()
        return patient.id


def session(day: dt.date, minutes: float = 5, **fields: object) -> SessionInput:
    return SessionInput.model_validate({"date": day.isoformat(), "minutes": minutes, **fields})


def count(engine: Engine, table: type[Base]) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def test_migrations_build_the_schema_the_models_describe(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_from_an_older_revision_still_runs_the_missing_migrations(tmp_path: Path) -> None:
    """The at-head shortcut must not skip a database one migration behind."""
    older = make_engine(f"sqlite:///{tmp_path / 'older.sqlite'}")
    try:
        upgrade(older, "0006")
        with older.connect() as connection:
            assert current_revision(connection) == "0006"
            assert "calendar_feeds" not in inspect(connection).get_table_names()
        upgrade(older)
        with older.connect() as connection:
            assert current_revision(connection) == HEAD_REVISION
            assert "calendar_feeds" in inspect(connection).get_table_names()
    finally:
        older.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    """SQLite leaves them off unless asked; a row pointing at no patient must be refused."""
    with UnitOfWork(engine) as uow:
        uow.pain.db.add(DailyPain(patient_id=999_999, date=START, pain=3))
        with pytest.raises(IntegrityError):
            uow.pain.db.flush()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with sqlite.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert (connection.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000
    sqlite.dispose()


def test_logging_a_session_stores_its_checkin_triage_and_alert(engine: Engine) -> None:
    patient = new_patient(engine)
    logged = log_session(
        UnitOfWork(engine),
        Caller(patient, "patient"),
        patient,
        session(START, pain_before=4, checkin=["new_radiation"]),
    )
    assert logged.triage.level is Level.ASSESS
    assert logged.alert_id is not None
    with UnitOfWork(engine) as uow:
        stored = uow.sessions.get(patient, logged.session_id)
        assert stored is not None
        assert stored.minutes == 5
        assert stored.source == "manual"
        checkin = uow.sessions.checkins_for(patient)[logged.session_id]
        assert checkin.codes == ["new_radiation"]
        assert checkin.level == "ASSESS"
        assert checkin.card == "see_physician"
        alert = uow.alerts.get(patient, logged.alert_id)
        assert alert is not None
        assert alert.level == "ASSESS"
        assert alert.cleared_on is None


def test_a_continue_checkin_raises_no_alert(engine: Engine) -> None:
    patient = new_patient(engine)
    logged = log_session(
        UnitOfWork(engine),
        Caller(patient, "patient"),
        patient,
        session(START, checkin=["tired_muscles"]),
    )
    assert logged.triage.level is Level.CONTINUE
    assert logged.alert_id is None
    assert count(engine, AlertRecord) == 0
    assert count(engine, CheckIn) == 1


def test_a_failed_use_case_writes_nothing(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        patient = uow.users.add(User(email="new@example.org", role="patient")).id
        uow.commit()
    with pytest.raises(NoPrescription):
        log_session(
            UnitOfWork(engine),
            Caller(patient, "patient"),
            patient,
            session(START, checkin=["chest_pain_or_breathless"]),
        )
    assert count(engine, ActivitySession) == 0
    assert count(engine, AlertRecord) == 0


def test_leaving_a_unit_of_work_without_commit_rolls_back(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.users.add(User(email="ghost@example.org", role="patient"))
    assert count(engine, User) == 0


def test_a_reader_does_not_wait_for_a_writer_and_sees_only_committed_rows(
    engine: Engine,
) -> None:
    patient = new_patient(engine)
    caller = Caller(patient, "patient")
    with UnitOfWork(engine) as writer:
        writer.users.add(User(email="pending@example.org", role="patient"))
        # On SQLite the writer holds the database's write lock until it ends; a reader that
        # began IMMEDIATE would wait the whole busy timeout and then fail.
        view = plan_for(UnitOfWork(engine), caller, patient, START)
        assert view.week is not None
        with UnitOfWork(engine).reading() as reader:
            assert reader.users.by_email("pending@example.org") is None
        writer.commit()
    assert count(engine, User) == 2


def test_source_and_source_id_are_unique_per_patient(engine: Engine) -> None:
    patient = new_patient(engine)
    with UnitOfWork(engine) as uow:
        for _ in range(2):
            uow.sessions.db.add(
                ActivitySession(
                    patient_id=patient,
                    date=START,
                    minutes=10,
                    kind="walk",
                    source="gpx",
                    source_id="track-1",
                )
            )
        with pytest.raises(IntegrityError):
            uow.sessions.db.flush()


def test_pain_outside_0_to_10_is_refused_by_the_database_too(engine: Engine) -> None:
    patient = new_patient(engine)
    with UnitOfWork(engine) as uow:
        uow.sessions.db.add(
            ActivitySession(
                patient_id=patient,
                date=START,
                minutes=10,
                kind="walk",
                pain_before=11,
                source="manual",
                source_id="x",
            )
        )
        with pytest.raises(IntegrityError):
            uow.sessions.db.flush()


def test_pain_that_outlasts_a_day_raises_one_assess_alert(engine: Engine) -> None:
    patient = new_patient(engine)
    log_session(
        UnitOfWork(engine),
        Caller(patient, "patient"),
        patient,
        session(START, pain_before=4, pain_after=5),
    )
    next_day = START + dt.timedelta(days=1)
    first = rate_daily_pain(UnitOfWork(engine), Caller(patient, "patient"), patient, next_day, 6)
    again = rate_daily_pain(UnitOfWork(engine), Caller(patient, "patient"), patient, next_day, 7)
    assert len(first) == 1
    assert again == []
    with UnitOfWork(engine) as uow:
        (alert,) = uow.alerts.for_patient(patient)
        assert alert.level == "ASSESS"
        assert alert.raised_on == next_day
        assert uow.pain.for_patient(patient) == {next_day: 7}


def test_deleting_a_patient_removes_their_health_data_and_keeps_the_audit(engine: Engine) -> None:
    patient = new_patient(engine)
    other = new_patient(engine, "other@example.org")
    log_session(
        UnitOfWork(engine),
        Caller(patient, "patient"),
        patient,
        session(START, checkin=["joint_swelling"]),
    )
    log_session(UnitOfWork(engine), Caller(other, "patient"), other, session(START))
    rate_daily_pain(UnitOfWork(engine), Caller(patient, "patient"), patient, START, 5)
    with UnitOfWork(engine) as uow:
        user = uow.users.get(patient)
        assert user is not None
        uow.users.delete(user)
        uow.audit.record("account.deleted", actor_id=patient, patient_id=patient)
        uow.commit()
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "patient_id" in table.c and table.name != AuditEvent.__tablename__:
                left = connection.scalar(
                    select(func.count()).select_from(table).where(table.c.patient_id == patient)
                )
                assert left == 0, table.name
        actions = connection.scalars(select(AuditEvent.action)).all()
        assert actions == ["account.deleted"]
    assert count(engine, ActivitySession) == 1  # the other patient's session stays


def test_the_stored_history_plans_as_the_engine_does(engine: Engine) -> None:
    patient = new_patient(engine)
    for week in range(3):
        with UnitOfWork(engine) as uow:
            history = load_history(uow, patient)
        planned = run_protocol(history, START + dt.timedelta(days=7 * week)).weeks[-1].planned
        for each in planned:
            log_session(
                UnitOfWork(engine),
                Caller(patient, "patient"),
                patient,
                session(each.date, each.minutes, kind=each.kind.value),
            )
    with UnitOfWork(engine) as uow:
        history = load_history(uow, patient)
    weeks = run_protocol(history, START + dt.timedelta(days=20)).weeks
    assert [week.decision for week in weeks] == [
        Decision.BASELINE,
        Decision.BASELINE,
        Decision.PROGRESS,
    ]
    assert weeks[2].weekly_minutes == pytest.approx(16.5)
    assert len(history.sessions) == 9
