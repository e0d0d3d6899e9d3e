"""The import pages (issue 6): a patient, or their clinician, uploads a file with a plain form,
follows the job's progress and reads its summary; no JavaScript needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.imports import run_import_job
from tests.integration.test_imports import HEADER, rows, session_count
from tests.web.conftest import Site, csrf_of


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PACEWISE_DATA_DIR", str(tmp_path))
    return tmp_path


def uploads(data_dir: Path) -> list[Path]:
    folder = data_dir / "uploads"
    return list(folder.iterdir()) if folder.exists() else []


def send_file(
    browser: TestClient, url: str, text: str, token: str | None = None, name: str = "log.csv"
) -> Response:
    token = token if token is not None else csrf_of(browser.get(url).text)
    answer: Response = browser.post(
        url, data={"csrf_token": token}, files={"file": (name, text.encode(), "text/csv")}
    )
    return answer


def job_id_of(location: str) -> int:
    found = re.search(r"/import/(\d+)$", location)
    assert found is not None, location
    return int(found.group(1))


def test_a_patient_imports_a_csv_log_and_reads_the_summary(site: Site, data_dir: Path) -> None:
    browser = site.signed_in("pat@example.org")
    page = browser.get("/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'href="/api/v1/imports/template.csv"' in page.text
    assert "Nothing imported yet." in page.text

    sent = send_file(browser, "/import", HEADER + rows(0, 1) + "2026-01-09,,0,walk,,\n")
    assert sent.status_code == 303
    location = sent.headers["location"]
    job_id = job_id_of(location)
    waiting = browser.get(location)
    assert "Waiting to start" in waiting.text
    assert waiting.headers["refresh"] == "2"

    run_import_job(UnitOfWork(site.engine), job_id)  # what the worker does
    done = browser.get(location)
    assert "refresh" not in done.headers
    assert re.search(r"Sessions added</th><td>2<", done.text)
    assert "1 with minutes outside 1-600" in done.text
    assert session_count(site.engine, site.patient) == 2
    assert f'href="/import/{job_id}">log.csv</a>' in browser.get("/import").text
    assert uploads(data_dir) == []


def test_the_log_and_settings_pages_lead_to_the_import_page(site: Site) -> None:
    browser = site.signed_in("pat@example.org")
    assert 'href="/import"' in browser.get("/log/new").text
    assert 'href="/import"' in browser.get("/settings").text


def test_the_csv_template_downloads(site: Site) -> None:
    template = site.browser().get("/api/v1/imports/template.csv")
    assert template.status_code == 200
    assert template.text.splitlines()[0] == "date,start,minutes,kind,pain_before,pain_after"
    assert "attachment" in template.headers["content-disposition"]


def test_a_clinician_imports_from_the_patients_page(site: Site, data_dir: Path) -> None:
    browser = site.signed_in("doc@example.org")
    base = f"/clinician/patients/{site.patient}/import"
    assert f'href="{base}"' in browser.get(f"/clinician/patients/{site.patient}").text
    sent = send_file(browser, base, HEADER + rows(4))
    location = sent.headers["location"]
    assert location.startswith(f"{base}/")
    run_import_job(UnitOfWork(site.engine), job_id_of(location))
    assert re.search(r"Sessions added</th><td>1<", browser.get(location).text)
    assert session_count(site.engine, site.patient) == 1


def test_a_refused_file_says_why_and_saves_nothing(site: Site, data_dir: Path) -> None:
    browser = site.signed_in("pat@example.org")
    sent = send_file(browser, "/import", "name,when\nwalk,today\n")
    location = sent.headers["location"]
    run_import_job(UnitOfWork(site.engine), job_id_of(location))
    page = browser.get(location)
    assert "This file was not imported: the first line must be the header" in page.text
    assert session_count(site.engine, site.patient) == 0
    assert uploads(data_dir) == []


def test_a_form_without_its_token_is_refused_and_stores_nothing(site: Site, data_dir: Path) -> None:
    browser = site.signed_in("pat@example.org")
    sent = send_file(browser, "/import", HEADER + rows(0), token="guess")
    assert sent.status_code == 403
    assert uploads(data_dir) == []


def test_a_file_over_the_limit_is_refused_plainly(
    site: Site, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACEWISE_UPLOAD_LIMIT_BYTES", "500")
    browser = site.signed_in("pat@example.org")
    sent = send_file(browser, "/import", HEADER + rows(*range(40)))
    assert sent.status_code == 413
    assert "larger than the 500 bytes this server accepts" in sent.text
    assert uploads(data_dir) == []


def test_no_file_chosen_asks_for_one(site: Site, data_dir: Path) -> None:
    browser = site.signed_in("pat@example.org")
    token = csrf_of(browser.get("/import").text)
    answer = browser.post("/import", data={"csrf_token": token})
    assert answer.status_code == 400
    assert "Choose a file to import." in answer.text


def test_another_patients_job_page_is_not_found(site: Site, data_dir: Path) -> None:
    pat = site.signed_in("pat@example.org")
    location = send_file(pat, "/import", HEADER + rows(0)).headers["location"]
    outsider = site.signed_in("outsider@example.org")
    assert outsider.get(location).status_code == 404
    stranger_doc = site.signed_in("outsider-doc@example.org")
    job_id = job_id_of(location)
    assert (
        stranger_doc.get(f"/clinician/patients/{site.patient}/import/{job_id}").status_code == 404
    )
