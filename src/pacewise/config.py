"""Settings from the environment (PACEWISE_*), checked once at start-up.

The defaults run a single-machine install: a SQLite file in the user's data folder. A production
deployment must set its own secret: the server refuses to start with the default one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "pacewise-development-secret-change-me"


def default_data_dir() -> Path:
    """Where a single-machine install keeps its database (shown by `pacewise info`)."""
    return user_data_path("pacewise", appauthor=False)


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'pacewise.sqlite3'}"


class Settings(BaseSettings):
    """Every setting pacewise reads from the environment."""

    model_config = SettingsConfigDict(env_prefix="PACEWISE_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    secret_key: str = DEFAULT_SECRET
    data_dir: Path = Field(default_factory=default_data_dir)
    """Where the default SQLite files live: the background jobs' queue, and uploads."""
    upload_dir: Path | None = None
    """Where uploaded files wait for their import (default: `uploads` in the data folder); each
    is deleted when its job ends."""
    upload_limit_bytes: int = Field(default=4 * 1024**3, ge=1)
    """The largest file a person may upload (issue 6: default 4 GB; a long-time Apple Health
    export is 1-3 GB)."""
    redis_url: str | None = None
    """Background jobs go through Redis when set (workers on other machines), else through a
    SQLite queue in the data folder."""
    queue_name: str = "pacewise"
    serve_runs_worker: bool = True
    """`pacewise serve` and `pacewise demo` run a worker thread, so one process does it all."""

    @property
    def uploads(self) -> Path:
        return self.upload_dir if self.upload_dir is not None else self.data_dir / "uploads"

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "PACEWISE_SECRET_KEY must be set to a secret of your own in production"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("PACEWISE_SECRET_KEY must be at least 32 characters in production")
        return self
