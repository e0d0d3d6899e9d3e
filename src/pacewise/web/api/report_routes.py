"""/api/v1 routes for the PDF visit report and the calendar feed's management (issue 7)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["exports"])
