"""Every format through the same path into the database (issue 6): an Apple Health export.zip
uploaded through the API, then a newer overlapping one; a GPX file through `pacewise import`."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from pacewise.adapters.db.models import ActivitySession, DailyActivity
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.cli import app
from pacewise.config import Settings
from pacewise.services.imports import JobView, run_import_job
from pacewise.web.app import create_app
from tests.importers.documents import (
    ACTIVITY_SUMMARY,
    apple_export,
    every_minute,
    exercise,
    gpx_document,
    steps,
    workout,
)
from tests.integration.conftest import Clinic


def export_zip(*elements: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", apple_export(*elements))
    return out.getvalue()


MAY_2 = (
    workout("Walking", "2024-05-02 08:15:00 +0100", "2024-05-02 08:45:00 +0100"),
    steps(4000, "2024-05-02 09:00:00 +0100"),
    exercise(25, "2024-05-02 08:20:00 +0100"),
    ACTIVITY_SUMMARY,
)
MAY_3 = (
    workout("Yoga", "2024-05-03 18:00:00 +0100", "2024-05-03 18:20:00 +0100"),
    exercise(20, "2024-05-03 18:00:00 +0100"),
)


def upload_and_run(client: TestClient, clinic: Clinic, body: bytes) -> JobView:
    answer = client.post(
        f"/api/v1/patients/{clinic.patient}/imports",
        files={"file": ("export.zip", body, "application/zip")},
        headers=clinic.as_("pat"),
    )
    assert answer.status_code == 202, answer.text
    finished = run_import_job(UnitOfWork(clinic.engine), answer.json()["id"])
    assert finished is not None
    return finished


def test_an_apple_export_and_a_newer_one_add_only_whats_new(clinic: Clinic, tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(data_dir=tmp_path), engine=clinic.engine))
    first = upload_and_run(client, clinic, export_zip(*MAY_2))
    assert (first.status, first.added, first.already_present) == ("done", 1, 0), first.error
    assert first.daily_totals >= 1
    newer = upload_and_run(client, clinic, export_zip(*MAY_2, *MAY_3))
    assert (newer.status, newer.added, newer.already_present) == ("done", 1, 1), newer.error
    with UnitOfWork(clinic.engine) as uow:
        kinds = uow.sessions.db.scalars(
            select(ActivitySession.kind).where(ActivitySession.patient_id == clinic.patient)
        ).all()
        days = uow.sessions.db.execute(
            select(DailyActivity.date, DailyActivity.exercise_minutes).where(
                DailyActivity.patient_id == clinic.patient
            )
        ).all()
    assert sorted(kinds) == ["walk", "yoga"]
    assert len(days) == len({day for day, _ in days}), "one row a day and source"
    assert {str(day) for day, _ in days} >= {"2024-05-02", "2024-05-03"}
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_gpx_file_through_the_command_line(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PACEWISE_DATABASE_URL", clinic.engine.url.render_as_string(hide_password=False)
    )
    track = tmp_path / "walk.gpx"
    track.write_text(gpx_document(times=every_minute(8, 31)))
    command = ["import", str(track), "--patient", "pat@example.org", "--json"]
    first = CliRunner().invoke(app, command)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["added"] == 1
    again = CliRunner().invoke(app, command)
    assert json.loads(again.stdout)["already_present"] == 1
