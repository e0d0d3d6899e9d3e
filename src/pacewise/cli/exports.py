"""`pacewise export ...`: reports and exchange formats from the command line (issue 7)."""

from __future__ import annotations

import typer

export_app = typer.Typer(help="Reports and exchange formats.", no_args_is_help=True)
