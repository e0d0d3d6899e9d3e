"""On PostgreSQL a server serves at most as many requests at once as its pool keeps
connections, so no request opens (and closes) a backend process of its own; SQLite keeps
anyio's default number of worker threads."""

from __future__ import annotations

import anyio
from anyio import to_thread
from sqlalchemy import Engine

from pacewise.adapters.db.engine import POSTGRES_POOL_SIZE
from pacewise.web.app import create_app

ANYIO_DEFAULT_THREADS = 40


def test_worker_threads_match_the_connection_pool_on_postgresql(engine: Engine) -> None:
    app = create_app(engine=engine)

    async def threads_while_serving() -> float:
        async with app.router.lifespan_context(app):
            return to_thread.current_default_thread_limiter().total_tokens

    expected = POSTGRES_POOL_SIZE if engine.dialect.name == "postgresql" else ANYIO_DEFAULT_THREADS
    assert anyio.run(threads_while_serving) == expected
    assert engine.pool.size() == (  # type: ignore[attr-defined]
        POSTGRES_POOL_SIZE if engine.dialect.name == "postgresql" else 5
    )
