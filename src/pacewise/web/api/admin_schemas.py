"""What the admin routes and the access log accept and send back: account data only, never a
patient's health data (issue 4: an admin manages accounts but reads no health data)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from pacewise.services.inputs import StrictModel
from pacewise.web.api.schemas import Out

MAX_ROW_ID = 2**31 - 1
"""The largest id an integer column holds on PostgreSQL; a larger one names no row."""


def _one_line(value: str) -> str:
    """Control characters are never part of a name or an address (and PostgreSQL refuses NUL)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise PydanticCustomError("control_character", "must not contain control characters")
    return value


OneLine = Annotated[StrictStr, AfterValidator(_one_line)]
RowId = Annotated[StrictInt, Field(ge=1, le=MAX_ROW_ID)]


class NewClinicianIn(StrictModel):
    email: Annotated[OneLine, Field(max_length=320)]
    display_name: Annotated[OneLine, Field(max_length=200)] = ""


class NewClinicianOut(Out):
    id: int
    email: str
    role: str
    invite_url: str
    invite_expires_at: dt.datetime


class RevokedOut(Out):
    tokens_revoked: int
    sessions_ended: int


class CareIn(StrictModel):
    clinician_id: RowId
    patient_id: RowId


class CareOut(Out):
    clinician_id: int
    patient_id: int
