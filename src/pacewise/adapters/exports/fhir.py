"""A patient's record as a FHIR R4 Bundle (type "collection"), validated by the FHIR models.

Why R4B: fhir.resources 8 ships R5 as its default models and keeps the R4 family as `R4B`, the
pydantic-2 build of FHIR R4 (4.3, which changed no resource we use from 4.0.1). Every resource is
built as plain JSON, checked by its R4B model (a wrong field fails here, not at the reader), and
the whole Bundle is checked again before it leaves.

What maps to what (codes in `fhir_codes`): Patient; one CarePlan per prescription version (the
newest with this plan week's sessions as activities and its phase; each with an extension that
restores the version); Goal (the weekly minutes target, each PSFS activity); Observation (daily
pain LOINC 72514-3, each session's minutes 55411-3, each finished plan week's minutes 82290-8,
PEG 91147-9 with its items, TSK-11, PGIC and PSFS scores, steps 41950-7, flares);
QuestionnaireResponse per questionnaire answered; Procedure per acupuncture visit (SNOMED CT
44868003); Flag per alert (active until cleared). Every resource carries a `urn:pacewise:`
identifier, or a session its source and source id, so an import finds it again.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from pacewise.adapters.db.models import (
    ActivitySession,
    AcupunctureVisitRecord,
    AlertRecord,
    CheckIn,
    DailyActivity,
    FlareReport,
    PrescriptionVersion,
    QuestionnaireResponse,
    User,
)
from pacewise.adapters.exports import fhir_codes as codes
from pacewise.adapters.exports.fhir_codes import coding
from pacewise.domain.plan_week import PlanWeek
from pacewise.domain.summaries import WeekSummary

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """Everything the bundle holds, as the service loaded it."""

    patient: User
    prescriptions: Sequence[PrescriptionVersion]
    sessions: Sequence[ActivitySession]
    checkins: Mapping[int, CheckIn]
    daily_pain: Mapping[dt.date, int]
    flares: Sequence[FlareReport]
    visits: Sequence[AcupunctureVisitRecord]
    questionnaires: Sequence[QuestionnaireResponse]
    alerts: Sequence[AlertRecord]
    daily_activity: Sequence[DailyActivity]
    weekly_target_minutes: float | None
    current_week: PlanWeek | None
    finished_weeks: Sequence[WeekSummary]
    generated_at: dt.datetime


def build_bundle(record: PatientRecord) -> Json:
    """The Bundle as JSON, validated by the R4B models."""
    builder = _Builder(record)
    entries = builder.entries()
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": record.generated_at.isoformat(),
        "identifier": {"system": codes.PATIENT_ID, "value": str(record.patient.id)},
        "entry": entries,
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", by_alias=True, exclude_none=True)


def validated(resource: Json) -> Json:
    """The resource as its R4B model reads it back (raises pydantic's ValidationError)."""
    model = get_fhir_model_class(resource["resourceType"])
    parsed = model.model_validate(resource)
    dumped: Json = parsed.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


class _Builder:
    def __init__(self, record: PatientRecord) -> None:
        self.record = record
        self.patient_id = record.patient.id
        try:
            self.zone = ZoneInfo(record.patient.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo("UTC")
        self.subject = {"reference": self.full_url("Patient", "self")}
        self.session_by_id = {session.id: session for session in record.sessions}

    def full_url(self, kind: str, key: object) -> str:
        """A stable name for the resource inside this patient's bundles (the same on every
        export of the same database), so references hold without server ids."""
        name = f"pacewise:{self.patient_id}:{kind}:{key}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def entry(self, kind: str, key: object, resource: Json) -> Json:
        return {"fullUrl": self.full_url(kind, key), "resource": validated(resource)}

    def entries(self) -> list[Json]:
        r = self.record
        found = [self.entry("Patient", "self", self.patient())]
        versions = list(r.prescriptions)
        for position, version in enumerate(versions):
            newest = position == len(versions) - 1
            found.append(self.entry("CarePlan", version.id, self.care_plan(version, newest)))
        if r.weekly_target_minutes is not None:
            found.append(self.entry("Goal", "weekly-minutes", self.weekly_goal()))
        found += [self.entry("Goal", f"psfs:{name}", goal) for name, goal in self.psfs_goals()]
        found += [self.entry("Observation", f"session:{s.id}", self.session(s)) for s in r.sessions]
        found += [
            self.entry("Observation", f"pain:{day}", self.daily_pain(day, pain))
            for day, pain in sorted(r.daily_pain.items())
        ]
        found += [
            self.entry("Observation", f"week:{w.week.week}", self.week_minutes(w))
            for w in r.finished_weeks
        ]
        for response in r.questionnaires:
            found.append(self.entry("QuestionnaireResponse", response.id, self.answers(response)))
            score = self.score(response)
            if score is not None:
                found.append(self.entry("Observation", f"score:{response.id}", score))
        found += [self.entry("Observation", f"flare:{f.id}", self.flare(f)) for f in r.flares]
        found += [self.entry("Procedure", v.id, self.visit(v)) for v in r.visits]
        found += [self.entry("Flag", a.id, self.alert(a)) for a in r.alerts]
        found += [
            self.entry("Observation", f"activity:{a.source}:{a.date}", self.day_activity(a))
            for a in r.daily_activity
        ]
        return found

    # --- the patient and the plan -----------------------------------------------------------

    def patient(self) -> Json:
        user = self.record.patient
        resource: Json = {
            "resourceType": "Patient",
            "identifier": [{"system": codes.PATIENT_ID, "value": str(user.id)}],
            "telecom": [{"system": "email", "value": user.email}],
            "extension": [{"url": codes.TIME_ZONE_EXTENSION, "valueString": user.time_zone}],
        }
        if user.display_name:
            resource["name"] = [{"text": user.display_name}]
        return resource

    def care_plan(self, version: PrescriptionVersion, newest: bool) -> Json:
        """One prescription version; the newest also holds this plan week's sessions."""
        restore = [
            {"url": "condition", "valueCode": version.condition},
            {"url": "start-date", "valueDate": version.start_date.isoformat()},
            {"url": "effective-from", "valueDate": version.effective_from.isoformat()},
            {"url": "settings", "valueString": json.dumps(version.settings, sort_keys=True)},
        ]
        if version.note:
            restore.append({"url": "note", "valueString": version.note})
        plan: Json = {
            "resourceType": "CarePlan",
            "identifier": [{"system": codes.PRESCRIPTION_ID, "value": str(version.id)}],
            "status": "active" if newest else "revoked",
            "intent": "plan",
            "title": f"Paced activity plan ({version.condition.replace('_', ' ')})",
            "subject": self.subject,
            "period": {"start": version.effective_from.isoformat()},
            "extension": [{"url": codes.PRESCRIPTION_EXTENSION, "extension": restore}],
        }
        week = self.record.current_week
        if newest and week is not None:
            plan["extension"].append({"url": codes.PHASE_EXTENSION, "valueInteger": week.phase})
            plan["description"] = f"Phase {week.phase}, plan week {week.week}: {week.reason}"
            plan["activity"] = [
                self.planned(p.date, p.time, p.kind.value, p.minutes) for p in week.planned
            ]
        return plan

    def planned(self, day: dt.date, time: dt.time, kind: str, minutes: float) -> Json:
        at = dt.datetime.combine(day, time, tzinfo=self.zone)
        return {
            "detail": {
                "code": {
                    "coding": [
                        coding(codes.SNOMED, codes.EXERCISE_THERAPY),
                        coding(codes.KIND_CODES, kind),
                    ],
                    "text": kind.replace("_", " "),
                },
                "status": "scheduled",
                "scheduledTiming": {
                    "event": [at.isoformat()],
                    "repeat": {"duration": round(minutes, 2), "durationUnit": "min"},
                },
            }
        }

    def weekly_goal(self) -> Json:
        target = self.record.weekly_target_minutes or 0.0
        return {
            "resourceType": "Goal",
            "identifier": [{"system": codes.GOAL_ID, "value": "weekly-minutes"}],
            "lifecycleStatus": "active",
            "description": {"text": "Weekly minutes of moderate activity"},
            "subject": self.subject,
            "target": [
                {
                    "measure": {"coding": [coding(codes.LOINC, codes.WEEKLY_ACTIVITY_MINUTES)]},
                    "detailQuantity": _minutes(target, "min/wk"),
                }
            ],
        }

    def psfs_goals(self) -> list[tuple[str, Json]]:
        """Each activity of the latest PSFS, a goal of its own (MEASURES.md: FHIR Goal per
        activity), with its latest rating in words."""
        latest = [q for q in self.record.questionnaires if q.instrument == "PSFS"]
        if not latest:
            return []
        answered = latest[-1]
        goals = []
        for entry in answered.answers.get("activities", []):
            name = str(entry.get("activity", "")).strip()
            if not name:
                continue
            goals.append(
                (
                    name,
                    {
                        "resourceType": "Goal",
                        "identifier": [{"system": codes.GOAL_ID, "value": f"psfs:{name}"}],
                        "lifecycleStatus": "active",
                        "description": {"text": name},
                        "subject": self.subject,
                        "note": [
                            {
                                "text": f"Rated {entry.get('rating')} of 10 "
                                f"(0 unable, 10 as before) on {answered.answered_on.isoformat()}"
                            }
                        ],
                    },
                )
            )
        return goals

    # --- observations -------------------------------------------------------------------------

    def observation(self, code: Json, when: Json, category: str) -> Json:
        return {
            "resourceType": "Observation",
            "status": "final",
            "category": [{"coding": [coding(codes.OBSERVATION_CATEGORY, category)]}],
            "code": code,
            "subject": self.subject,
            **when,
        }

    def session(self, session: ActivitySession) -> Json:
        """One session's minutes (LOINC 55411-3), its kind, pain before and after, effort and
        check-in; the identifier is its source and source id."""
        if session.start_time is not None:
            at = dt.datetime.combine(session.date, session.start_time, tzinfo=self.zone)
            when = {"effectiveDateTime": at.isoformat()}
        else:
            when = {"effectiveDateTime": session.date.isoformat()}
        resource = self.observation(
            {"coding": [coding(codes.LOINC, codes.EXERCISE_DURATION)], "text": "Exercise minutes"},
            when,
            "activity",
        )
        resource["identifier"] = [
            {"system": codes.SESSION_SOURCE + session.source, "value": session.source_id}
        ]
        resource["valueQuantity"] = _minutes(session.minutes, "min")
        components = [
            {
                "code": {"coding": [coding(codes.OBSERVATION_CODES, "kind")]},
                "valueCodeableConcept": {"coding": [coding(codes.KIND_CODES, session.kind)]},
            }
        ]
        for name, value in (
            ("pain-before", session.pain_before),
            ("pain-after", session.pain_after),
        ):
            if value is not None:
                pain_code = [
                    coding(codes.LOINC, codes.PAIN_NRS),
                    coding(codes.OBSERVATION_CODES, name),
                ]
                components.append({"code": {"coding": pain_code}, "valueQuantity": _score(value)})
        if session.effort is not None:
            components.append(
                {
                    "code": {"coding": [coding(codes.OBSERVATION_CODES, "effort")]},
                    "valueQuantity": _score(session.effort),
                }
            )
        resource["component"] = components
        checkin = self.record.checkins.get(session.id)
        if checkin is not None:
            resource["extension"] = [_checkin_extension(checkin)]
        return resource

    def daily_pain(self, day: dt.date, pain: int) -> Json:
        resource = self.observation(
            {"coding": [coding(codes.LOINC, codes.PAIN_NRS)], "text": "Pain today (0-10)"},
            {"effectiveDateTime": day.isoformat()},
            "survey",
        )
        resource["identifier"] = [{"system": codes.DAILY_PAIN_ID, "value": day.isoformat()}]
        resource["valueQuantity"] = _score(pain)
        return resource

    def week_minutes(self, summary: WeekSummary) -> Json:
        """A finished plan week's minutes of activity (LOINC 82290-8), as the engine summed
        them; derived from the sessions, so an import reads the sessions instead."""
        week = summary.week
        resource = self.observation(
            {
                "coding": [coding(codes.LOINC, codes.WEEKLY_ACTIVITY_MINUTES)],
                "text": f"Minutes of activity in plan week {week.week}",
            },
            {"effectivePeriod": {"start": week.start.isoformat(), "end": week.end.isoformat()}},
            "activity",
        )
        resource["identifier"] = [{"system": codes.WEEK_ID, "value": str(week.week)}]
        resource["valueQuantity"] = _minutes(summary.done_minutes, "min/wk")
        return resource

    def score(self, response: QuestionnaireResponse) -> Json | None:
        """The questionnaire's score as an Observation derived from its answers."""
        when = {"effectiveDateTime": response.answered_on.isoformat()}
        derived = [{"reference": self.full_url("QuestionnaireResponse", response.id)}]
        if response.instrument == "PEG":
            code = {"coding": [coding(codes.LOINC, codes.PEG_MEAN)], "text": "PEG score"}
        else:
            name = {"TSK11": "tsk11-total", "PGIC": "pgic", "PSFS": "psfs-mean"}.get(
                response.instrument
            )
            if name is None:
                return None
            code = {
                "coding": [coding(codes.OBSERVATION_CODES, name)],
                "text": f"{response.instrument} score",
            }
        resource = self.observation(code, when, "survey")
        resource["identifier"] = [{"system": codes.QUESTIONNAIRE_ID, "value": str(response.id)}]
        resource["derivedFrom"] = derived
        resource["valueQuantity"] = _score(response.score)
        if response.instrument == "PEG":
            resource["component"] = [
                {
                    "code": {"coding": [coding(codes.LOINC, loinc)]},
                    "valueQuantity": _score(response.answers[item]),
                }
                for item, loinc in codes.PEG_ITEMS.items()
                if isinstance(response.answers.get(item), int)
            ]
        return resource

    def flare(self, flare: FlareReport) -> Json:
        resource = self.observation(
            {"coding": [coding(codes.OBSERVATION_CODES, "flare")], "text": "Flare reported"},
            {"effectiveDateTime": flare.date.isoformat()},
            "survey",
        )
        resource["identifier"] = [{"system": codes.FLARE_ID, "value": str(flare.id)}]
        severity = "severe" if flare.severe else "not-severe"
        resource["valueCodeableConcept"] = {"coding": [coding(codes.FLARE_SEVERITY, severity)]}
        if flare.note:
            resource["note"] = [{"text": flare.note}]
        return resource

    def day_activity(self, day: DailyActivity) -> Json:
        """A day's steps (LOINC 41950-7) from one source, with its exercise minutes."""
        resource = self.observation(
            {"coding": [coding(codes.LOINC, codes.STEPS_PER_DAY)], "text": "Steps in the day"},
            {"effectiveDateTime": day.date.isoformat()},
            "activity",
        )
        resource["identifier"] = [
            {"system": codes.DAILY_ACTIVITY_SOURCE + day.source, "value": day.date.isoformat()}
        ]
        if day.steps is None:
            resource["dataAbsentReason"] = {"coding": [coding(codes.DATA_ABSENT, "unknown")]}
        else:
            resource["valueQuantity"] = {
                "value": day.steps,
                "unit": "steps/day",
                "system": codes.UCUM,
                "code": "/d",
            }
        if day.exercise_minutes is not None:
            resource["component"] = [
                {
                    "code": {"coding": [coding(codes.OBSERVATION_CODES, "daily-exercise-minutes")]},
                    "valueQuantity": _minutes(day.exercise_minutes, "min"),
                }
            ]
        return resource

    # --- answers, visits, alerts --------------------------------------------------------------

    def answers(self, response: QuestionnaireResponse) -> Json:
        return {
            "resourceType": "QuestionnaireResponse",
            "identifier": {"system": codes.QUESTIONNAIRE_ID, "value": str(response.id)},
            "questionnaire": f"{codes.QUESTIONNAIRE}:{response.instrument}",
            "status": "completed",
            "subject": self.subject,
            "authored": response.answered_on.isoformat(),
            "item": answer_items(response.answers),
        }

    def visit(self, visit: AcupunctureVisitRecord) -> Json:
        resource: Json = {
            "resourceType": "Procedure",
            "identifier": [{"system": codes.VISIT_ID, "value": str(visit.id)}],
            "status": "completed",
            "code": {"coding": [coding(codes.SNOMED, codes.ACUPUNCTURE)], "text": "Acupuncture"},
            "subject": self.subject,
            "performedDateTime": visit.date.isoformat(),
        }
        extensions = [
            {"url": url, "valueInteger": value}
            for url, value in (
                (codes.PAIN_BEFORE_EXTENSION, visit.pain_before),
                (codes.PAIN_AFTER_EXTENSION, visit.pain_after),
            )
            if value is not None
        ]
        if extensions:
            resource["extension"] = extensions
        if visit.notes:
            resource["note"] = [{"text": visit.notes}]
        return resource

    def alert(self, alert: AlertRecord) -> Json:
        """A triage alert: active until a clinician clears it (PROTOCOL.md 3)."""
        period = {"start": alert.raised_on.isoformat()}
        if alert.cleared_on is not None:
            period["end"] = alert.cleared_on.isoformat()
        resource: Json = {
            "resourceType": "Flag",
            "identifier": [{"system": codes.ALERT_ID, "value": str(alert.id)}],
            "status": "active" if alert.cleared_on is None else "inactive",
            "code": {"coding": [coding(codes.LEVEL_CODES, alert.level)], "text": alert.reason},
            "subject": self.subject,
            "period": period,
        }
        extensions: list[Json] = []
        if alert.clear_note:
            extensions.append({"url": codes.CLEAR_NOTE_EXTENSION, "valueString": alert.clear_note})
        session = self.session_by_id.get(alert.session_id) if alert.session_id else None
        if session is not None:
            extensions.append(
                {
                    "url": codes.ALERT_SESSION_EXTENSION,
                    "valueIdentifier": {
                        "system": codes.SESSION_SOURCE + session.source,
                        "value": session.source_id,
                    },
                }
            )
        if extensions:
            resource["extension"] = extensions
        return resource


def answer_items(answers: Mapping[str, Any]) -> list[Json]:
    """Stored answers as QuestionnaireResponse items: a number or text is one answer, a list of
    numbers is several answers to one item (TSK-11's `items`), a list of objects is a repeated
    group (PSFS's `activities`). `answers_of_items` reads them back."""
    items: list[Json] = []
    for key, value in answers.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            items += [{"linkId": key, "item": answer_items(entry)} for entry in value]
        elif isinstance(value, list):
            items.append({"linkId": key, "answer": [_answer(v) for v in value]})
        elif isinstance(value, dict):
            items.append({"linkId": key, "item": answer_items(value)})
        else:
            items.append({"linkId": key, "answer": [_answer(value)]})
    return items


def _answer(value: Any) -> Json:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def _checkin_extension(checkin: CheckIn) -> Json:
    parts: list[Json] = [{"url": "level", "valueCode": checkin.level}]
    parts += [{"url": "code", "valueCode": code} for code in checkin.codes]
    parts += [{"url": "reason", "valueString": reason} for reason in checkin.reasons if reason]
    if checkin.card:
        parts.append({"url": "card", "valueString": checkin.card})
    return {"url": codes.CHECKIN_EXTENSION, "extension": parts}


def _minutes(value: float, unit: str) -> Json:
    return {"value": _number(value), "unit": unit, "system": codes.UCUM, "code": unit}


def _score(value: float) -> Json:
    return {"value": _number(value), "unit": "{score}", "system": codes.UCUM, "code": "{score}"}


def _number(value: float) -> float | int:
    """Whole numbers as integers (a reader sees 5, not 5.0); others kept exact."""
    return int(value) if float(value).is_integer() else value
