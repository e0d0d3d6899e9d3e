"""The background job queue (huey), built from settings (issue 6).

By default the queue is a SQLite file in the data folder, so one machine needs nothing else
running; with `PACEWISE_REDIS_URL` it is Redis, so workers on other machines share it. Tasks
carry only ids: everything a job needs is in the database.
"""

from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey  # type: ignore[import-untyped]
from huey.consumer import Consumer  # type: ignore[import-untyped]

from pacewise.config import Settings


def make_huey(settings: Settings, name: str | None = None) -> Huey:
    """The queue named `name` (default: the settings' queue name), on Redis or SQLite."""
    queue_name = name or settings.queue_name
    if settings.redis_url:
        return RedisHuey(queue_name, url=settings.redis_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(queue_name, filename=str(settings.data_dir / "queue.sqlite3"), results=False)


def queue_location(settings: Settings) -> str:
    """Where the queue lives: two queues of the same name there are the same queue."""
    return settings.redis_url or str(settings.data_dir / "queue.sqlite3")


class ThreadConsumer(Consumer):  # type: ignore[misc]
    """A consumer running beside the web server in the same process: its workers are threads,
    and it leaves the process's signals to the server (only the main thread may take them)."""

    def _set_signal_handlers(self) -> None:
        return None


def start_consumer_thread(huey: Huey, workers: int = 1, max_delay: float = 10.0) -> ThreadConsumer:
    """Workers (and the periodic scheduler) on daemon threads; `stop()` ends them. An idle
    worker looks at the queue at least every `max_delay` seconds."""
    consumer = ThreadConsumer(
        huey, workers=workers, periodic=True, worker_type="thread", max_delay=max_delay
    )
    consumer.start()
    return consumer
