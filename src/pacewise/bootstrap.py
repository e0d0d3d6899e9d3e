"""Builds pacewise's adapters from settings: the one place that wires the app together."""

from __future__ import annotations

from sqlalchemy import Engine

from pacewise.adapters.db.engine import make_engine
from pacewise.config import Settings


def database_engine(settings: Settings | None = None) -> Engine:
    return make_engine((settings or Settings()).database_url)
