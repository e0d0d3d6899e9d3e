"""The `pacewise` command: Typer app whose subcommands live in their own modules."""

from __future__ import annotations

import typer

from pacewise.cli.db import db_app, info
from pacewise.cli.demo import demo
from pacewise.cli.simulate import simulate

app = typer.Typer(
    help="pacewise: paced return to activity for people with chronic pain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command()(simulate)
app.command()(demo)
app.command()(info)
app.add_typer(db_app, name="db")


def main() -> None:
    app()
