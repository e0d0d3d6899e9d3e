"""The clinician's pages: the dashboard, a patient's page, the prescription form, new patients."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
