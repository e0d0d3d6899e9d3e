"""`upgrade` skips loading Alembic when the database is at `HEAD_REVISION`, so that constant must
name the newest migration: adding a migration without moving it fails here."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from pacewise.adapters.db.migrate import HEAD_REVISION, alembic_config


def test_head_revision_is_alembics_newest_migration() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert scripts.get_heads() == [HEAD_REVISION]
