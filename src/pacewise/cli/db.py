"""`pacewise db ...` and `pacewise info`: the database, for admins and scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from pacewise.adapters.db.backup import BackupNotSupported, backup_sqlite
from pacewise.adapters.db.migrate import upgrade as apply_migrations
from pacewise.bootstrap import database_engine
from pacewise.cli.errors import fail
from pacewise.config import Settings, default_data_dir

db_app = typer.Typer(help="Database: migrations and backups.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply every migration the database lacks (the server also does this at start)."""
    engine = database_engine()
    apply_migrations(engine)
    engine.dispose()
    typer.echo(f"database is up to date: {_shown_url(Settings().database_url)}")


@db_app.command("backup")
def backup(
    path: Annotated[Path, typer.Argument(help="Where to write the copy.")],
) -> None:
    """Write a consistent copy of the SQLite database, even while the app runs."""
    engine = database_engine()
    try:
        backup_sqlite(engine, path)
    except BackupNotSupported as error:
        fail(str(error))
    finally:
        engine.dispose()
    typer.echo(f"backup written to {path}")


def info() -> None:
    """Show where pacewise keeps its data and which settings are in force."""
    settings = Settings()
    typer.echo(f"environment:  {settings.environment}")
    typer.echo(f"database:     {_shown_url(settings.database_url)}")
    typer.echo(f"data folder:  {default_data_dir()}")


def _shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
