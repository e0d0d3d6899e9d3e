"""`pacewise sample`: a sample patient's first 12 weeks, planned and explained by the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pacewise.cli.errors import fail
from pacewise.cli.tables import print_result
from pacewise.domain import run_protocol
from pacewise.services.demo_patients import STEADY_PATIENT, make_history


def sample(
    start: Annotated[
        str | None, typer.Option(help="Programme start, YYYY-MM-DD (default: 12 weeks ago).")
    ] = None,
    weeks: Annotated[int, typer.Option(min=1, max=104, help="Plan weeks to show.")] = 12,
    svg: Annotated[
        Path | None, typer.Option(help="Also save what is printed as an SVG picture here.")
    ] = None,
) -> None:
    """Print a readable plan for a sample patient, with the reason for every week."""
    if start is None:
        first = dt.date.today() - dt.timedelta(weeks=weeks)
    else:
        try:
            first = dt.date.fromisoformat(start)
        except ValueError:
            fail(f"--start: must be a date as YYYY-MM-DD, got {start!r}")
    history = make_history(STEADY_PATIENT, first, weeks)
    until = first + dt.timedelta(days=7 * weeks - 1)
    console = Console(record=svg is not None, width=140 if svg else None)
    console.print(
        f"Sample patient: {STEADY_PATIENT.name}, weeks 1-{weeks} from {first.isoformat()}"
    )
    print_result(history, run_protocol(history, until), console)
    if svg is not None:
        console.save_svg(str(svg), title="pacewise sample")
