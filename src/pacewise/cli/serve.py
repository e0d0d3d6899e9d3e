"""`pacewise serve`: the web app and the JSON API with uvicorn, and (unless
PACEWISE_SERVE_RUNS_WORKER=false) a worker thread for background imports, so one process does
it all on a single machine."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine

from pacewise.bootstrap import database_engine
from pacewise.config import Settings

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]


def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run the pacewise server (migrates the database first)."""
    run_server(host, port)


def run_server(host: str, port: int, engine: Engine | None = None) -> None:
    # Imported here, not at the top: every `pacewise` command loads this module.
    import uvicorn

    from pacewise.adapters.queue import start_consumer_thread
    from pacewise.services.import_queue import import_queue
    from pacewise.web.app import create_app

    settings = Settings()
    engine = engine or database_engine(settings)
    app = create_app(settings, engine=engine)
    consumer = (
        start_consumer_thread(import_queue(settings, engine).huey)
        if settings.serve_runs_worker
        else None
    )
    typer.echo(f"pacewise on http://{host}:{port}/ (API docs at /api/v1/docs)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        if consumer is not None:
            consumer.stop()
