"""CSV exports (issue 7): each table reads back with the csv module as the database holds it,
text that a spreadsheet would run as a formula is made inert, and the API answers text/csv
with a filename to the patient and their clinician. Both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports.csv_tables import safe_cell
from pacewise.cli import app
from pacewise.services.access import Caller
from pacewise.services.csv_export import csv_table
from tests.integration.conftest import Clinic
from tests.integration.fhir_patient import EMAIL, rich_patient


def read_back(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_formula_cells_are_made_inert_and_numbers_are_left_alone() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+3", "-x", "@sum", "walk", -2, 4.5, None)] == [
        "'=1+1", "'+3", "'-x", "'@sum", "walk", -2, 4.5, ""
    ]  # fmt: skip


def test_each_table_reads_back_with_the_databases_values(clinic: Clinic) -> None:
    patient, doctor = rich_patient(clinic.engine)
    me = Caller(doctor, "clinician")
    sessions = read_back(csv_table(UnitOfWork(clinic.engine), me, patient, "sessions"))
    with UnitOfWork(clinic.engine) as uow:
        stored = [
            (s.date.isoformat(), s.minutes, s.kind, s.pain_before, s.pain_after, s.effort)
            for s in uow.sessions.for_patient(patient)
        ]
        pain = uow.pain.for_patient(patient)
        answers = [
            (q.instrument, q.score, q.answers) for q in uow.questionnaires.for_patient(patient)
        ]
    assert [
        (
            r["date"],
            float(r["minutes"]),
            r["kind"],
            int(r["pain_before"]),
            int(r["pain_after"]),
            int(r["effort"]),
        )
        for r in sessions
    ] == stored
    assert {r["checkin_level"] for r in sessions} == {"CONTINUE", "ASSESS"}
    assert {r["source"] for r in sessions} == {"manual"}
    assert sessions[1]["start"] == "07:30"

    daily = read_back(csv_table(UnitOfWork(clinic.engine), me, patient, "daily_pain"))
    assert {r["date"]: int(r["pain"]) for r in daily} == {d.isoformat(): p for d, p in pain.items()}

    rows = read_back(csv_table(UnitOfWork(clinic.engine), me, patient, "questionnaires"))
    assert [(r["instrument"], float(r["score"])) for r in rows] == [(i, s) for i, s, _ in answers]
    psfs = next(r for r in rows if r["instrument"] == "PSFS")
    # "=carry shopping" is inside the JSON cell, which starts with "{": nothing to escape there.
    assert json.loads(psfs["answers"]) == answers[2][2]


def test_the_api_answers_csv_with_a_filename_to_the_patient_and_their_clinician(
    clinic: Clinic,
) -> None:
    url = f"/api/v1/patients/{clinic.patient}/csv/daily_pain"
    clinic.client.put(
        f"/api/v1/patients/{clinic.patient}/daily-pain",
        json={"date": "2026-01-06", "pain": 4},
        headers=clinic.as_("pat"),
    )
    for who in ("pat", "doc"):
        answer = clinic.client.get(url, headers=clinic.as_(who))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/csv")
        assert 'filename="pacewise-' in answer.headers["content-disposition"]
        assert read_back(answer.text) == [{"date": "2026-01-06", "pain": "4"}]
    assert clinic.client.get(url, headers=clinic.as_("other-doc")).status_code == 404
    assert (
        clinic.client.get(
            f"/api/v1/patients/{clinic.patient}/csv/passwords", headers=clinic.as_("pat")
        ).status_code
        == 422
    )


def test_the_cli_writes_a_table_to_a_file(clinic: Clinic, tmp_path: Path) -> None:
    rich_patient(clinic.engine)
    env = {"PACEWISE_DATABASE_URL": clinic.engine.url.render_as_string(hide_password=False)}
    target = tmp_path / "pain.csv"
    args = ["export", "csv", "--patient", EMAIL, "--table", "daily_pain", "--output", str(target)]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert len(read_back(target.read_text(encoding="utf-8"))) == 28
    refused = CliRunner().invoke(
        app, ["export", "csv", "--patient", EMAIL, "--table", "secrets"], env=env
    )
    assert refused.exit_code == 2
