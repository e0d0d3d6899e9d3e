"""`pacewise simulate SCENARIO.json [--json]`: replay a history through the protocol."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pacewise.cli.errors import fail
from pacewise.cli.tables import print_result
from pacewise.domain import InvalidInput
from pacewise.services.simulation import parse_scenario, result_as_json
from pacewise.services.simulation import simulate as run_simulation


def simulate(
    scenario: Annotated[
        Path, typer.Argument(metavar="SCENARIO.json", help="Scenario file ('-' reads stdin).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Replay a patient's history through the plan engine and show every decision."""
    try:
        text = sys.stdin.read() if str(scenario) == "-" else scenario.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{scenario}: cannot read ({getattr(error, 'strerror', None) or error})")
    try:
        parsed = parse_scenario(text)
    except InvalidInput as error:
        fail(error)
    result = run_simulation(parsed)
    if as_json:
        typer.echo(json.dumps(result_as_json(parsed, result), indent=2))
    else:
        print_result(parsed.history, result)
