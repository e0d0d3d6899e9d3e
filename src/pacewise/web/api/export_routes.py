"""/api/v1 routes for reports and exchange formats (issue 7): PDF, FHIR, iCalendar, CSV."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["exports"])
