"""Importing a patient's file into the database (issue 6): all or nothing, each session once,
and daily totals that count toward the plan. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from pacewise.adapters.db.models import ActivitySession, AuditEvent, CheckIn, DailyActivity
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.importers.records import (
    DailyTotal,
    ImportedRecord,
    ImportedSession,
    Progress,
    RefusedFile,
)
from pacewise.domain.model import Kind
from pacewise.services.access import Caller
from pacewise.services.imports import JobView, run_import_job, start_import
from pacewise.services.plans import plan_for
from pacewise.services.replays import REPLAYS
from tests.integration.conftest import CLINIC_START, Clinic

HEADER = "date,start,minutes,kind,pain_before,pain_after\n"


def rows(*offsets: int) -> str:
    return "".join(
        f"{CLINIC_START + dt.timedelta(days=offset)},08:{offset % 60:02d},{10 + offset},walk,3,4\n"
        for offset in offsets
    )


def import_text(
    engine: Engine, patient: int, text: str, folder: Path, *, caller: Caller | None = None
) -> JobView:
    """Upload `text` as a CSV (a copy in an uploads folder) and run its job to the end."""
    uploads = folder / "uploads"
    uploads.mkdir(exist_ok=True)
    stored = uploads / f"upload-{len(list(uploads.iterdir()))}.csv"
    stored.write_text(text)
    job = start_import(
        UnitOfWork(engine),
        caller or Caller(patient, "patient"),
        patient,
        filename="log.csv",
        stored_path=stored,
        size=stored.stat().st_size,
    )
    finished = run_import_job(UnitOfWork(engine), job.id)
    assert finished is not None
    return finished


def session_count(engine: Engine, patient: int) -> int:
    with UnitOfWork(engine) as uow:
        return (
            uow.sessions.db.scalar(
                select(func.count())
                .select_from(ActivitySession)
                .where(ActivitySession.patient_id == patient)
            )
            or 0
        )


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    clinic: Clinic, tmp_path: Path
) -> None:
    text = HEADER + rows(0, 1, 2, 3)
    first = import_text(clinic.engine, clinic.patient, text, tmp_path)
    assert (first.status, first.added, first.already_present) == ("done", 4, 0)
    second = import_text(clinic.engine, clinic.patient, text, tmp_path)
    assert (second.status, second.added, second.already_present) == ("done", 0, 4)
    assert session_count(clinic.engine, clinic.patient) == 4
    assert list((tmp_path / "uploads").iterdir()) == [], "uploads are deleted when jobs end"


def test_a_newer_overlapping_file_adds_only_the_new_sessions(
    clinic: Clinic, tmp_path: Path
) -> None:
    import_text(clinic.engine, clinic.patient, HEADER + rows(0, 1, 2), tmp_path)
    newer = import_text(clinic.engine, clinic.patient, HEADER + rows(1, 2, 3, 4), tmp_path)
    assert (newer.added, newer.already_present) == (2, 2)
    assert session_count(clinic.engine, clinic.patient) == 5


def test_imported_sessions_keep_their_values_and_have_no_checkin(
    clinic: Clinic, tmp_path: Path
) -> None:
    import_text(clinic.engine, clinic.patient, HEADER + rows(2), tmp_path)
    with UnitOfWork(clinic.engine) as uow:
        (session,) = uow.sessions.for_patient(clinic.patient)
        assert (session.date, session.start_time) == (CLINIC_START + dt.timedelta(2), dt.time(8, 2))
        assert (session.minutes, session.kind, session.source) == (12.0, "walk", "csv")
        assert (session.pain_before, session.pain_after) == (3, 4)
        assert uow.sessions.db.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_rows_that_break_a_rule_are_skipped_with_their_reasons(
    clinic: Clinic, tmp_path: Path
) -> None:
    text = (
        HEADER
        + rows(0)
        + "2026-01-06,,900,walk,,\n"
        + "2026-01-07,,20,skydiving,,\n"
        + "1900-01-07,,20,walk,,\n"
        + "2026-01-08,,30,walk,2,11\n"
        + "2026-01-09,,0,walk,,\n"
    )
    job = import_text(clinic.engine, clinic.patient, text, tmp_path)
    assert (job.added, job.skipped) == (1, 5)
    assert {(item.reason, item.count) for item in job.skipped_reasons} == {
        ("minutes outside 1-600", 2),
        ("an unknown kind of activity", 1),
        ("a date before 2000 or in the future", 1),
        ("a pain rating outside 0-10", 1),
    }


def test_a_refused_file_fails_its_job_and_writes_nothing(clinic: Clinic, tmp_path: Path) -> None:
    text = "when,how long\n2026-01-05,20\n"
    job = import_text(clinic.engine, clinic.patient, text, tmp_path)
    assert job.status == "failed"
    assert job.error.startswith("the first line must be the header date,start,minutes,kind")
    assert job.added == 0
    assert session_count(clinic.engine, clinic.patient) == 0
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_file_refused_halfway_writes_none_of_the_sessions_before_it(
    clinic: Clinic, tmp_path: Path
) -> None:
    """A file whose fault shows only late (here: bytes that are not text after good rows)."""
    good = (HEADER + rows(*range(40))).encode()
    stored = tmp_path / "late-fault.csv"
    stored.write_bytes(good + b"2026-01-05,,10,walk,,\xff\xfe\n")
    job = start_import(
        UnitOfWork(clinic.engine),
        Caller(clinic.patient, "patient"),
        clinic.patient,
        filename="late-fault.csv",
        stored_path=stored,
        size=stored.stat().st_size,
    )
    finished = run_import_job(UnitOfWork(clinic.engine), job.id)
    assert finished is not None
    assert finished.status == "failed"
    assert "not UTF-8" in finished.error
    assert session_count(clinic.engine, clinic.patient) == 0
    assert not stored.exists()


def daily_totals_reader(
    totals: list[DailyTotal],
) -> object:
    """Stands in for a phone export's parser: yields the given days' totals."""

    def read(
        path: Path, *, time_zone: ZoneInfo, progress: Progress | None = None
    ) -> Iterator[ImportedRecord]:
        if progress is not None:
            progress(path.stat().st_size)
        yield from totals

    return read


def run_with_reader(engine: Engine, patient: int, tmp_path: Path, reader: object) -> JobView:
    stored = tmp_path / "export.xml"
    stored.write_text("<HealthData/>")
    job = start_import(
        UnitOfWork(engine),
        Caller(patient, "patient"),
        patient,
        filename="export.xml",
        stored_path=stored,
        size=stored.stat().st_size,
    )
    finished = run_import_job(UnitOfWork(engine), job.id, reader=reader)  # type: ignore[arg-type]
    assert finished is not None
    return finished


def test_a_day_with_only_recorded_exercise_minutes_counts_in_the_week(
    clinic: Clinic, tmp_path: Path
) -> None:
    base = f"/api/v1/patients/{clinic.patient}/weeks?date={CLINIC_START + dt.timedelta(6)}"
    before = clinic.client.get(base, headers=clinic.as_("pat")).json()["items"][0]
    assert before["done_minutes"] == 0
    day = CLINIC_START + dt.timedelta(days=2)
    job = run_with_reader(
        clinic.engine,
        clinic.patient,
        tmp_path,
        daily_totals_reader(
            [
                DailyTotal("apple_health", day, steps=4200, exercise_minutes=30.0),
                DailyTotal("watch", day, steps=None, exercise_minutes=12.0),
            ]
        ),
    )
    assert (job.status, job.daily_totals) == ("done", 2)
    after = clinic.client.get(base, headers=clinic.as_("pat")).json()["items"][0]
    assert after["done_minutes"] == 30.0, "the larger source's minutes, not both added"
    assert after["active_days"] == 1


def test_a_newer_export_replaces_the_same_days_totals(clinic: Clinic, tmp_path: Path) -> None:
    day = CLINIC_START + dt.timedelta(days=1)
    for minutes in (20.0, 26.0):
        run_with_reader(
            clinic.engine,
            clinic.patient,
            tmp_path,
            daily_totals_reader([DailyTotal("apple_health", day, 3000, minutes)]),
        )
    with UnitOfWork(clinic.engine) as uow:
        found = uow.sessions.db.execute(
            select(DailyActivity.exercise_minutes).where(DailyActivity.patient_id == clinic.patient)
        ).all()
    assert [minutes for (minutes,) in found] == [26.0]


def test_an_import_makes_the_kept_plan_replay_afresh(clinic: Clinic, tmp_path: Path) -> None:
    patient = Caller(clinic.patient, "patient")
    day = CLINIC_START + dt.timedelta(days=3)
    first = plan_for(UnitOfWork(clinic.engine), patient, clinic.patient, day)
    plan_for(UnitOfWork(clinic.engine), patient, clinic.patient, day)
    misses = REPLAYS.misses
    import_text(clinic.engine, clinic.patient, HEADER + rows(1), tmp_path)
    after = plan_for(UnitOfWork(clinic.engine), patient, clinic.patient, day)
    assert REPLAYS.misses == misses + 1
    assert first.week is not None
    assert after.week is not None
    assert (first.week.done_minutes, after.week.done_minutes) == (0, 11)


def test_a_clinician_import_is_audited_for_the_patient(clinic: Clinic, tmp_path: Path) -> None:
    with UnitOfWork(clinic.engine) as uow:
        doc = uow.users.by_email("doc@example.org")
        assert doc is not None
        doc_id = doc.id
    import_text(
        clinic.engine,
        clinic.patient,
        HEADER + rows(0),
        tmp_path,
        caller=Caller(doc_id, "clinician"),
    )
    with UnitOfWork(clinic.engine) as uow:
        actions = [
            (event.action, event.actor_id)
            for event in uow.sessions.db.scalars(
                select(AuditEvent).where(AuditEvent.patient_id == clinic.patient)
            )
        ]
    assert ("import.started", doc_id) in actions
    assert ("import.finished", doc_id) in actions


def test_a_parser_refusing_after_some_sessions_writes_none_of_them(
    clinic: Clinic, tmp_path: Path
) -> None:
    def breaks_halfway(
        path: Path, *, time_zone: ZoneInfo, progress: Progress | None = None
    ) -> Iterator[ImportedRecord]:
        yield ImportedSession("gpx", "a", CLINIC_START, None, 20.0, Kind.WALK)
        raise RefusedFile("the GPX file ends in the middle of a track")

    job = run_with_reader(clinic.engine, clinic.patient, tmp_path, breaks_halfway)
    assert (job.status, job.error) == ("failed", "the GPX file ends in the middle of a track")
    assert session_count(clinic.engine, clinic.patient) == 0
    assert not (tmp_path / "export.xml").exists()


def test_a_record_the_database_cannot_hold_is_skipped_not_fatal(
    clinic: Clinic, tmp_path: Path
) -> None:
    """Whatever a parser lets through, one odd record never fails the whole write."""

    def odd_records(
        path: Path, *, time_zone: ZoneInfo, progress: Progress | None = None
    ) -> Iterator[ImportedRecord]:
        yield ImportedSession("gpx", "fine", CLINIC_START, None, 20.0, Kind.WALK)
        yield ImportedSession("gpx", "negative", CLINIC_START, None, -5.0, Kind.WALK)
        yield ImportedSession("gpx", "pain", CLINIC_START, None, 5.0, Kind.WALK, pain_after=12)
        yield DailyTotal("watch", CLINIC_START, steps=-10, exercise_minutes=None)

    job = run_with_reader(clinic.engine, clinic.patient, tmp_path, odd_records)
    assert (job.status, job.added, job.daily_totals) == ("done", 1, 0)
    assert [(item.reason, item.count) for item in job.skipped_reasons] == [
        ("values the record cannot hold", 3)
    ]
