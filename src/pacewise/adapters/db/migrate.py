"""Apply the Alembic migrations from inside the package (no alembic.ini needed)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from pacewise.adapters.db.engine import normalise_url


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("pacewise.adapters.db") / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest by default), in one transaction."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
