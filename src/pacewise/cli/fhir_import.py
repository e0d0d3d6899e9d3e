"""FHIR bundles for `pacewise import bundle.json`: the import command calls `import_bundle`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import typer

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.bootstrap import migrated_engine
from pacewise.cli.errors import EXIT_BAD_INPUT


def import_bundle(path: Path, patient: str | None, as_json: bool) -> None:
    """Import a FHIR bundle into `patient` (or the bundle's Patient, made if new); prints a
    summary, or one JSON object with --json; a refused bundle prints one line and exits 2."""
    from pacewise.services import fhir_import  # only when a bundle is imported (FHIR models)

    try:
        with path.open("rb") as file:
            data = file.read(fhir_import.MAX_BUNDLE_BYTES + 1)
    except OSError as error:
        _refuse(f"cannot read {path}: {error.strerror}")
    engine = migrated_engine()
    try:
        summary = fhir_import.import_bundle(
            UnitOfWork(engine), data, patient.strip().lower() if patient else None
        )
    except fhir_import.RefusedBundle as refused:
        _refuse(f"{path.name}: {refused}")
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(summary.as_json(), sort_keys=True))
        return
    made = " (new account, no password yet: send them an invite)" if summary.created_patient else ""
    typer.echo(f"imported {path.name} into {summary.email}{made}")
    for heading, counts in (
        ("added", summary.added),
        ("already present", summary.already_present),
        ("ignored", summary.ignored),
    ):
        if counts:
            listed = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
            typer.echo(f"  {heading}: {listed}")


def _refuse(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)
