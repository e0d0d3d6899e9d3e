"""`pacewise serve`: the API (and later the web app) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from pacewise.web.app import create_app


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Run the pacewise server (migrates the database first)."""
    typer.echo(f"pacewise API on http://{host}:{port}/api/v1/docs")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
