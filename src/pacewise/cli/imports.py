"""`pacewise import PATH --patient EMAIL`: a phone or watch export, an activity file or a CSV log
imported in the foreground (the same service as the web's background jobs, without a queue).

A refused file exits 2 with one line saying why; `--json` prints the summary as one object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.importers.records import ImportedRecord, SkippedRecord
from pacewise.bootstrap import migrated_engine
from pacewise.cli.errors import fail
from pacewise.services.access import NotFound

if TYPE_CHECKING:
    from pacewise.services.imports import JobView


def import_file(
    path: Annotated[
        Path, typer.Argument(help="The file or folder: export.zip, .xml, .gpx, .tcx, .fit, .csv.")
    ],
    patient: Annotated[
        str | None,
        typer.Option(help="The patient's e-mail address (optional only for a FHIR .json)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object, no bar.")
    ] = False,
) -> None:
    """Import a patient's records; a file imported before adds only what is new."""
    if path.suffix.lower() == ".json":
        from pacewise.cli.fhir_import import import_bundle

        import_bundle(path, patient, as_json)
        return
    if patient is None:
        fail("--patient is needed: whose records are these?")
    if not path.exists():
        fail(f"there is no file or folder at {path}")
    # Imported here, not at the top: every `pacewise` command loads this module.
    from pacewise.services.imports import run_import_job

    engine = migrated_engine()
    try:
        job = _start(UnitOfWork(engine), patient, path)
        finished = (
            run_import_job(UnitOfWork(engine), job.id, local_path=path)
            if as_json
            else _with_bar(UnitOfWork(engine), job, path)
        )
    finally:
        engine.dispose()
    if finished is None or finished.status != "done":
        fail(finished.error if finished is not None else "the import did not run")
    if as_json:
        typer.echo(json.dumps(summary(finished)))
    else:
        _print_summary(finished)


def _start(uow: UnitOfWork, patient: str, path: Path) -> JobView:
    from pacewise.services.imports import start_local_import

    try:
        return start_local_import(uow, patient, path)
    except NotFound:
        fail(f"there is no patient with the e-mail address {patient}")


def summary(job: JobView) -> dict[str, object]:
    """The import's outcome in the shape issue 6 gives the CLI's --json."""
    return {
        "added": job.added,
        "already_present": job.already_present,
        "skipped": [{"reason": item.reason, "count": item.count} for item in job.skipped_reasons],
        "daily_totals": job.daily_totals,
    }


class _Bar:
    """Bytes read, records kept and the rate, drawn while the import runs."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self.progress, self.task = progress, task
        self.kept = 0

    def bytes_read(self, count: int) -> None:
        self.progress.update(self.task, completed=count, kept=self.kept)

    def record(self, record: ImportedRecord) -> None:
        if not isinstance(record, SkippedRecord):
            self.kept += 1


def _with_bar(uow: UnitOfWork, job: JobView, path: Path) -> JobView | None:
    from pacewise.services.imports import run_import_job

    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[kept]} records kept"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(f"Importing {path.name}", total=job.bytes_total or None, kept=0)
        bar = _Bar(progress, task)
        finished = run_import_job(
            uow, job.id, local_path=path, on_progress=bar.bytes_read, on_record=bar.record
        )
        progress.update(task, kept=bar.kept)
    return finished


def _print_summary(job: JobView) -> None:
    table = Table(title=f"Imported {job.filename}", show_header=False)
    table.add_column("What")
    table.add_column("How many", justify="right")
    table.add_row("Sessions added", str(job.added))
    table.add_row("Sessions already there", str(job.already_present))
    table.add_row("Daily totals kept", str(job.daily_totals))
    table.add_row("Records skipped", str(job.skipped))
    for item in job.skipped_reasons:
        table.add_row(f"  skipped: {item.reason}", str(item.count))
    Console().print(table)
