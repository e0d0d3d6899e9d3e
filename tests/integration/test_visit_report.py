"""The PDF visit report (issue 7): rendered by poppler to pages that are not blank, its text
checked against the database, on both databases; who may download it; empty and bad periods.

Two demo patients are seeded once per module and backend (Sam: twelve steady weeks with
acupuncture at the start; Tom: an ASSESS alert still waiting for the clinician).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from pacewise.adapters.db.models import AuditEvent
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.cli import app
from pacewise.domain.scoring import score_peg
from pacewise.services.access import Caller, NotFound
from pacewise.services.accounts import add_user, create_token
from pacewise.services.alerts import list_alerts
from pacewise.services.demo_patients import DEMO_PATIENTS
from pacewise.services.demo_seed import seed_patient
from pacewise.services.plans import week_history
from pacewise.services.visit_report import default_period, report_content, visit_report
from pacewise.web.app import create_app
from tests.integration.conftest import BACKENDS, clean_engine

TODAY = dt.date(2026, 3, 18)
SAM, TOM = DEMO_PATIENTS[0], DEMO_PATIENTS[4]


class Clinic:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        doctor = add_user(UnitOfWork(engine), "doc@example.org", "clinician")
        add_user(UnitOfWork(engine), "stranger-doc@example.org", "clinician")
        self.doctor = Caller(doctor.id, "clinician")
        self.sam = seed_patient(engine, self.doctor, SAM, TODAY)
        self.tom = seed_patient(engine, self.doctor, TOM, TODAY)
        self.tokens = {
            email: create_token(UnitOfWork(engine), email, "t")
            for email in ("doc@example.org", "stranger-doc@example.org", SAM.email, TOM.email)
        }

    def headers(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[email]}"}


@pytest.fixture(scope="module", params=BACKENDS)
def clinic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Clinic]:
    with clean_engine(request, request.param, tmp_path_factory.mktemp("report")) as engine:
        yield Clinic(engine)


@pytest.fixture(scope="module")
def client(clinic: Clinic) -> Iterator[TestClient]:
    with TestClient(create_app(engine=clinic.engine)) as client:
        yield client


def pages_of(pdf: bytes, folder: Path) -> list[Image.Image]:
    """The PDF's pages as pictures, rendered by poppler as a printer would see them."""
    (folder / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-png", str(folder / "report.pdf"), str(folder / "page")],
        check=True,
    )
    return [Image.open(path).convert("L") for path in sorted(folder.glob("page-*.png"))]


def text_of(pdf: bytes) -> str:
    """The PDF's text as poppler extracts it, with runs of spaces made one."""
    done = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return re.sub(r"[ \t]+", " ", done)


def inked_share(page: Image.Image) -> float:
    """The share of the page's pixels that are not white paper."""
    histogram = page.histogram()
    return 1 - sum(histogram[230:]) / sum(histogram)


def report(clinic: Clinic, patient_id: int, start: dt.date | None = None) -> bytes:
    first, last = default_period(TODAY)
    return visit_report(UnitOfWork(clinic.engine), clinic.doctor, patient_id, start or first, last)


def test_a_demo_patients_report_is_two_printed_pages_with_ink_on_each(
    clinic: Clinic, tmp_path: Path
) -> None:
    pages = pages_of(report(clinic, clinic.sam), tmp_path)
    assert len(pages) == 2
    for page in pages:
        assert inked_share(page) > 0.03


def test_the_last_complete_weeks_minutes_match_the_plan_weeks_in_the_database(
    clinic: Clinic,
) -> None:
    text = text_of(report(clinic, clinic.sam))
    weeks, _ = week_history(UnitOfWork(clinic.engine), clinic.doctor, clinic.sam, TODAY, 100, 0)
    last = next(summary for summary in weeks if summary.complete)
    expected = (
        f"Last complete week (week {last.week.week}): {round(last.done_minutes)} of "
        f"{round(last.planned_minutes)} planned minutes done."
    )
    assert expected in text


def test_a_report_read_on_a_weeks_last_day_shows_that_week_as_under_way(clinic: Clinic) -> None:
    weeks, _ = week_history(UnitOfWork(clinic.engine), clinic.doctor, clinic.sam, TODAY, 100, 0)
    last_day = next(summary for summary in weeks if summary.complete).week.end
    start = last_day - dt.timedelta(weeks=4)

    def last_week_complete(today: dt.date | None) -> bool:
        content = report_content(
            UnitOfWork(clinic.engine), clinic.doctor, clinic.sam, start, last_day, today
        )
        return content.weeks[-1].complete

    assert not last_week_complete(today=last_day)
    assert last_week_complete(today=last_day + dt.timedelta(days=1))
    assert last_week_complete(today=None)  # a period in the past


def test_the_peg_score_and_its_change_match_the_stored_answers(clinic: Clinic) -> None:
    text = text_of(report(clinic, clinic.sam))
    start, _ = default_period(TODAY)
    with UnitOfWork(clinic.engine) as uow:
        answers = [
            row.answers
            for row in uow.questionnaires.for_patient(clinic.sam)
            if row.instrument == "PEG" and row.answered_on >= start
        ]
    first, latest = (
        score_peg(a["pain"], a["enjoyment"], a["activity"]) for a in (answers[0], answers[-1])
    )
    assert len(answers) >= 2
    assert f"PEG {latest.shown} on" in text
    assert f"change {latest.score - first.score:+.1f})" in text
    # The change passes MEASURES.md's threshold (>= 1 point and >= 30 %) or it does not.
    meaningful = (
        first.score - latest.score >= 1 and (first.score - latest.score) >= 0.3 * first.score
    )
    verdict = "meaningful improvement" if meaningful else "below the meaningful-change threshold"
    assert verdict in text


def test_uncleared_alerts_and_acupuncture_visits_are_counted_as_stored(clinic: Clinic) -> None:
    text = text_of(report(clinic, clinic.tom))
    _, total = list_alerts(
        UnitOfWork(clinic.engine), clinic.doctor, clinic.tom, 100, 0, open_only=True
    )
    assert total == 1, "Tom's demo history leaves one alert waiting"
    assert f"Uncleared alerts: {total}." in text
    assert "NOT YET CLEARED" in text
    start, _ = default_period(TODAY)
    with UnitOfWork(clinic.engine) as uow:
        visits = [v for v in uow.acupuncture.for_patient(clinic.tom) if v.date >= start]
    assert visits
    assert f"Acupuncture visits in the period: {len(visits)}." in text


def test_a_period_without_records_still_gives_a_valid_pdf_that_says_so(
    clinic: Clinic, tmp_path: Path
) -> None:
    pdf = visit_report(
        UnitOfWork(clinic.engine),
        clinic.doctor,
        clinic.sam,
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 1),
    )
    assert pdf.startswith(b"%PDF-")
    assert len(pages_of(pdf, tmp_path)) == 1
    assert "No records in this period" in text_of(pdf)


def test_the_pdfs_metadata_come_from_the_inputs(clinic: Clinic) -> None:
    first, second = report(clinic, clinic.sam), report(clinic, clinic.sam)
    info = subprocess.run(["pdfinfo", "-"], input=first, capture_output=True, check=True)
    lines = info.stdout.decode()
    assert "Title: Visit report: Sam Rivera" in re.sub(r" +", " ", lines)
    assert "2026" in next(line for line in lines.splitlines() if line.startswith("CreationDate"))
    assert first == second, "the same records and period give the same file"


def test_an_outsider_gets_404_and_the_service_writes_nothing(clinic: Clinic) -> None:
    with UnitOfWork(clinic.engine) as uow:
        other = uow.users.by_email("stranger-doc@example.org")
        assert other is not None
        stranger = Caller(other.id, "clinician")
    start, end = default_period(TODAY)
    for caller in (stranger, Caller(clinic.tom, "patient")):
        with pytest.raises(NotFound):
            visit_report(UnitOfWork(clinic.engine), caller, clinic.sam, start, end)


def test_the_api_gives_the_clinician_and_the_patient_a_pdf_and_audits_each_download(
    clinic: Clinic, client: TestClient
) -> None:
    url = f"/api/v1/patients/{clinic.sam}/report.pdf?start=2026-01-01&end=2026-03-17"
    with UnitOfWork(clinic.engine) as uow:
        before = len(uow.audit.for_patient(clinic.sam))
    for email in ("doc@example.org", SAM.email):
        answer = client.get(url, headers=clinic.headers(email))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert "attachment" in answer.headers["content-disposition"]
        assert "Period: 1 Jan 2026 to 17 Mar 2026" in text_of(answer.content)
    with UnitOfWork(clinic.engine) as uow:
        actions = [
            e.action
            for e in uow.users.db.scalars(
                select(AuditEvent)
                .where(AuditEvent.patient_id == clinic.sam)
                .order_by(AuditEvent.id)
            )
        ][before:]
    assert actions.count("report.exported") == 2


def test_the_api_refuses_outsiders_and_callers_without_a_token(
    clinic: Clinic, client: TestClient
) -> None:
    url = f"/api/v1/patients/{clinic.sam}/report.pdf"
    for email in ("stranger-doc@example.org", TOM.email):
        assert client.get(url, headers=clinic.headers(email)).status_code == 404
    assert client.get(url).status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-13-01",
        "end=yesterday",
        "start=2026-03-10&end=2026-03-01",
        "start=2020-01-01&end=2026-03-01",
        "start=1066-10-14",
    ],
)
def test_bad_dates_get_a_422_that_names_the_field(
    clinic: Clinic, client: TestClient, query: str
) -> None:
    answer = client.get(
        f"/api/v1/patients/{clinic.sam}/report.pdf?{query}",
        headers=clinic.headers("doc@example.org"),
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["field"] in ("start", "end")


def test_the_command_writes_the_report_to_a_file(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PACEWISE_DATABASE_URL", clinic.engine.url.render_as_string(hide_password=False)
    )
    output = tmp_path / "sam.pdf"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "report",
            "--patient",
            SAM.email,
            "--start",
            "2026-01-01",
            "--end",
            "2026-03-17",
            "--output",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Period: 1 Jan 2026 to 17 Mar 2026" in text_of(output.read_bytes())
    refused = CliRunner().invoke(
        app, ["export", "report", "--patient", "nobody@example.org", "--output", str(output)]
    )
    assert refused.exit_code == 2
    assert "no patient with the email nobody@example.org" in refused.output


def test_the_command_refuses_a_bad_date_in_one_line() -> None:
    result = CliRunner().invoke(
        app, ["export", "report", "--patient", SAM.email, "--start", "5 Jan", "--output", "x.pdf"]
    )
    assert result.exit_code == 2
    assert "--start: must be a date as YYYY-MM-DD" in result.output
    assert not Path("x.pdf").exists()
