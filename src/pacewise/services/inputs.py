"""Validated input at the edge: Pydantic models shared by the CLI and (later) the API.

Each model checks one record once, with messages that name the value (`must be 0-10, got 11`),
and converts it into the domain's plain dataclasses. Inside, the types are trusted.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from pacewise.domain import (
    AcupunctureVisit,
    Condition,
    Flare,
    InvalidInput,
    Kind,
    Session,
)
from pacewise.domain.triage import validate_checkin

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"\d{2}:\d{2}")


EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
"""A date outside these is a typing error. At year 1 or 9999 the engine's arithmetic (a week or
two either side of a day) runs off Python's calendar, and a plan centuries ahead is slow to
work out."""


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _in_range(value)
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError(
            "date_format", "must be a date as YYYY-MM-DD, got {got}", _got(value)
        )
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_value", "no such date: {got}", _got(value)) from None
    return _in_range(day)


def _in_range(day: dt.date) -> dt.date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise PydanticCustomError(
            "date_range",
            "must be from {earliest} to {latest}, got {got}",
            {"earliest": str(EARLIEST_DATE), "latest": str(LATEST_DATE), "got": str(day)},
        )
    return day


def _clock_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and _CLOCK.fullmatch(value):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "time_format", "must be a time of day as HH:MM, got {got}", _got(value)
    )


def _rating(low: int, high: int) -> AfterValidator:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise PydanticCustomError(
                "rating_range",
                "must be {low}-{high}, got {got}",
                {"low": low, "high": high, "got": value},
            )
        return value

    return AfterValidator(check)


MAX_SESSION_MINUTES = 600
"""Ten hours: a longer bout is a typing or import error, never a session to plan around."""


def _positive_minutes(value: float) -> float:
    if not math.isfinite(value) or not 0 < value <= MAX_SESSION_MINUTES:
        raise PydanticCustomError(
            "minutes_range",
            "must be above 0 and at most {most}, got {got}",
            {**_got(value), "most": MAX_SESSION_MINUTES},
        )
    return float(value)


def _kind(value: Any) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        known = ", ".join(kind.value for kind in Kind)
        raise PydanticCustomError(
            "kind", "unknown kind {got}; valid: {known}", {**_got(value), "known": known}
        ) from None


def _condition(value: Any) -> Condition:
    try:
        return Condition(value)
    except ValueError:
        known = ", ".join(condition.value for condition in Condition)
        raise PydanticCustomError(
            "condition", "unknown condition {got}; valid: {known}", {**_got(value), "known": known}
        ) from None


def _checkin(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(code, str) for code in value):
        raise PydanticCustomError(
            "checkin", "must be a list of check-in codes, got {got}", _got(value)
        )
    try:
        return validate_checkin(value)
    except InvalidInput as error:
        raise PydanticCustomError("checkin_code", error.message) from None


def _got(value: Any) -> dict[str, str]:
    try:
        return {"got": json.dumps(value)}
    except (TypeError, ValueError):
        return {"got": repr(value)}


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
ClockTime = Annotated[
    dt.time,
    BeforeValidator(_clock_time),
    PlainSerializer(lambda time: time.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]
"""A time of day, "HH:MM" in JSON both ways: a saved prescription's `session_times` read back,
and the schema says what is sent (not `format: time`, which wants seconds and a zone)."""

Pain = Annotated[StrictInt, _rating(0, 10)]
Effort = Annotated[StrictInt, _rating(0, 10)]
Minutes = Annotated[StrictFloat | StrictInt, AfterValidator(_positive_minutes)]
KindCode = Annotated[Kind, BeforeValidator(_kind)]
ConditionCode = Annotated[Condition, BeforeValidator(_condition)]
CheckinCodes = Annotated[tuple[str, ...], BeforeValidator(_checkin)]


class StrictModel(BaseModel):
    """Unknown keys are an error: a typo must never be silently ignored. So is a value no
    database stores: text with a NUL character (PostgreSQL refuses it), or a number that is not
    finite (JSON has none, but Python's parser reads `NaN` and `1e400`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        problem = _unstorable(value)
        if problem is not None:
            raise PydanticCustomError("unstorable", problem)
        return value


def _unstorable(value: Any) -> str | None:
    """Why no database stores `value` (looking inside lists and mappings), or None."""
    if isinstance(value, str):
        return "must not contain a NUL character" if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"must be a finite number, got {value}"
    if isinstance(value, dict):
        inside = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        inside = list(value)
    else:
        return None
    return next((problem for problem in map(_unstorable, inside) if problem is not None), None)


class SessionInput(StrictModel):
    date: IsoDate
    minutes: Minutes
    kind: KindCode = Kind.WALK
    start: ClockTime | None = None
    pain_before: Pain | None = None
    pain_after: Pain | None = None
    effort: Effort | None = None
    checkin: CheckinCodes = ()

    def to_domain(self) -> Session:
        return Session(
            date=self.date,
            minutes=float(self.minutes),
            kind=self.kind,
            start=self.start,
            pain_before=self.pain_before,
            pain_after=self.pain_after,
            effort=self.effort,
            checkin=self.checkin,
        )


class DailyPainInput(StrictModel):
    date: IsoDate
    pain: Pain


class FlareInput(StrictModel):
    date: IsoDate
    severe: StrictBool = False

    def to_domain(self) -> Flare:
        return Flare(self.date, severe=self.severe)


class AcupunctureInput(StrictModel):
    date: IsoDate
    pain_before: Pain | None = None
    pain_after: Pain | None = None
    notes: str = ""

    def to_domain(self) -> AcupunctureVisit:
        return AcupunctureVisit(self.date, self.pain_before, self.pain_after, self.notes)


class ClearanceInput(StrictModel):
    date: IsoDate


def describe_validation_error(error: ValidationError) -> InvalidInput:
    """The first problem as one `InvalidInput` naming its path (`sessions[0].pain_before`)."""
    first = error.errors(include_url=False)[0]
    field = field_path(first["loc"])
    kind = first["type"]
    if kind == "extra_forbidden":
        return InvalidInput(field, "unknown key")
    if kind == "missing":
        return InvalidInput(field, "is required")
    message = first["msg"]
    if message.startswith("Input should be"):
        message = "must be" + message.removeprefix("Input should be")
        message += f", got {_got(first.get('input'))['got']}"
    return InvalidInput(field, message)


def field_path(location: Sequence[int | str]) -> str:
    """('sessions', 0, 'pain_before') -> 'sessions[0].pain_before'."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _is_validator_step(part):
            path += f".{part}" if path else part
    return path or "input"


def _is_validator_step(part: str) -> bool:
    """Pydantic puts union branch names in error locations; they mean nothing to a user."""
    return part in {"float", "int"} or part.startswith(("function-", "constrained-", "union["))
