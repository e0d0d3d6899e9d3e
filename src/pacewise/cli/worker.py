"""`pacewise worker`: runs background jobs (imports) from the queue, on this machine or any
other that reaches the same database and queue (PACEWISE_REDIS_URL)."""

from __future__ import annotations

from typing import Annotated

import typer

from pacewise.bootstrap import migrated_engine
from pacewise.config import Settings


def worker(
    workers: Annotated[int, typer.Option(min=1, max=64, help="Jobs run at the same time.")] = 1,
) -> None:
    """Run queued imports until stopped (Ctrl+C finishes the jobs under way first)."""
    # Imported here, not at the top: every `pacewise` command loads this module.
    from pacewise.services.import_queue import import_queue

    settings = Settings()
    engine = migrated_engine(settings)
    queue = import_queue(settings, engine)
    where = "Redis" if settings.redis_url else f"{settings.data_dir / 'queue.sqlite3'}"
    typer.echo(f"pacewise worker: {workers} worker(s) on the queue in {where}")
    try:
        queue.huey.create_consumer(workers=workers, periodic=True, worker_type="thread").run()
    finally:
        engine.dispose()
