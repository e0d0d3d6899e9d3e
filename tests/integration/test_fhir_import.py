"""FHIR bundle import (issue 7): a round trip into an empty database gives the same bundle,
a second import adds nothing, and a bad bundle is refused naming the resource and field with
nothing written. Both databases.

The round trip compares the two exports after `normalised`, which ignores only what a new
database gives anew: the bundle's timestamp and identifier, entries' fullUrls and references
(made from row ids), and identifier values that are our row ids (patient, prescription, flare,
visit, questionnaire response, alert). Everything else must match, in order.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from pacewise.adapters.db.models import ActivitySession, Base, User
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports import fhir_codes as codes
from pacewise.cli import app
from pacewise.services.access import Caller
from pacewise.services.accounts import add_user
from pacewise.services.fhir_export import fhir_bundle
from pacewise.services.fhir_import import RefusedBundle, import_bundle
from tests.integration.conftest import clean_engine
from tests.integration.fhir_patient import EMAIL, TODAY, rich_patient

Json = dict[str, Any]
ROW_IDS = {
    codes.PATIENT_ID,
    codes.PRESCRIPTION_ID,
    codes.FLARE_ID,
    codes.VISIT_ID,
    codes.QUESTIONNAIRE_ID,
    codes.ALERT_ID,
}


def normalised(bundle: Json) -> list[Json]:
    """The bundle's resources without what a new database numbers anew (see the module)."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("system") in ROW_IDS and "value" in value:
                return {"system": value["system"]}
            return {k: clean(v) for k, v in value.items() if k != "reference"}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return [clean(entry["resource"]) for entry in bundle["entry"]]


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
            if "patient_id" in table.c or table.name == "users"
        }


@pytest.fixture
def exported(engine: Engine) -> tuple[Engine, Json]:
    patient, _ = rich_patient(engine)
    return engine, fhir_bundle(UnitOfWork(engine), Caller(patient, "patient"), patient, TODAY)


def test_round_trip_into_an_empty_database_gives_the_same_bundle(
    request: pytest.FixtureRequest, exported: tuple[Engine, Json], tmp_path: Any
) -> None:
    engine, bundle = exported
    backend = engine.dialect.name
    folder = tmp_path / "empty"
    folder.mkdir()
    with clean_engine(request, backend, folder) as empty:
        summary = import_bundle(UnitOfWork(empty), json.dumps(bundle).encode(), None)
        assert summary.created_patient
        assert summary.added["session"] == 14
        assert summary.added["daily pain"] == 28
        assert not summary.ignored
        with UnitOfWork(empty) as uow:
            user = uow.users.get(summary.patient_id)
            assert user is not None
            assert (user.email, user.display_name, user.password_hash) == (EMAIL, "Rita Chen", None)
        again = fhir_bundle(
            UnitOfWork(empty), Caller(summary.patient_id, "patient"), summary.patient_id, TODAY
        )
        assert normalised(again) == normalised(bundle)

        before = row_counts(empty)
        second = import_bundle(UnitOfWork(empty), json.dumps(bundle).encode(), None)
        assert sum(second.added.values()) == 0
        assert second.already_present["session"] == 14
        after = row_counts(empty)
        assert {k: v for k, v in after.items() if k != "audit_events"} == {
            k: v for k, v in before.items() if k != "audit_events"
        }


def test_import_into_a_named_existing_patient(exported: tuple[Engine, Json]) -> None:
    engine, bundle = exported
    add_user(UnitOfWork(engine), "twin@example.org", "patient")
    summary = import_bundle(UnitOfWork(engine), json.dumps(bundle).encode(), "twin@example.org")
    assert not summary.created_patient
    assert summary.added["session"] == 14
    assert summary.added["prescription"] == 2
    with UnitOfWork(engine) as uow:
        twin = uow.users.by_email("twin@example.org")
        assert twin is not None
        assert len(uow.sessions.for_patient(twin.id)) == 14


def broken(bundle: Json, kind: str, index: int, change: Any) -> bytes:
    bundle = copy.deepcopy(bundle)
    found = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
    change(found[index])
    return json.dumps(bundle).encode()


def test_bad_bundles_are_refused_naming_resource_and_field_and_write_nothing(
    exported: tuple[Engine, Json],
) -> None:
    engine, bundle = exported

    def not_a_number(resource: Json) -> None:
        resource["valueQuantity"]["value"] = "lots"

    def pain_of_eleven(resource: Json) -> None:
        resource["valueQuantity"]["value"] = 11

    def no_status(resource: Json) -> None:
        del resource["status"]

    cases = {
        b"{not json": "not JSON",
        b'{"resourceType": "Patient"}': "not a FHIR Bundle",
        b"[1, 2]": "not a FHIR Bundle",
        broken(
            bundle, "Observation", 3, not_a_number
        ): "Observation[3].valueQuantity.value: not a number",
        broken(bundle, "Flag", 0, no_status): "Flag[0].status: is required",
    }
    for data, message in cases.items():
        with pytest.raises(RefusedBundle, match=message.replace("[", r"\[")):
            import_bundle(UnitOfWork(engine), data, None)
    # A value FHIR allows but pacewise does not: refused after some rows were written, so the
    # transaction must roll them back.
    add_user(UnitOfWork(engine), "twin@example.org", "patient")
    before = row_counts(engine)
    assert row_counts(engine) == before
    last_pain = max(
        i
        for i, r in enumerate(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
        )
        if r["code"]["coding"][0]["code"] == "72514-3"
    )
    with pytest.raises(RefusedBundle, match=rf"Observation\[{last_pain}\]"):
        import_bundle(
            UnitOfWork(engine),
            broken(bundle, "Observation", last_pain, pain_of_eleven),
            "twin@example.org",
        )
    assert row_counts(engine) == before


def test_a_foreign_bundle_adds_what_pacewise_reads_and_counts_what_it_ignores(
    engine: Engine,
) -> None:
    foreign = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "name": [{"given": ["Ana"], "family": "Silva"}],
                    "telecom": [{"system": "email", "value": "Ana@Example.org"}],
                }
            },
            {
                "resource": {
                    "resourceType": "Encounter",
                    "status": "finished",
                    "class": {"code": "AMB"},
                }
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                    "valueQuantity": {"value": 61},
                }
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
                    "effectiveDateTime": "2026-01-05",
                    "valueQuantity": {"value": 4},
                }
            },
        ],
    }
    summary = import_bundle(UnitOfWork(engine), json.dumps(foreign).encode(), None)
    assert summary.created_patient
    assert summary.email == "ana@example.org"
    assert dict(summary.added) == {"daily pain": 1}
    assert dict(summary.ignored) == {"Encounter": 1, "Observation": 1}
    with UnitOfWork(engine) as uow:
        user = uow.users.by_email("ana@example.org")
        assert user is not None
        assert user.display_name == "Ana Silva"
        assert uow.pain.for_patient(user.id) == {dt.date(2026, 1, 5): 4}


def test_a_bundle_without_a_patient_or_an_unknown_resource_type_is_refused(engine: Engine) -> None:
    empty = {"resourceType": "Bundle", "type": "collection", "entry": []}
    with pytest.raises(RefusedBundle, match="exactly one Patient"):
        import_bundle(UnitOfWork(engine), json.dumps(empty).encode(), None)
    odd = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Gizmo"}}],
    }
    with pytest.raises(RefusedBundle, match=r"Bundle.entry\[0\].resource.resourceType"):
        import_bundle(UnitOfWork(engine), json.dumps(odd).encode(), None)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(User)).scalar_one() == 0
        assert (
            connection.execute(select(func.count()).select_from(ActivitySession)).scalar_one() == 0
        )


def test_the_cli_exports_and_pacewise_import_reads_the_bundle_back(
    exported: tuple[Engine, Json], tmp_path: Any
) -> None:
    engine, _ = exported
    env = {"PACEWISE_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    bundle_file = tmp_path / "bundle.json"
    result = CliRunner().invoke(
        app, ["export", "fhir", "--patient", EMAIL, "--output", str(bundle_file)], env=env
    )
    assert result.exit_code == 0, result.output
    fresh = {"PACEWISE_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    imported = CliRunner().invoke(app, ["import", str(bundle_file), "--json"], env=fresh)
    assert imported.exit_code == 0, imported.output
    summary = json.loads(imported.stdout)
    assert summary["created_patient"] is True
    assert summary["added"]["session"] == 14
    bad = tmp_path / "bad.json"
    patient = {"resourceType": "Patient", "active": "maybe"}
    bad.write_text(json.dumps({"resourceType": "Bundle", "entry": [{"resource": patient}]}))
    refused = CliRunner().invoke(app, ["import", str(bad)], env=fresh)
    assert refused.exit_code == 2
    assert "Patient[0].active" in refused.stderr
