"""Uploading a file to import through the API (issue 6): streamed to the upload folder, queued
as a job, followed from any app process; the limit and the access rules hold."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pacewise.adapters.db.models import ImportJob
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.config import Settings
from pacewise.services.imports import run_import_job
from pacewise.web.app import create_app
from tests.integration.conftest import Clinic
from tests.integration.test_imports import HEADER, rows, session_count


def app_client(clinic: Clinic, tmp_path: Path, limit: int = 4 * 1024**3) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", upload_limit_bytes=limit)
    return TestClient(create_app(settings, engine=clinic.engine))


def uploads(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "data" / "uploads"
    return list(folder.iterdir()) if folder.exists() else []


def job_count(clinic: Clinic) -> int:
    with UnitOfWork(clinic.engine) as uow:
        return uow.sessions.db.scalar(select(func.count()).select_from(ImportJob)) or 0


def test_an_upload_is_queued_and_its_progress_shows_from_another_app_process(
    clinic: Clinic, tmp_path: Path
) -> None:
    client = app_client(clinic, tmp_path)
    base = f"/api/v1/patients/{clinic.patient}/imports"
    body = (HEADER + rows(0, 1, 2) + "2026-01-09,,0,walk,,\n").encode()
    answer = client.post(
        f"{base}?filename=my%20log.csv",
        content=body,
        headers={**clinic.as_("pat"), "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert (job["status"], job["bytes_total"], job["filename"]) == (
        "pending",
        len(body),
        "my log.csv",
    )
    assert len(uploads(tmp_path)) == 1

    run_import_job(UnitOfWork(clinic.engine), job["id"])  # what a worker does

    with TestClient(create_app(engine=clinic.engine)) as other_process:
        seen = other_process.get(f"{base}/{job['id']}", headers=clinic.as_("doc"))
    assert seen.status_code == 200, seen.text
    done = seen.json()
    assert (done["status"], done["percent"], done["bytes_read"]) == ("done", 100, len(body))
    assert (done["added"], done["already_present"], done["skipped"]) == (3, 0, 1)
    assert done["skipped_reasons"] == [{"reason": "minutes outside 1-600", "count": 1}]
    assert uploads(tmp_path) == []

    listed = client.get(f"{base}?limit=1", headers=clinic.as_("pat")).json()
    assert (listed["total"], [item["id"] for item in listed["items"]]) == (1, [job["id"]])


def test_a_clinician_uploads_a_form_for_a_patient_in_their_care(
    clinic: Clinic, tmp_path: Path
) -> None:
    client = app_client(clinic, tmp_path)
    answer = client.post(
        f"/api/v1/patients/{clinic.patient}/imports",
        files={"file": ("walks.csv", (HEADER + rows(3)).encode(), "text/csv")},
        headers=clinic.as_("doc"),
    )
    assert answer.status_code == 202, answer.text
    finished = run_import_job(UnitOfWork(clinic.engine), answer.json()["id"])
    assert finished is not None
    assert (finished.status, finished.added) == ("done", 1)
    assert session_count(clinic.engine, clinic.patient) == 1


def test_only_the_patient_and_their_clinician_may_upload(clinic: Clinic, tmp_path: Path) -> None:
    client = app_client(clinic, tmp_path)
    url = f"/api/v1/patients/{clinic.patient}/imports?filename=log.csv"
    for who in ("other", "other-doc", "admin"):
        answer = client.post(url, content=(HEADER + rows(0)).encode(), headers=clinic.as_(who))
        assert answer.status_code == 404, (who, answer.text)
    assert client.post(url, content=b"date").status_code == 401
    assert uploads(tmp_path) == []
    assert job_count(clinic) == 0


def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(
    clinic: Clinic, tmp_path: Path
) -> None:
    client = app_client(clinic, tmp_path, limit=1000)
    base = f"/api/v1/patients/{clinic.patient}/imports"
    big = (HEADER + rows(*range(60))).encode()
    assert len(big) > 1000

    def chunks() -> object:
        yield from (big[start : start + 100] for start in range(0, len(big), 100))

    streamed = client.post(f"{base}?filename=log.csv", content=chunks(), headers=clinic.as_("pat"))
    assert streamed.status_code == 413, streamed.text
    assert (
        streamed.json()["detail"] == "The file is larger than the 1000 bytes this server accepts."
    )
    form = client.post(
        base, files={"file": ("log.csv", big, "text/csv")}, headers=clinic.as_("pat")
    )
    assert form.status_code == 413, form.text
    assert uploads(tmp_path) == []
    assert job_count(clinic) == 0


def test_an_upload_without_a_file_name_or_file_is_refused_plainly(
    clinic: Clinic, tmp_path: Path
) -> None:
    client = app_client(clinic, tmp_path)
    base = f"/api/v1/patients/{clinic.patient}/imports"
    nameless = client.post(base, content=b"date,start", headers=clinic.as_("pat"))
    assert nameless.status_code == 400
    assert "filename" in nameless.json()["detail"]
    empty = client.post(f"{base}?filename=log.csv", content=b"", headers=clinic.as_("pat"))
    assert (empty.status_code, empty.json()["detail"]) == (400, "The file is empty.")
    assert uploads(tmp_path) == []
    assert job_count(clinic) == 0


def test_a_job_of_another_patient_is_not_found(clinic: Clinic, tmp_path: Path) -> None:
    client = app_client(clinic, tmp_path)
    made = client.post(
        f"/api/v1/patients/{clinic.patient}/imports?filename=log.csv",
        content=(HEADER + rows(0)).encode(),
        headers=clinic.as_("pat"),
    ).json()
    with UnitOfWork(clinic.engine) as uow:
        other = uow.users.by_email("other@example.org")
        assert other is not None
        other_id = other.id
    wrong = client.get(
        f"/api/v1/patients/{other_id}/imports/{made['id']}", headers=clinic.as_("doc")
    )
    assert wrong.status_code == 404
    stranger = client.get(
        f"/api/v1/patients/{clinic.patient}/imports/{made['id']}", headers=clinic.as_("other-doc")
    )
    assert stranger.status_code == 404
