"""/api/v1 routes for importing a patient's files (issue 6): upload, job progress."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["imports"])
