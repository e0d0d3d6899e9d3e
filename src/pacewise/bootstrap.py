"""Builds pacewise's adapters from settings: the one place that wires the app together."""

from __future__ import annotations

from sqlalchemy import Engine

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import upgrade
from pacewise.config import Settings


def database_engine(settings: Settings | None = None) -> Engine:
    return make_engine((settings or Settings()).database_url)


def migrated_engine(settings: Settings | None = None) -> Engine:
    """The database engine, with every migration applied (cheap when already at head)."""
    engine = database_engine(settings)
    upgrade(engine)
    return engine
