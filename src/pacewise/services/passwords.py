"""Passwords: hashed with argon2; no composition rules, just a minimum length and a refusal of
the most common passwords (issue 4: accounts)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pacewise.domain import InvalidInput

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


@cache
def _common_passwords() -> frozenset[str]:
    text = (files("pacewise.services") / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line and line[0] != "#")


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.lower() in _common_passwords():
        raise InvalidInput("password", "is one of the most common passwords; choose another")


def hash_password(password: str) -> str:
    check_new_password(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing or damaged hash never matches."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
