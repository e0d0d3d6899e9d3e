"""Errors the domain raises for input it cannot accept.

Each names the offending field, so every edge (CLI, API, web form) can show one clear line.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """A value the protocol cannot work with; `field` says which one, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
