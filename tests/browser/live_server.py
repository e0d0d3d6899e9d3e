"""The real app served on a free 127.0.0.1 port by uvicorn in a background thread, on a SQLite
file seeded with the demo clinic, and Debian's Chromium driven by Playwright (issue 5: browser
tests in a real headless Chromium, never a downloaded browser build).

Used by the browser tests' fixtures and by `make screenshots`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Playwright
from sqlalchemy import Engine

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import upgrade
from pacewise.services.demo_seed import seed_demo
from pacewise.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Without the network flags Chromium tries to reach Google's hosts at every start."""

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}


@dataclass(frozen=True, slots=True)
class LiveServer:
    url: str
    engine: Engine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(folder: Path) -> Iterator[LiveServer]:
    """The app on a fresh SQLite database holding the demo clinic, until the block ends."""
    engine = make_engine(f"sqlite:///{folder / 'pacewise.sqlite3'}")
    upgrade(engine)
    seed_demo(engine)
    port = _free_port()
    config = uvicorn.Config(
        create_app(engine=engine), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", engine)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        engine.dispose()


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
    )
