"""Reading the logging pages' forms: what was typed, kept as typed, and a message per field.

A browser sends text; these functions turn it into the services' validated input
(`SessionInput`, the same model the API uses) or say, field by field and in plain words, what
to change. Nothing here decides anything clinical.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from pacewise.domain import Kind
from pacewise.domain.triage import CHECKIN_LEVELS
from pacewise.domain.wording import day_words
from pacewise.services.activity_log import SessionView
from pacewise.services.inputs import MAX_SESSION_MINUTES, SessionInput, describe_validation_error

DAYS_BACK = 7
"""How far back a session may be logged from these pages (issue 5: up to 7 days back)."""

SESSION_FIELDS = ("date", "start", "minutes", "kind", "pain_before", "pain_after", "effort")
NOTE_LIMIT = 2000
MINUTES_SHOWN_TO = 0.005
FEEL_FINE = "none"


@dataclass
class Typed:
    """A form as typed (to show it again) and the problems found, keyed by field name."""

    values: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def typed_values(form: FormData, names: tuple[str, ...]) -> Typed:
    values = {}
    for name in names:
        sent = form.get(name)
        values[name] = sent.strip() if isinstance(sent, str) else ""
    return Typed(values)


def session_values(view: SessionView) -> dict[str, str]:
    """A stored session as the form shows it."""
    return {
        "date": view.date.isoformat(),
        "start": view.start.strftime("%H:%M") if view.start else "",
        "minutes": minutes_text(view.minutes),
        "kind": view.kind,
        "pain_before": _optional_text(view.pain_before),
        "pain_after": _optional_text(view.pain_after),
        "effort": _optional_text(view.effort),
    }


def minutes_text(minutes: float) -> str:
    """'12', or a planned length such as '6.66' to two decimals (see `session_changes`)."""
    return f"{round(minutes, 2):g}"


def _optional_text(value: int | None) -> str:
    return "" if value is None else str(value)


def read_day(
    typed: Typed,
    today: dt.date,
    name: str = "date",
    days_back: int | None = DAYS_BACK,
    too_old: str = "",
) -> dt.date | None:
    """The day typed in: not after today, and (for sessions) not more than a week back."""
    text = typed.values[name]
    if not text:
        typed.problems[name] = "Please enter the day."
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        typed.problems[name] = "Please enter a day as year-month-day, for example 2026-11-28."
        return None
    if day > today:
        typed.problems[name] = "That day has not come yet. Please choose today or an earlier day."
        return None
    if days_back is not None and day < today - dt.timedelta(days=days_back):
        earliest = day_words(today - dt.timedelta(days=days_back))
        typed.problems[name] = too_old or (
            f"You can log sessions from the last {days_back} days, so from {earliest} on."
        )
        return None
    return day


def read_rating(typed: Typed, name: str, required: bool = False) -> int | None:
    """A 0-10 rating; empty means not rated (unless required)."""
    text = typed.values[name]
    if not text:
        if required:
            typed.problems[name] = "Please choose a number from 0 to 10."
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        typed.problems[name] = "Please choose a number from 0 to 10."
        return None
    return int(text)


def read_session(typed: Typed, today: dt.date, check_day: bool = True) -> SessionInput | None:
    """A session's fields as `SessionInput`, or None with a message at each field to change."""
    day = read_day(typed, today, days_back=DAYS_BACK if check_day else None)
    start = _read_start(typed)
    minutes = _read_minutes(typed)
    kind = typed.values["kind"]
    if kind not in {each.value for each in Kind}:
        typed.problems["kind"] = "Please choose what you did."
    ratings = {name: read_rating(typed, name) for name in ("pain_before", "pain_after", "effort")}
    if not typed.ok:
        return None
    fields: dict[str, Any] = {"date": day, "minutes": minutes, "kind": kind, **ratings}
    if start is not None:
        fields["start"] = start
    try:
        return SessionInput.model_validate(fields)
    except ValidationError as error:
        problem = describe_validation_error(error)
        typed.problems[problem.field.split(".")[0].split("[")[0]] = sentence(problem.message)
        return None


def _read_start(typed: Typed) -> dt.time | None:
    text = typed.values["start"]
    if not text:
        return None
    try:
        # A browser's time field sends HH:MM, or HH:MM:SS when it shows seconds.
        return dt.time.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        typed.problems["start"] = "Please enter a time of day such as 09:30, or leave it empty."
        return None


def _read_minutes(typed: Typed) -> float | None:
    text = typed.values["minutes"].replace(",", ".")
    if not text:
        typed.problems["minutes"] = "Please enter how many minutes you moved."
        return None
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes) or not 1 <= minutes <= MAX_SESSION_MINUTES:
        typed.problems["minutes"] = (
            f"Please enter the minutes as a number from 1 to {MAX_SESSION_MINUTES}."
        )
        return None
    return minutes


def session_changes(entry: SessionInput, stored: SessionView) -> dict[str, Any]:
    """Only what differs from the stored session, in the form `edit_session` takes, so that an
    imported session's own fields are never sent back unchanged (they are the file's)."""
    wanted: dict[str, Any] = {
        "date": entry.date,
        "start": entry.start,
        "minutes": float(entry.minutes),
        "kind": entry.kind.value,
        "pain_before": entry.pain_before,
        "pain_after": entry.pain_after,
        "effort": entry.effort,
    }
    now: Mapping[str, Any] = {
        "date": stored.date,
        "start": stored.start,
        "minutes": stored.minutes,
        "kind": stored.kind,
        "pain_before": stored.pain_before,
        "pain_after": stored.pain_after,
        "effort": stored.effort,
    }
    changes = {}
    for name, value in wanted.items():
        if name == "minutes":
            # The form shows minutes to two decimals: within that, they are unchanged.
            if abs(value - now[name]) >= MINUTES_SHOWN_TO:
                changes[name] = value
        elif value != now[name]:
            changes[name] = value
    return changes


def read_checkin(form: FormData) -> tuple[tuple[str, ...], bool, str]:
    """The check-in codes ticked, whether "I feel fine" was ticked, and a problem if any.

    A warning sign ticked together with "I feel fine" still counts: safety first.
    """
    sent = [value for value in form.getlist("checkin") if isinstance(value, str)]
    codes = tuple(code for code in sent if code in CHECKIN_LEVELS)
    feel_fine = FEEL_FINE in sent
    if not codes and not feel_fine:
        return (), False, "Please tick what you noticed, or “None of these: I feel fine”."
    return codes, feel_fine, ""


def read_note(typed: Typed, name: str) -> str:
    text = typed.values[name]
    if len(text) > NOTE_LIMIT:
        typed.problems[name] = f"Please keep the note under {NOTE_LIMIT} characters."
    return text


def sentence(message: str) -> str:
    """A service's message ('must be 0-10, got 11') as a sentence for a page."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
