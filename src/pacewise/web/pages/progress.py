"""Progress charts, questionnaires, the Learn cards and the patient's settings (issue 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
