"""Apply the Alembic migrations from inside the package (no alembic.ini needed).

Every command and every server start calls `upgrade`, and almost always the database is already
at the newest revision. Alembic itself (with Mako, its templates and the migration scripts)
takes a quarter of a second to load, more than the rest of a short command, so `upgrade` first
asks the database for its revision and loads Alembic only when that is not `HEAD_REVISION`.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from pacewise.adapters.db.engine import READ_ONLY, normalise_url

if TYPE_CHECKING:
    from alembic.config import Config

HEAD_REVISION = "0007"
"""The newest migration's revision; a test checks it against Alembic's own head."""

MIGRATION_LOCK = 0x70616365  # "pace": the PostgreSQL advisory lock that queues migrations


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("pacewise.adapters.db") / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for a database Alembic has not touched."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest by default), in one transaction.

    Servers that start together on one PostgreSQL database migrate one at a time: without the
    advisory lock, the second would create the same tables again and fail to start (issue 4).
    SQLite needs no lock: its transactions begin IMMEDIATE (see `engine`).
    """
    if revision == "head":
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            if current_revision(connection) == HEAD_REVISION:
                return
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
