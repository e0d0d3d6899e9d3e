"""Pages to upload a phone or watch export and follow its import (issue 6)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
