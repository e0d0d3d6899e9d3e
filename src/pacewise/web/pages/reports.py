"""The PDF visit report download and the public calendar feed (issue 7)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
