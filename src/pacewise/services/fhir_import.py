"""Import a FHIR Bundle back into pacewise's records, all in one transaction (issue 7).

The bundle is read with a size limit and every resource is parsed by its FHIR R4B model first,
so an invalid resource is refused with its name and field ("Observation[3].valueQuantity.value:
not a number") before anything is written; any later problem rolls the whole import back.

What is read: the Patient (the account is made from its name and e-mail, without a password:
they get an invite later), the CarePlans that carry pacewise's prescription extension (only
into a patient without a prescription), sessions (LOINC 55411-3), daily pain (72514-3), steps
(41950-7), flares, questionnaire answers, acupuncture Procedures and alert Flags. Scores, plan
weeks' minutes and goals are derived from those, so they are recomputed rather than read.
Resources of other kinds, or with codes pacewise does not use, are ignored and counted in the
summary: a bundle from another system adds what pacewise understands and says what it left out.

Re-importing adds nothing: a session is found again by its source and source id, a day's pain
or activity by its date (and source), anything else by what it says (date, level, answers ...).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from pacewise.adapters.db.models import (
    INSTRUMENTS,
    KINDS,
    LEVELS,
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
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports import fhir_codes as codes
from pacewise.domain import Condition, InvalidInput
from pacewise.services.accounts import normalise_email
from pacewise.services.patient_records import score_answers
from pacewise.services.prescription_input import PrescriptionInput

MAX_BUNDLE_BYTES = 64 * 1024 * 1024
"""A year of one patient is well under 2 MB; anything near this is not one patient's record."""

Json = dict[str, Any]


class RefusedBundle(ValueError):
    """The bundle cannot be imported; the message names the resource and field."""


@dataclass
class ImportSummary:
    patient_id: int
    email: str
    created_patient: bool
    added: Counter[str] = field(default_factory=Counter)
    already_present: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> Json:
        return {
            "patient_id": self.patient_id,
            "email": self.email,
            "created_patient": self.created_patient,
            "added": dict(sorted(self.added.items())),
            "already_present": dict(sorted(self.already_present.items())),
            "ignored": dict(sorted(self.ignored.items())),
        }


@dataclass(frozen=True, slots=True)
class Named:
    """A resource of the bundle, as its model parsed it, with the name errors give it."""

    name: str
    resource: Json


def parse_bundle(data: bytes) -> list[Named]:
    """Every resource of the bundle, each validated by its R4B model, or RefusedBundle."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise RefusedBundle(f"the bundle is larger than {MAX_BUNDLE_BYTES // 2**20} MB")
    try:
        bundle = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise RefusedBundle(f"not JSON: {error}") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        kind = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise RefusedBundle(f"not a FHIR Bundle (resourceType is {kind!r})")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise RefusedBundle("Bundle.entry: must be a list")
    counts: Counter[str] = Counter()
    parsed: list[Named] = []
    for position, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise RefusedBundle(f"Bundle.entry[{position}].resource: missing")
        kind = str(resource.get("resourceType"))
        name = f"{kind}[{counts[kind]}]"
        counts[kind] += 1
        try:
            model = get_fhir_model_class(kind)
        except (KeyError, ValueError):
            raise RefusedBundle(
                f"Bundle.entry[{position}].resource.resourceType: {kind!r} is not a FHIR resource"
            ) from None
        try:
            valid = model.model_validate(resource)
        except pydantic.ValidationError as error:
            raise RefusedBundle(_first_problem(name, error)) from None
        parsed.append(Named(name, valid.model_dump(mode="json", by_alias=True, exclude_none=True)))
    return parsed


def _first_problem(name: str, error: pydantic.ValidationError) -> str:
    problem = error.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in problem["loc"])
    numeric = ("decimal", "float", "int", "number")
    message = str(problem["msg"])
    if any(word in problem["type"] for word in numeric) or "Decimal" in message:
        message = "not a number"
    elif problem["type"] == "missing" or "is required" in message:
        message = "is required"
    return f"{name}{where}: {message}"


def import_bundle(uow: UnitOfWork, data: bytes, patient_email: str | None) -> ImportSummary:
    """Import the bundle into the patient named by `patient_email`, or by the bundle's Patient
    (made when no account has its e-mail); one transaction, nothing written on refusal."""
    resources = parse_bundle(data)
    patients = [r for r in resources if r.resource["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise RefusedBundle(f"Bundle: must hold exactly one Patient, found {len(patients)}")
    with uow:
        summary = _Importer(uow, patients[0], patient_email).run(resources)
        uow.audit.record(
            "fhir.imported",
            actor_id=None,
            patient_id=summary.patient_id,
            detail={"added": sum(summary.added.values())},
        )
        uow.commit()
    return summary


class _Importer:
    def __init__(self, uow: UnitOfWork, patient: Named, email: str | None) -> None:
        self.uow = uow
        self.exchange = uow.exchange
        self.summary = self._patient(patient, email)
        self.patient_id = self.summary.patient_id

    def _patient(self, patient: Named, email: str | None) -> ImportSummary:
        resource = patient.resource
        if email is not None:
            user = self.uow.users.by_email(email)
            if user is None or user.role != "patient":
                raise RefusedBundle(f"--patient: no patient has the e-mail {email}")
            return ImportSummary(user.id, user.email, created_patient=False)
        addresses = [
            t.get("value", "") for t in resource.get("telecom", []) if t.get("system") == "email"
        ]
        if not addresses:
            raise RefusedBundle(f"{patient.name}.telecom: no e-mail address (name a patient)")
        try:
            address = normalise_email(addresses[0])
        except InvalidInput as error:
            raise RefusedBundle(f"{patient.name}.telecom[0].value: {error.message}") from None
        user = self.uow.users.by_email(address)
        if user is not None:
            if user.role != "patient":
                raise RefusedBundle(f"{patient.name}: {address} is not a patient's account")
            return ImportSummary(user.id, user.email, created_patient=False)
        names = resource.get("name") or [{}]
        display = (
            names[0].get("text")
            or " ".join([*names[0].get("given", []), names[0].get("family", "")]).strip()
        )
        zone = _extension(resource, codes.TIME_ZONE_EXTENSION, "valueString") or "UTC"
        user = self.uow.users.add(
            User(email=address, role="patient", display_name=display[:200], time_zone=zone[:64])
        )
        self.uow.statuses.ensure([user.id])
        return ImportSummary(user.id, user.email, created_patient=True)

    def run(self, resources: list[Named]) -> ImportSummary:
        # Sessions come before the alerts that name them.
        readers = {
            "Observation": self.observation,
            "QuestionnaireResponse": self.answers,
            "Procedure": self.procedure,
            "Flag": self.flag,
        }
        plans = [r for r in resources if r.resource["resourceType"] == "CarePlan"]
        self.care_plans(plans)
        for kind, read in readers.items():
            for named in resources:
                if named.resource["resourceType"] == kind:
                    read(named)
        for named in resources:
            kind = named.resource["resourceType"]
            if kind not in readers and kind not in ("Patient", "Goal", "CarePlan"):
                self.summary.ignored[kind] += 1
        return self.summary

    # --- the prescription -------------------------------------------------------------------

    def care_plans(self, plans: list[Named]) -> None:
        """The prescription's versions, in the bundle's order, into a patient without one."""
        versions = []
        for named in plans:
            restore = _find(named.resource.get("extension", []), codes.PRESCRIPTION_EXTENSION)
            if restore is None:
                self.summary.ignored["CarePlan"] += 1
                continue
            versions.append(self._version(named, restore))
        if not versions:
            return
        if self.uow.prescriptions.history(self.patient_id):
            self.summary.already_present["prescription"] += len(versions)
            return
        for version in versions:
            self.uow.prescriptions.add(version)
        self.summary.added["prescription"] += len(versions)

    def _version(self, named: Named, restore: Json) -> PrescriptionVersion:
        where = f"{named.name}.extension[prescription]"
        parts = {p["url"]: p for p in restore.get("extension", [])}
        condition = parts.get("condition", {}).get("valueCode", "")
        try:
            parsed = Condition(condition)
        except ValueError:
            raise RefusedBundle(f"{where}.condition: unknown condition {condition!r}") from None
        try:
            settings = json.loads(parts.get("settings", {}).get("valueString", "{}"))
            PrescriptionInput.model_validate(settings).to_domain(parsed, "settings")
        except (ValueError, InvalidInput) as error:
            raise RefusedBundle(f"{where}.settings: {_one_line(error)}") from None
        start = _date(parts.get("start-date", {}).get("valueDate"), f"{where}.start-date")
        effective = _date(
            parts.get("effective-from", {}).get("valueDate"), f"{where}.effective-from"
        )
        return PrescriptionVersion(
            patient_id=self.patient_id,
            condition=condition,
            start_date=start,
            effective_from=effective,
            settings=settings,
            note=parts.get("note", {}).get("valueString", ""),
        )

    # --- observations ---------------------------------------------------------------------------

    def observation(self, named: Named) -> None:
        resource = named.resource
        found = {(c.get("system"), c.get("code")) for c in resource["code"].get("coding", [])}
        if (codes.LOINC, codes.EXERCISE_DURATION) in found:
            self.session(named)
        elif (codes.LOINC, codes.PAIN_NRS[0]) in found:
            self.daily_pain(named)
        elif (codes.LOINC, codes.STEPS_PER_DAY) in found:
            self.day_activity(named)
        elif (codes.OBSERVATION_CODES, "flare") in found:
            self.flare(named)
        elif found & DERIVED:
            return
        else:
            self.summary.ignored["Observation"] += 1

    def session(self, named: Named) -> None:
        resource = named.resource
        day, start = _when(resource, named.name)
        minutes = _number(resource, "valueQuantity", named.name)
        if minutes <= 0 or minutes > 24 * 60:
            raise RefusedBundle(f"{named.name}.valueQuantity.value: must be 0-1440 minutes")
        source, source_id = "fhir", f"{day.isoformat()}:{start}:{minutes:g}"
        for identifier in resource.get("identifier", []):
            system = identifier.get("system", "")
            if system.startswith(codes.SESSION_SOURCE) and identifier.get("value"):
                source, source_id = system.removeprefix(codes.SESSION_SOURCE), identifier["value"]
        if self.uow.sessions.by_source(self.patient_id, source[:32], source_id[:255]):
            self.summary.already_present["session"] += 1
            return
        parts = _components(resource, named.name)
        kind = parts.get("kind", "walk")
        if kind not in KINDS:
            raise RefusedBundle(f"{named.name}.component[kind]: unknown kind {kind!r}")
        session = self.uow.sessions.add(
            ActivitySession(
                patient_id=self.patient_id,
                date=day,
                start_time=start,
                minutes=float(minutes),
                kind=kind,
                effort=parts.get("effort"),
                pain_before=parts.get("pain-before"),
                pain_after=parts.get("pain-after"),
                source=source[:32],
                source_id=source_id[:255],
            )
        )
        checkin = _find(resource.get("extension", []), codes.CHECKIN_EXTENSION)
        if checkin is not None:
            self._checkin(named, session, checkin)
        self.summary.added["session"] += 1

    def _checkin(self, named: Named, session: ActivitySession, checkin: Json) -> None:
        parts = checkin.get("extension", [])
        level = next((p.get("valueCode") for p in parts if p["url"] == "level"), "CONTINUE")
        if level not in LEVELS:
            raise RefusedBundle(f"{named.name}.extension[checkin].level: unknown level {level!r}")
        self.uow.sessions.add_checkin(
            CheckIn(
                session_id=session.id,
                patient_id=self.patient_id,
                codes=[p["valueCode"] for p in parts if p["url"] == "code"],
                level=level,
                reasons=[p["valueString"] for p in parts if p["url"] == "reason"],
                card=next((p["valueString"] for p in parts if p["url"] == "card"), "")[:64],
            )
        )

    def daily_pain(self, named: Named) -> None:
        day, _ = _when(named.resource, named.name)
        pain = _rating(_number(named.resource, "valueQuantity", named.name), named.name)
        if day in self.uow.pain.for_patient(self.patient_id):
            self.summary.already_present["daily pain"] += 1
            return
        self.uow.pain.set(self.patient_id, day, pain)
        self.summary.added["daily pain"] += 1

    def day_activity(self, named: Named) -> None:
        resource = named.resource
        day, _ = _when(resource, named.name)
        source = "fhir"
        for identifier in resource.get("identifier", []):
            system = identifier.get("system", "")
            if system.startswith(codes.DAILY_ACTIVITY_SOURCE):
                source = system.removeprefix(codes.DAILY_ACTIVITY_SOURCE)[:32]
        steps = None
        if "valueQuantity" in resource:
            steps = _number(resource, "valueQuantity", named.name)
            if steps < 0 or not float(steps).is_integer():
                raise RefusedBundle(f"{named.name}.valueQuantity.value: must be a whole number")
        minutes = None
        for component in resource.get("component", []):
            component_codes = {c.get("code") for c in component["code"].get("coding", [])}
            if "daily-exercise-minutes" in component_codes and "valueQuantity" in component:
                minutes = float(component["valueQuantity"].get("value", 0))
        if self.exchange.daily_activity_on(self.patient_id, day, source) is not None:
            self.summary.already_present["daily activity"] += 1
            return
        self.exchange.add(
            DailyActivity(
                patient_id=self.patient_id,
                date=day,
                source=source,
                steps=int(steps) if steps is not None else None,
                exercise_minutes=minutes,
            )
        )
        self.summary.added["daily activity"] += 1

    def flare(self, named: Named) -> None:
        resource = named.resource
        day, _ = _when(resource, named.name)
        severity = {
            c.get("code") for c in resource.get("valueCodeableConcept", {}).get("coding", [])
        }
        severe = "severe" in severity
        if self.exchange.flare_like(self.patient_id, day, severe) is not None:
            self.summary.already_present["flare"] += 1
            return
        note = " ".join(n.get("text", "") for n in resource.get("note", []))
        self.exchange.add(
            FlareReport(patient_id=self.patient_id, date=day, severe=severe, note=note[:2000])
        )
        self.summary.added["flare"] += 1

    # --- answers, visits, alerts ------------------------------------------------------------

    def answers(self, named: Named) -> None:
        resource = named.resource
        instrument = str(resource.get("questionnaire", "")).removeprefix(codes.QUESTIONNAIRE + ":")
        if instrument not in INSTRUMENTS:
            self.summary.ignored["QuestionnaireResponse"] += 1
            return
        day = _date(resource.get("authored", "")[:10], f"{named.name}.authored")
        answers = answers_of_items(resource.get("item", []))
        try:
            score = score_answers(instrument, answers)
        except InvalidInput as error:
            raise RefusedBundle(f"{named.name}.item: {error}") from None
        same = self.exchange.responses_on(self.patient_id, instrument, day)
        if any(response.answers == answers for response in same):
            self.summary.already_present["questionnaire"] += 1
            return
        self.exchange.add(
            QuestionnaireResponse(
                patient_id=self.patient_id,
                instrument=instrument,
                answered_on=day,
                answers=answers,
                score=score,
            )
        )
        self.summary.added["questionnaire"] += 1

    def procedure(self, named: Named) -> None:
        resource = named.resource
        found = {(c.get("system"), c.get("code")) for c in resource["code"].get("coding", [])}
        if (codes.SNOMED, codes.ACUPUNCTURE[0]) not in found:
            self.summary.ignored["Procedure"] += 1
            return
        when = resource.get("performedDateTime") or resource.get("performedPeriod", {}).get(
            "start", ""
        )
        day = _date(str(when)[:10], f"{named.name}.performedDateTime")
        pains = []
        for url in (codes.PAIN_BEFORE_EXTENSION, codes.PAIN_AFTER_EXTENSION):
            value = _extension(resource, url, "valueInteger")
            pains.append(None if value is None else _rating(value, named.name))
        if self.exchange.visit_like(self.patient_id, day, pains[0], pains[1]) is not None:
            self.summary.already_present["acupuncture visit"] += 1
            return
        notes = " ".join(n.get("text", "") for n in resource.get("note", []))
        self.exchange.add(
            AcupunctureVisitRecord(
                patient_id=self.patient_id,
                date=day,
                pain_before=pains[0],
                pain_after=pains[1],
                notes=notes[:2000],
            )
        )
        self.summary.added["acupuncture visit"] += 1

    def flag(self, named: Named) -> None:
        resource = named.resource
        levels = [
            c.get("code")
            for c in resource["code"].get("coding", [])
            if c.get("system") == codes.LEVEL_CODES
        ]
        if not levels or levels[0] not in ("ASSESS", "STOP"):
            self.summary.ignored["Flag"] += 1
            return
        period = resource.get("period", {})
        raised = _date(period.get("start", "")[:10], f"{named.name}.period.start")
        cleared = period.get("end")
        reason = resource["code"].get("text", "")
        if self.exchange.alert_like(self.patient_id, raised, levels[0], reason) is not None:
            self.summary.already_present["alert"] += 1
            return
        session_id = None
        source = _extension(resource, codes.ALERT_SESSION_EXTENSION, "valueIdentifier")
        if isinstance(source, dict) and source.get("system", "").startswith(codes.SESSION_SOURCE):
            found = self.uow.sessions.by_source(
                self.patient_id,
                source["system"].removeprefix(codes.SESSION_SOURCE),
                source.get("value", ""),
            )
            session_id = found.id if found is not None else None
        self.exchange.add(
            AlertRecord(
                patient_id=self.patient_id,
                session_id=session_id,
                raised_on=raised,
                level=levels[0],
                reason=reason,
                cleared_on=_date(cleared[:10], f"{named.name}.period.end") if cleared else None,
                clear_note=_extension(resource, codes.CLEAR_NOTE_EXTENSION, "valueString") or "",
            )
        )
        self.summary.added["alert"] += 1


DERIVED = {
    (codes.LOINC, codes.WEEKLY_ACTIVITY_MINUTES),
    (codes.LOINC, codes.PEG_MEAN[0]),
    (codes.OBSERVATION_CODES, "tsk11-total"),
    (codes.OBSERVATION_CODES, "pgic"),
    (codes.OBSERVATION_CODES, "psfs-mean"),
}
"""Observations pacewise computes from other records: recomputed on import, never read."""

LIST_ANSWERS = frozenset({"items", "activities"})
"""Answers that are lists even with one entry (TSK-11's items, PSFS's activities)."""


def answers_of_items(items: list[Json]) -> Json:
    """The stored answers from QuestionnaireResponse items (the reverse of `answer_items`)."""
    answers: Json = {}
    for item in items:
        key = item["linkId"]
        if "item" in item:
            value: Any = answers_of_items(item["item"])
        else:
            values = [_answer_value(a) for a in item.get("answer", [])]
            value = values if key in LIST_ANSWERS or len(values) != 1 else values[0]
        if key in LIST_ANSWERS and "item" in item:
            answers.setdefault(key, []).append(value)
        else:
            answers[key] = value
    return answers


def _answer_value(answer: Json) -> Any:
    for key in ("valueInteger", "valueDecimal", "valueBoolean", "valueString"):
        if key in answer:
            return answer[key]
    return None


def _find(extensions: list[Json], url: str) -> Json | None:
    return next((e for e in extensions if e.get("url") == url), None)


def _extension(resource: Json, url: str, value: str) -> Any:
    found = _find(resource.get("extension", []), url)
    return found.get(value) if found is not None else None


def _date(text: str | None, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        raise RefusedBundle(f"{where}: not a full date (YYYY-MM-DD)") from None


def _when(resource: Json, name: str) -> tuple[dt.date, dt.time | None]:
    """The local date and time of an effectiveDateTime: a session's time is exported in the
    patient's zone, so its date and clock time are read as written."""
    text = resource.get("effectiveDateTime")
    if not text:
        raise RefusedBundle(f"{name}.effectiveDateTime: is required")
    if len(text) <= 10:
        return _date(text, f"{name}.effectiveDateTime"), None
    moment = dt.datetime.fromisoformat(text)
    return moment.date(), moment.time().replace(tzinfo=None)


def _number(resource: Json, key: str, name: str) -> float:
    value = resource.get(key, {}).get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RefusedBundle(f"{name}.{key}.value: not a number")
    return value


def _rating(value: float, name: str) -> int:
    if not float(value).is_integer() or not 0 <= value <= 10:
        raise RefusedBundle(f"{name}: a pain or effort rating must be a whole number 0-10")
    return int(value)


def _components(resource: Json, name: str) -> dict[str, Any]:
    """A session's kind, pain before and after and effort, by our component codes."""
    found: dict[str, Any] = {}
    for position, component in enumerate(resource.get("component", [])):
        ours = [
            c.get("code")
            for c in component["code"].get("coding", [])
            if c.get("system") == codes.OBSERVATION_CODES
        ]
        if not ours:
            continue
        where = f"{name}.component[{position}]"
        if ours[0] == "kind":
            kinds = component.get("valueCodeableConcept", {}).get("coding", [{}])
            found["kind"] = kinds[0].get("code", "")
        elif ours[0] in ("pain-before", "pain-after", "effort"):
            found[ours[0]] = _rating(_number(component, "valueQuantity", where), where)
    return found


def _one_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
