"""`pacewise demo` (what `make run` starts): the web app on a database holding the demo clinic.

The first start fills the database with the demo clinic; later starts keep what is there.
`--reset` wipes the database and seeds it again, after asking (or with `--yes`).
"""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine, MetaData

from pacewise.adapters.db.migrate import upgrade
from pacewise.bootstrap import database_engine
from pacewise.cli.errors import fail
from pacewise.cli.serve import Host, Port, run_server
from pacewise.config import Settings
from pacewise.services.demo_seed import DemoClinic, seed_demo


def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    reset: Annotated[
        bool, typer.Option("--reset", help="Wipe the database and seed the demo clinic again.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before --reset wipes.")] = False,
) -> None:
    """Serve the web app with a demo clinic: one clinician and five patients."""
    settings = Settings()
    if settings.environment == "production":
        fail("the demo clinic is never added to a production database")
    engine = database_engine(settings)
    if reset:
        where = engine.url.render_as_string(hide_password=True)
        if not yes and not typer.confirm(f"Delete every record in {where}?", default=False):
            typer.echo("Nothing was deleted.")
            raise typer.Exit(1)
        wipe(engine)
    upgrade(engine)
    typer.echo("Preparing the demo clinic (the first start takes a few seconds)...")
    clinic = seed_demo(engine)
    print_sign_in(clinic, host, port)
    run_server(host, port, engine)


def wipe(engine: Engine) -> None:
    """Drop every table, the migrations' own included, so the next upgrade starts afresh."""
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)


def print_sign_in(clinic: DemoClinic, host: str, port: int) -> None:
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    typer.echo("")
    typer.echo(f"pacewise demo: open http://{shown}:{port}/ and sign in")
    typer.echo(f"  as the clinician: {clinic.clinician}")
    typer.echo(f"  or as a patient:  {', '.join(clinic.patients)}")
    typer.echo(f"  password (every demo account): {clinic.password}")
    typer.echo("The data stays between starts; `pacewise demo --reset` starts over.")
    typer.echo("")
