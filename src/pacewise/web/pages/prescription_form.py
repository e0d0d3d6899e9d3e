"""The clinician's prescription form: its fields, what was typed, and each problem at its field.

The form shows every setting the engine uses (PROTOCOL.md 2-9), pre-filled from the latest
version. What the clinician typed is kept as typed, so a rejected form comes back unchanged.
A field left empty takes the condition profile's default, and a value equal to that default is
not stored as a change, so a later change of profile brings its own defaults.
Validation is the services' (`PrescriptionChangeInput`) and the domain's; this module only turns
form text into the numbers those expect and puts their messages next to the right field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from pacewise.domain import Condition, InvalidInput, Kind, prescription_for
from pacewise.services.inputs import field_path
from pacewise.services.prescription_input import PrescriptionInput
from pacewise.services.prescriptions import PrescriptionChangeInput


@dataclass(frozen=True, slots=True)
class NumberField:
    """One number of the prescription: `unit` is "percent" for a fraction shown as %."""

    name: str
    label: str
    whole: bool = False
    unit: str = ""
    hint: str = ""


MAIN_FIELDS = (
    NumberField("baseline_minutes", "Session length at the start", unit="min"),
    NumberField("sessions_per_week", "Sessions a week at the start", whole=True),
    NumberField(
        "progression_rate",
        "Weekly growth",
        unit="percent",
        hint="How much the weekly minutes may grow from one week to the next.",
    ),
    NumberField("weekly_target_minutes", "Weekly target", unit="min"),
    NumberField("max_session_minutes", "Longest session", unit="min"),
    NumberField("max_sessions_per_week", "Most sessions a week", whole=True),
)

ADVANCED_FIELDS = (
    NumberField("baseline_weeks", "Weeks of baseline (phase 1)", whole=True),
    NumberField("consolidation_from_week", "Consolidation (phase 3) from week", whole=True),
    NumberField("maintenance_from_week", "Maintenance (phase 4) from week", whole=True),
    NumberField(
        "adherence_threshold",
        "Share of planned minutes that lets the plan grow",
        unit="percent",
    ),
    NumberField("floor_minutes", "Shortest session, even in a flare", unit="min"),
    NumberField("severe_flare_factor", "Session length kept after a severe flare", unit="percent"),
    NumberField("flare_rise_points", "Flare: pain points above the usual", whole=True),
    NumberField("flare_consecutive_days", "Flare: days in a row", whole=True),
    NumberField("flare_lookback_days", "Flare: days that set the usual pain", whole=True),
    NumberField("flare_min_ratings", "Flare: ratings needed to judge", whole=True),
    NumberField(
        "assess_pain_rise_points", "Review when pain rises in a session by (points)", whole=True
    ),
    NumberField(
        "assess_next_day_rise_points",
        "Review when the next day's pain is still up by (points)",
        whole=True,
    ),
    NumberField("boom_bust_days", "Boom and bust: days looked at", whole=True),
    NumberField("over_day_ratio", "Big day: more than this share of a session", unit="percent"),
    NumberField("under_day_ratio", "Small day: less than this share of a session", unit="percent"),
    NumberField("bust_within_days", "Small day within this many days of a big one", whole=True),
    NumberField("boom_bust_min_pairs", "Big-then-small pairs that show the pattern", whole=True),
    NumberField("pain_led_min_ratings", "Pain-led check: ratings needed", whole=True),
    NumberField("pain_led_correlation", "Pain-led check: correlation at or below"),
    NumberField("acupuncture_window_days", "Days after acupuncture marked as a window", whole=True),
)

NUMBER_FIELDS = {field.name: field for field in (*MAIN_FIELDS, *ADVANCED_FIELDS)}
OTHER_LABELS = {
    "session_times": "Session times",
    "main_kind": "Main activity",
    "preferred_kind": "Preferred activity",
    "variety_kinds": "Variety from phase 3",
}
CONDITIONS = tuple(condition.value for condition in Condition)
KINDS = tuple(kind.value for kind in Kind)
TIME_SLOTS = 4
"""Session time inputs offered (more when the prescription already has more)."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """A valid change, ready for the services; or the problems, each at its field."""

    change: PrescriptionChangeInput | None
    problems: dict[str, str]


def values_of_settings(condition: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The form's text from a saved version's settings (`PrescriptionVersionView.settings`)."""
    values: dict[str, Any] = {"condition": condition, "note": ""}
    for name, field in NUMBER_FIELDS.items():
        values[name] = _shown(settings.get(name), field)
    values["session_times"] = list(settings.get("session_times") or [])
    values["main_kind"] = settings.get("main_kind") or ""
    values["preferred_kind"] = settings.get("preferred_kind") or ""
    values["variety_kinds"] = list(settings.get("variety_kinds") or [])
    return values


def values_of_form(form: FormData) -> dict[str, Any]:
    """The form's text as typed, to show it again."""
    values: dict[str, Any] = {
        name: _text(form.get(name)) for name in ("condition", "note", *NUMBER_FIELDS)
    }
    values["session_times"] = [_text(v) for v in form.getlist("session_times") if _text(v)]
    values["main_kind"] = _text(form.get("main_kind"))
    values["preferred_kind"] = _text(form.get("preferred_kind"))
    values["variety_kinds"] = [_text(v) for v in form.getlist("variety_kinds")]
    return values


def describe(overrides: Mapping[str, Any]) -> list[str]:
    """A saved version's own settings in words: "Weekly growth 5 %", "Session times 08:00"."""
    words = []
    for name, value in overrides.items():
        field = NUMBER_FIELDS.get(name)
        if field is not None:
            unit = {"percent": " %", "min": " min"}.get(field.unit, "")
            words.append(f"{field.label.lower()} {_shown(value, field)}{unit}")
        elif isinstance(value, list | tuple):
            shown = ", ".join(str(item).replace("_", " ") for item in value) or "none"
            words.append(f"{OTHER_LABELS.get(name, name).lower()} {shown}")
        else:
            words.append(f"{OTHER_LABELS.get(name, name).lower()} {str(value).replace('_', ' ')}")
    return words


def time_slots(values: Mapping[str, Any]) -> list[str]:
    """The typed session times, padded with empty inputs to at least TIME_SLOTS."""
    times = list(values.get("session_times") or [])
    return times + [""] * max(TIME_SLOTS - len(times), 1)


def parse(values: Mapping[str, Any]) -> Parsed:
    """Turn the form's text into a `PrescriptionChangeInput`, or say what is wrong where."""
    problems: dict[str, str] = {}
    settings: dict[str, Any] = {}
    for name, field in NUMBER_FIELDS.items():
        text = values.get(name, "")
        if not text:
            continue
        try:
            settings[name] = _number(text, field)
        except ValueError as problem:
            problems[name] = str(problem)
    if values["session_times"]:
        settings["session_times"] = sorted(values["session_times"])
    if values["main_kind"]:
        settings["main_kind"] = values["main_kind"]
    if values["preferred_kind"]:
        settings["preferred_kind"] = values["preferred_kind"]
    settings["variety_kinds"] = list(values["variety_kinds"])
    if problems:
        return Parsed(None, problems)
    raw = {"condition": values["condition"], "settings": settings, "note": values["note"]}
    try:
        change = PrescriptionChangeInput.model_validate(raw)
        return Parsed(_without_profile_defaults(change), {})
    except ValidationError as error:
        return Parsed(None, _validation_problems(error))
    except InvalidInput as error:
        return Parsed(None, {error.field: error.message})


def problems_of(error: InvalidInput) -> dict[str, str]:
    """A domain problem (`settings.max_session_minutes: ...`) at its form field."""
    name = _form_field(error.field)
    return {name: _worded(name, error.message)}


def _without_profile_defaults(change: PrescriptionChangeInput) -> PrescriptionChangeInput:
    """Keep only the settings that differ from the chosen profile's defaults."""
    profile = prescription_for(change.condition)
    kept = {
        name: value
        for name, value in change.settings.model_dump(exclude_none=True).items()
        if _differs(value, getattr(profile, name))
    }
    return change.model_copy(update={"settings": PrescriptionInput.model_validate(kept)})


def _differs(value: Any, default: Any) -> bool:
    if isinstance(value, list | tuple) and isinstance(default, list | tuple):
        return tuple(value) != tuple(default)
    return bool(value != default)


def _validation_problems(error: ValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    for problem in error.errors():
        name = _form_field(field_path(problem["loc"]))
        message = problem["msg"].replace("Input should be", "must be")
        problems.setdefault(name, _worded(name, message.removeprefix("Value error, ")))
    return problems


def _form_field(path: str) -> str:
    """'settings.session_times[1]' -> 'session_times'; 'condition' stays."""
    name = path.removeprefix("settings.").split(".")[0]
    return name.split("[")[0] or "settings"


def _worded(name: str, message: str) -> str:
    """The message with other settings called by their labels, and % fields explained."""
    for other in NUMBER_FIELDS.values():
        message = re.sub(rf"\b{other.name}\b", f"'{other.label.lower()}'", message)
    field = NUMBER_FIELDS.get(name)
    if field is not None and field.unit == "percent":
        return f"{message} (as a fraction here: 1 means 100 %)"
    return message


def _number(text: str, field: NumberField) -> int | float:
    cleaned = text.replace(",", ".").removesuffix("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"must be a number, got {text!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"must be a number, got {text!r}")
    if field.unit == "percent":
        return number / 100
    if field.whole:
        if not number.is_integer():
            raise ValueError(f"must be a whole number, got {text}")
        return int(number)
    return int(number) if number.is_integer() and "." not in cleaned else number


def _shown(value: Any, field: NumberField) -> str:
    if value is None:
        return ""
    if field.unit == "percent":
        return f"{round(value * 100, 6):g}"
    return f"{value:g}"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
