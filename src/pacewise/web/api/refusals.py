"""The refusals the OpenAPI schema lists besides each route's own answers: those any operation
may give (`web.app` adds them to every operation) and those a route gives outside its signature
(for its decorator's `responses=`)."""

from __future__ import annotations

from typing import Any

from fastapi import status

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}
"""A refusal other than a 422: what is wrong, in words."""
UNREADABLE_BODY = {
    "400": "The body could not be read: not text, or not the kind of body it says it is (or, "
    "for an import, no file)."
}
"""What any operation that takes a body may answer, before its fields are looked at."""
CALLER_ERRORS = {
    "401": "No valid API token or signed-in session.",
    "403": "Not allowed: a patient asking for a clinician's action, or a signed-in browser's "
    "change without its CSRF token.",
    "404": "No such record, or not the caller's to see: the two answers are the same.",
}
"""What any operation that needs a caller may answer, besides its own answers."""

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
