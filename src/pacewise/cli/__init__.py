"""The `pacewise` command: Typer app whose subcommands live in their own modules."""

from __future__ import annotations

import typer

from pacewise.cli.db import db_app, info
from pacewise.cli.demo import demo
from pacewise.cli.exports import export_app
from pacewise.cli.imports import import_file
from pacewise.cli.sample import sample
from pacewise.cli.serve import serve
from pacewise.cli.simulate import simulate
from pacewise.cli.users import token_app, user_app
from pacewise.cli.worker import worker

app = typer.Typer(
    help="pacewise: paced return to activity for people with chronic pain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command()(simulate)
app.command()(demo)
app.command()(sample)
app.command()(info)
app.command()(serve)
app.command("import")(import_file)
app.command()(worker)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(export_app, name="export")


def main() -> None:
    app()
