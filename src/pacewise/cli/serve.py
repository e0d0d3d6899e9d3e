"""`pacewise serve`: the web app and the JSON API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from sqlalchemy import Engine

from pacewise.web.app import create_app

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]


def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run the pacewise server (migrates the database first)."""
    run_server(host, port)


def run_server(host: str, port: int, engine: Engine | None = None) -> None:
    typer.echo(f"pacewise on http://{host}:{port}/ (API docs at /api/v1/docs)")
    uvicorn.run(create_app(engine=engine), host=host, port=port, log_level="info")
