"""Apply the Alembic migrations from inside the package (no alembic.ini needed)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from pacewise.adapters.db.engine import normalise_url


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("pacewise.adapters.db") / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


MIGRATION_LOCK = 0x70616365  # "pace": the PostgreSQL advisory lock that queues migrations


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest by default), in one transaction.

    Servers that start together on one PostgreSQL database migrate one at a time: without the
    advisory lock, the second would create the same tables again and fail to start (issue 4).
    SQLite needs no lock: its transactions begin IMMEDIATE (see `engine`).
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
