"""A server serves at most as many requests at once as its pool keeps connections, on either
database, so no request under load opens (and closes) a connection of its own: on PostgreSQL
that is a backend process, on SQLite the file, its WAL index and the pragmas."""

from __future__ import annotations

import anyio
from anyio import to_thread
from sqlalchemy import Engine

from pacewise.adapters.db.engine import POOL_SIZE
from pacewise.web.app import WORKER_THREADS, create_app


def test_worker_threads_match_the_connection_pool(engine: Engine) -> None:
    app = create_app(engine=engine)

    async def threads_while_serving() -> float:
        async with app.router.lifespan_context(app):
            return to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(threads_while_serving) == WORKER_THREADS == POOL_SIZE
    assert engine.pool.size() == POOL_SIZE  # type: ignore[attr-defined]
