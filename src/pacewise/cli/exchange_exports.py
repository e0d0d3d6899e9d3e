"""`pacewise export fhir` and `pacewise export csv`: a patient's record as a FHIR bundle or one
table as CSV, to a file or to standard output (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.bootstrap import migrated_engine
from pacewise.cli.errors import fail
from pacewise.services.access import NotFound

Patient = Annotated[str, typer.Option("--patient", help="The patient's e-mail address.")]
Output = Annotated[
    Path | None, typer.Option("--output", help="Where to write it (default: standard output).")
]


def fhir(patient: Patient, output: Output = None) -> None:
    """Write the patient's record as a FHIR R4 Bundle (JSON)."""
    # Imported here, not at the top: every `pacewise` command loads this module.
    from pacewise.services.fhir_export import operator_fhir_bundle

    engine = migrated_engine()
    try:
        bundle = operator_fhir_bundle(UnitOfWork(engine), patient.strip().lower())
    except NotFound:
        fail(f"no patient has the e-mail {patient}")
    finally:
        engine.dispose()
    _write(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", output)


def csv(
    patient: Patient,
    table: Annotated[str, typer.Option("--table", help="sessions, daily_pain or questionnaires.")],
    output: Output = None,
) -> None:
    """Write one table of the patient's record as CSV for a spreadsheet."""
    # Imported here, not at the top: every `pacewise` command loads this module.
    from pacewise.services.csv_export import operator_csv_table

    engine = migrated_engine()
    try:
        text = operator_csv_table(UnitOfWork(engine), patient.strip().lower(), table)
    except NotFound:
        fail(
            f"no patient has the e-mail {patient}, or no table {table!r} "
            "(sessions, daily_pain, questionnaires)"
        )
    finally:
        engine.dispose()
    _write(text, output)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)
