"""Refusals a route gives outside its signature, for its decorator's `responses=`, so the
OpenAPI schema lists them (`web.app` adds those every operation may give)."""

from __future__ import annotations

from typing import Any

from fastapi import status

ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
"""`{"detail": text}`, the shape of every refusal but a 422."""

NO_PRESCRIPTION: dict[int | str, dict[str, Any]] = {
    status.HTTP_409_CONFLICT: {
        "description": "The patient has no prescription yet: the clinician sets one first.",
        "content": ERROR_BODY,
    }
}
"""Routes that need the patient's prescription (the plan, the triage of a check-in)."""

SIGN_IN_SLOWED: dict[int | str, dict[str, Any]] = {
    status.HTTP_429_TOO_MANY_REQUESTS: {
        "description": "Too many failed sign-ins for this account or address: wait the "
        "Retry-After seconds, then try again.",
        "content": ERROR_BODY,
    }
}
