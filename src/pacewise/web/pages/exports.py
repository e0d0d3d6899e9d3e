"""Pages and downloads for reports, exchange formats and the calendar feed (issue 7)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
