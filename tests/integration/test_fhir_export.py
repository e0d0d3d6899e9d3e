"""The FHIR bundle (issue 7): it parses with the R4B models, its codes carry their systems,
and its values are the database's; only the patient and their clinician get it, and each
export is in the audit log. Both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import Engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports import fhir_codes as codes
from pacewise.services.access import Caller, NotFound
from pacewise.services.accounts import add_user
from pacewise.services.fhir_export import fhir_bundle
from pacewise.services.plans import week_history
from tests.integration.fhir_patient import TODAY, TSK_ITEMS, rich_patient

Json = dict[str, Any]


def resources(bundle: Json, kind: str) -> list[Json]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def with_code(bundle: Json, system: str, code: str) -> list[Json]:
    return [
        r
        for r in resources(bundle, "Observation")
        if {"system": system, "code": code}.items() <= next(iter(r["code"]["coding"]), {}).items()
    ]


@pytest.fixture
def exported(engine: Engine) -> tuple[Engine, int, Json]:
    patient, doctor = rich_patient(engine)
    bundle = fhir_bundle(UnitOfWork(engine), Caller(doctor, "clinician"), patient, TODAY)
    return engine, patient, bundle


def test_the_bundle_parses_with_the_r4b_models(exported: tuple[Engine, int, Json]) -> None:
    _, _, bundle = exported
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = {e.resource.get_resource_type() for e in parsed.entry or [] if e.resource}
    assert kinds == {
        "Patient", "CarePlan", "Goal", "Observation", "QuestionnaireResponse", "Procedure", "Flag"
    }  # fmt: skip


def test_daily_pain_is_loinc_72514_3_with_the_stored_ratings(
    exported: tuple[Engine, int, Json],
) -> None:
    engine, patient, bundle = exported
    with UnitOfWork(engine) as uow:
        stored = uow.pain.for_patient(patient)
    pain = with_code(bundle, codes.LOINC, "72514-3")
    assert {
        dt.date.fromisoformat(r["effectiveDateTime"]): r["valueQuantity"]["value"] for r in pain
    } == stored
    assert len(pain) == 28


def test_each_session_is_exercise_minutes_55411_3_with_its_pain_and_start(
    exported: tuple[Engine, int, Json],
) -> None:
    engine, patient, bundle = exported
    with UnitOfWork(engine) as uow:
        stored = {
            (s.source, s.source_id): (s.minutes, s.pain_before, s.pain_after, s.date, s.start_time)
            for s in uow.sessions.for_patient(patient)
        }
    sessions = with_code(bundle, codes.LOINC, "55411-3")
    assert len(sessions) == len(stored) == 14
    for resource in sessions:
        identifier = resource["identifier"][0]
        key = (identifier["system"].removeprefix(codes.SESSION_SOURCE), identifier["value"])
        minutes, pain_before, pain_after, day, start = stored[key]
        assert resource["valueQuantity"] == {
            "value": minutes,
            "unit": "min",
            "system": codes.UCUM,
            "code": "min",
        }
        pains = {
            c["code"]["coding"][1]["code"]: c["valueQuantity"]["value"]
            for c in resource["component"]
            if c["code"]["coding"][0]["code"] == "72514-3"
        }
        assert pains == {"pain-before": pain_before, "pain-after": pain_after}
        if start is not None:
            # 07:30 in Paris in January: the time carries the patient's zone.
            assert resource["effectiveDateTime"] == f"{day.isoformat()}T07:30:00+01:00"
        else:
            assert resource["effectiveDateTime"] == day.isoformat()


def test_peg_has_its_mean_code_and_its_three_item_codes(exported: tuple[Engine, int, Json]) -> None:
    _, _, bundle = exported
    (peg,) = with_code(bundle, codes.LOINC, "91147-9")
    assert peg["valueQuantity"]["value"] == 5
    items = {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in peg["component"]}
    assert items == {"75893-8": 6, "91145-3": 5, "91146-1": 4}
    (tsk,) = with_code(bundle, codes.OBSERVATION_CODES, "tsk11-total")
    assert tsk["valueQuantity"]["value"] == sum(TSK_ITEMS)


def test_steps_are_41950_7_per_day_and_a_missing_count_says_so(
    exported: tuple[Engine, int, Json],
) -> None:
    _, _, bundle = exported
    steps = with_code(bundle, codes.LOINC, "41950-7")
    values = {r["effectiveDateTime"]: r.get("valueQuantity", {}).get("value") for r in steps}
    assert values == {"2026-01-05": 4200, "2026-01-06": None, "2026-01-07": 7311}
    assert "dataAbsentReason" in next(r for r in steps if r["effectiveDateTime"] == "2026-01-06")


def test_weekly_minutes_are_82290_8_for_each_finished_plan_week(
    exported: tuple[Engine, int, Json],
) -> None:
    engine, patient, bundle = exported
    weeks = with_code(bundle, codes.LOINC, "82290-8")
    assert [w["effectivePeriod"]["start"] for w in weeks] == [
        "2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"
    ]  # fmt: skip
    # The engine's sums, as the history page shows them (one source of truth).
    summaries, _ = week_history(
        UnitOfWork(engine), Caller(patient, "patient"), patient, TODAY, 10, 0
    )
    done = {s.week.start.isoformat(): s.done_minutes for s in summaries if s.complete}
    assert {w["effectivePeriod"]["start"]: w["valueQuantity"]["value"] for w in weeks} == done
    assert weeks[0]["valueQuantity"]["unit"] == "min/wk"


def test_acupuncture_is_a_snomed_procedure_and_alerts_are_flags_with_their_status(
    exported: tuple[Engine, int, Json],
) -> None:
    _, _, bundle = exported
    (visit,) = resources(bundle, "Procedure")
    assert visit["code"]["coding"][0] == {
        "system": codes.SNOMED,
        "code": "44868003",
        "display": "Acupuncture",
    }
    flags = resources(bundle, "Flag")
    cleared = [f for f in flags if f["status"] == "inactive"]
    assert cleared
    assert all("end" in f["period"] for f in cleared)
    assert all(f["code"]["coding"][0]["system"] == codes.LEVEL_CODES for f in flags)


def test_the_care_plan_holds_this_weeks_sessions_and_the_goals_the_targets(
    exported: tuple[Engine, int, Json],
) -> None:
    _, _, bundle = exported
    old, newest = resources(bundle, "CarePlan")
    assert (old["status"], newest["status"]) == ("revoked", "active")
    assert newest["description"].startswith("Phase ")
    timings = [a["detail"]["scheduledTiming"] for a in newest["activity"]]
    assert timings
    assert all(t["event"][0].startswith("2026-02-0") for t in timings)
    goals = {g["description"]["text"] for g in resources(bundle, "Goal")}
    assert goals == {"Weekly minutes of moderate activity", "=carry shopping", "garden"}


def test_only_the_patient_and_their_clinician_export_and_each_export_is_audited(
    exported: tuple[Engine, int, Json],
) -> None:
    engine, patient, _ = exported
    fhir_bundle(UnitOfWork(engine), Caller(patient, "patient"), patient, TODAY)
    stranger = add_user(UnitOfWork(engine), "stranger-doc@example.org", "clinician")
    with pytest.raises(NotFound):
        fhir_bundle(UnitOfWork(engine), Caller(stranger.id, "clinician"), patient, TODAY)
    with UnitOfWork(engine) as uow:
        exports = [
            (e.actor_role, e.detail) for e in uow.audit.for_patient(patient) if e.action == "export"
        ]
    assert exports == [
        ("clinician", {"format": "fhir"}),
        ("patient", {"format": "fhir"}),
    ]
