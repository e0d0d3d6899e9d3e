"""`pacewise export report`: the PDF visit report of one patient, written to a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.bootstrap import database_engine
from pacewise.cli.errors import fail
from pacewise.config import Settings
from pacewise.domain import InvalidInput
from pacewise.services.access import NotFound
from pacewise.services.records import NoPrescription


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(InvalidInput(option, f"must be a date as YYYY-MM-DD, got {value!r}"))


def report(
    patient: Annotated[str, typer.Option("--patient", help="The patient's email address.")],
    output: Annotated[Path, typer.Option("--output", help="Where to write the PDF.")],
    start: Annotated[
        str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default: 12 weeks ago).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="Last day, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Write the PDF visit report of one patient for a period (the last 12 weeks by default)."""
    # Imported here, not at the top: every `pacewise` command loads this module (and the
    # charts and PDF libraries take a second to load).
    from pacewise.services.visit_report import default_period, operator_visit_report

    today = dt.date.today()
    last = _day(end, "--end") or today
    first = _day(start, "--start") or default_period(last)[0]
    engine = database_engine(Settings())
    try:
        pdf = operator_visit_report(UnitOfWork(engine), patient, first, last, today)
    except InvalidInput as error:
        fail(error)
    except NotFound:
        fail(f"no patient with the email {patient}")
    except NoPrescription:
        fail(f"{patient} has no prescription yet, so there is no plan to report")
    output.write_bytes(pdf)
    typer.echo(f"Wrote the visit report for {first.isoformat()} to {last.isoformat()} to {output}")
