"""Logging a session with its check-in and triage result; daily pain, flares, acupuncture."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
