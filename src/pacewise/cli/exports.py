"""`pacewise export ...`: reports and exchange formats from the command line (issue 7)."""

from __future__ import annotations

import typer

from pacewise.cli.exchange_exports import csv, fhir
from pacewise.cli.report import report

export_app = typer.Typer(help="Reports and exchange formats.", no_args_is_help=True)
export_app.command()(report)
export_app.command()(fhir)
export_app.command()(csv)
