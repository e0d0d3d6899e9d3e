"""Replay a patient's history through the protocol: `pacewise simulate SCENARIO.json`.

The scenario is one JSON document (see README); validation names the offending field, and the
result is the domain's own `ProtocolResult`, shown as JSON or as a table by the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from pacewise.domain import (
    Condition,
    History,
    InvalidInput,
    PlanWeek,
    Prescription,
    ProtocolResult,
    run_protocol,
)
from pacewise.domain.triage import TriageResult, triage
from pacewise.domain.wording import shown_minutes
from pacewise.services.inputs import (
    AcupunctureInput,
    ClearanceInput,
    ConditionCode,
    DailyPainInput,
    FlareInput,
    IsoDate,
    SessionInput,
    StrictModel,
    describe_validation_error,
)
from pacewise.services.prescription_input import PrescriptionInput


class ScenarioInput(StrictModel):
    """A history to replay; every key but the records' own required fields may be omitted."""

    start: IsoDate | None = None
    until: IsoDate | None = None
    condition: ConditionCode = Condition.LOW_BACK_PAIN
    prescription: PrescriptionInput = PrescriptionInput()
    sessions: tuple[SessionInput, ...] = ()
    daily_pain: tuple[DailyPainInput, ...] = ()
    flares: tuple[FlareInput, ...] = ()
    acupuncture: tuple[AcupunctureInput, ...] = ()
    clearances: tuple[ClearanceInput, ...] = ()

    def dates(self) -> Iterable[dt.date]:
        """Every date the scenario names."""
        for day in (self.start, self.until):
            if day is not None:
                yield day
        for records in (
            self.sessions,
            self.daily_pain,
            self.flares,
            self.acupuncture,
            self.clearances,
        ):
            for record in records:
                yield record.date


class Scenario:
    """A validated scenario: the domain history and the day to replay it to."""

    def __init__(self, history: History, until: dt.date) -> None:
        self.history = history
        self.until = until


def parse_scenario(text: str) -> Scenario:
    """Parse and validate a scenario document; any problem is one `InvalidInput`."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "input", f"not valid JSON ({error.msg} at line {error.lineno})"
        ) from None
    if not isinstance(document, dict):
        raise InvalidInput("input", "must be a JSON object")
    try:
        scenario = ScenarioInput.model_validate(document)
    except ValidationError as error:
        raise describe_validation_error(error) from None
    return _to_domain(scenario)


def _to_domain(scenario: ScenarioInput) -> Scenario:
    named = list(scenario.dates())
    start = scenario.start or (min(named) if named else None)
    if start is None:
        raise InvalidInput("start", "is required when the scenario names no dates")
    until = scenario.until or max(named)
    if until < start:
        raise InvalidInput("until", f"must not be before start ({start}), got {until}")
    prescription = scenario.prescription.to_domain(scenario.condition)
    daily_pain: dict[dt.date, int] = {}
    for index, rating in enumerate(scenario.daily_pain):
        if rating.date in daily_pain:
            raise InvalidInput(f"daily_pain[{index}].date", f"{rating.date} is rated twice")
        daily_pain[rating.date] = rating.pain
    history = History(
        prescription=prescription,
        start=start,
        sessions=tuple(session.to_domain() for session in scenario.sessions),
        daily_pain=daily_pain,
        reported_flares=tuple(flare.to_domain() for flare in scenario.flares),
        clearances=tuple(clearance.date for clearance in scenario.clearances),
        acupuncture=tuple(visit.to_domain() for visit in scenario.acupuncture),
    )
    return Scenario(history, until)


def simulate(scenario: Scenario) -> ProtocolResult:
    return run_protocol(scenario.history, scenario.until)


def session_triage(scenario: Scenario) -> list[tuple[dt.date, TriageResult]]:
    """Each session's own triage result, as the patient saw it after logging it."""
    rx = scenario.history.prescription
    return [
        (s.date, triage(s.checkin, s.pain_before, s.pain_after, rx))
        for s in scenario.history.sessions
        if s.date <= scenario.until
    ]


def result_as_json(scenario: Scenario, result: ProtocolResult) -> dict[str, Any]:
    """The replay as plain JSON values; dates as YYYY-MM-DD, minutes exact (and shown)."""
    rx = scenario.history.prescription
    boom = result.boom_bust
    return {
        "start": scenario.history.start.isoformat(),
        "until": result.until.isoformat(),
        "condition": rx.condition.value,
        "prescription": prescription_as_json(rx),
        "weeks": [week_as_json(week) for week in result.weeks],
        "alerts": [
            {
                "date": alert.date.isoformat(),
                "level": alert.level.value,
                "reason": alert.reason,
                "cleared": alert.cleared_on.isoformat() if alert.cleared_on else None,
            }
            for alert in result.alerts
        ],
        "flares": [
            {"date": flare.date.isoformat(), "source": flare.source.value, "severe": flare.severe}
            for flare in result.flares
        ],
        "boom_bust": {
            "window_start": boom.start.isoformat(),
            "window_end": boom.end.isoformat(),
            "flagged": boom.flagged,
            "over_days": [day.isoformat() for day in boom.over_days],
            "under_days": [day.isoformat() for day in boom.under_days],
            "busts": [[over.isoformat(), under.isoformat()] for over, under in boom.busts],
            "cv": boom.cv,
            "pain_led": boom.pain_led,
            "pain_activity_correlation": boom.pain_activity_correlation,
        },
        "acupuncture_window_days": [day.isoformat() for day in result.acupuncture_window_days],
        "triage": [
            {
                "date": day.isoformat(),
                "level": outcome.level.value,
                "reasons": list(outcome.reasons),
                "card": outcome.card,
            }
            for day, outcome in session_triage(scenario)
        ],
    }


def week_as_json(week: PlanWeek) -> dict[str, Any]:
    return {
        "week": week.week,
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "phase": week.phase,
        "session_minutes": week.session_minutes,
        "session_minutes_shown": shown_minutes(week.session_minutes),
        "sessions_per_week": week.sessions_per_week,
        "weekly_minutes": week.weekly_minutes,
        "weekly_minutes_shown": shown_minutes(week.weekly_minutes),
        "done_minutes": week.done_minutes,
        "planned_days": [day.isoformat() for day in week.planned_days],
        "planned_sessions": [
            {
                "date": planned.date.isoformat(),
                "time": planned.time.strftime("%H:%M"),
                "kind": planned.kind.value,
                "minutes": planned.minutes,
                "minutes_shown": shown_minutes(planned.minutes),
                "in_acupuncture_window": planned.in_acupuncture_window,
            }
            for planned in week.planned
        ],
        "kinds": {kind.value: count for kind, count in week.kinds.items()},
        "decision": week.decision.value,
        "reason": week.reason,
    }


def prescription_as_json(rx: Prescription) -> dict[str, Any]:
    """Every setting in force, so a replay shows exactly what the engine used."""
    settings: dict[str, Any] = {}
    for name in rx.__dataclass_fields__:
        value = getattr(rx, name)
        if isinstance(value, tuple):
            value = [_plain(item) for item in value]
        settings[name] = _plain(value)
    return settings


def _plain(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if hasattr(value, "value"):
        return value.value
    return value
