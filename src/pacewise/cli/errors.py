"""How the CLI reports bad input: one line on stderr, exit code 2, never a traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from pacewise.domain import InvalidInput

EXIT_BAD_INPUT = 2


def fail(error: InvalidInput | str) -> NoReturn:
    typer.echo(f"error: {error}", err=True)
    sys.exit(EXIT_BAD_INPUT)
