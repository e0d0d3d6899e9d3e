"""Alembic environment: migrations are the only way the schema changes (DESIGN.md, store)."""

from __future__ import annotations

from alembic import context

from pacewise.adapters.db.engine import is_sqlite, make_engine
from pacewise.adapters.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url, "set sqlalchemy.url or pass a connection"
    engine = make_engine(url)
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()


def _run(connection: object) -> None:
    url = str(getattr(connection, "engine").url)  # noqa: B009 - a SQLAlchemy Connection
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=is_sqlite(url),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("pacewise migrations run online only")
run_migrations_online()
