"""Benchmark: `pacewise import` of an Apple Health export against healthkit-to-sqlite and a floor.

Issue 6 ("Speed"): pacewise should import at least 5 times faster than healthkit-to-sqlite, reach
at least 70 % of a bare lxml parse of the same bytes, and stay under 300 MB of memory whatever the
file's size. This script measures all of it in one run, each reader in its own process:
- read: inflating the XML out of the zip and discarding it (the I/O and zlib floor);
- floor: lxml `iterparse` clearing each top-level element, nothing else;
- pacewise: `pacewise import export.zip --patient EMAIL --json` into a fresh SQLite database
  (the patient created beforehand with `pacewise user add`, which also builds the schema);
- pacewise start-up: `pacewise --help`, the fixed cost inside the figure above;
- healthkit-to-sqlite 1.0.1 (from PyPI, in the benchmark's own virtual environment under the
  cache folder, never the project's) on the same zip into its own SQLite file.

The export comes from bench/importers.py's generator (the DTD as Apple ships it, `ExportDate`,
`Me`, records of several types with metadata, workouts with statistics, events and routes,
activity summaries), written once per size and seed into the cache folder and reused, because a
gigabyte takes minutes to write. The two command-line tools are timed from start to exit, Python's
start-up included; it is a second or two, which weighs only on small exports.

Peak memory is each child's own high-water mark (VmHWM, polled from /proc while it runs; elsewhere
the rusage of the child). Records per second count the XML's top-level elements. Prints figures,
ratios and the goals; asserts nothing about time.

    python bench/import_apple.py [--size-mb 1000] [--quick] [--seed 6] [--skip-healthkit]
                                 [--cache-dir DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import importers as apple_export  # bench/importers.py: the generator and the in-process floors

HEALTHKIT_TO_SQLITE = "healthkit-to-sqlite==1.0.1"
PATIENT = "bench-patient@example.org"
GOAL_VS_HEALTHKIT = 5.0
GOAL_VS_FLOOR = 0.70
GOAL_PEAK_MB = 300.0
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "pacewise-bench-import-apple"


@dataclass
class Measure:
    """One reader's run: its wall and CPU seconds, its own peak memory and what it said."""

    name: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    details: dict[str, Any] = field(default_factory=dict)


def cached_export(cache: Path, xml_bytes: int, seed: int) -> Path:
    """The export of this size and seed, written once (atomically) and reused by later runs.

    The key also holds a digest of the generator's source, so a changed generator writes anew.
    """
    generator = hashlib.sha256(Path(apple_export.__file__).read_bytes()).hexdigest()[:10]
    export = cache / f"export-{xml_bytes}-seed{seed}-{generator}" / "export.zip"
    if export.exists():
        return export
    export.parent.mkdir(parents=True, exist_ok=True)
    partial = export.with_suffix(".partial")
    started = time.perf_counter()
    apple_export.write_export(partial, xml_bytes, seed=seed)
    partial.replace(export)
    print(f"generated {export} in {time.perf_counter() - started:.1f} s")
    return export


def healthkit_to_sqlite(cache: Path) -> Path:
    """The healthkit-to-sqlite command, installed on first use in its own virtual environment."""
    environment = cache / "healthkit-venv"
    command = environment / "bin" / "healthkit-to-sqlite"
    if not command.exists():
        print(f"installing {HEALTHKIT_TO_SQLITE} into {environment}")
        venv.create(environment, with_pip=True, clear=True)
        pip = [str(environment / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, HEALTHKIT_TO_SQLITE], check=True)
    return command


def run_child(name: str, command: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run `command` to its end, watching its own memory; a failure stops the benchmark."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        peak_kib = 0
        while True:
            peak_kib = max(peak_kib, _high_water_kib(child.pid))
            finished_pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if finished_pid:
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"{name} failed ({child.returncode}):\n{stdout[-2000:]}{stderr[-2000:]}")
    # ru_maxrss can carry this process's own size over the child's exec: use it only without /proc.
    peak_mb = (peak_kib or usage.ru_maxrss) / 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(name, seconds, cpu, peak_mb, {"stdout": stdout})


def _high_water_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def measure_floor(name: str, export: Path) -> Measure:
    """`read` or `floor`, through bench/importers.py's own in-process measure, in a child."""
    measure = "baseline" if name == "floor" else name
    command = [sys.executable, __file__, "--measure", measure, "--export", str(export)]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    result = json.loads(finished.stdout)
    return Measure(
        name,
        result["seconds"],
        result["cpu_seconds"],
        result["peak_rss_mb"],
        {"elements": result["elements"]},
    )


def measure_pacewise(export: Path, scratch: Path) -> Measure:
    """`pacewise import --json` into a fresh SQLite database with the patient already there."""
    env = {
        **os.environ,
        "PACEWISE_DATABASE_URL": f"sqlite:///{scratch / 'pacewise.sqlite3'}",
        "PACEWISE_DATA_DIR": str(scratch / "data"),
    }
    env.pop("PACEWISE_REDIS_URL", None)  # no queue: the CLI imports in the foreground anyway
    pacewise = [sys.executable, "-m", "pacewise"]
    subprocess.run([*pacewise, "user", "add", PATIENT], env=env, check=True, capture_output=True)
    command = [*pacewise, "import", str(export), "--patient", PATIENT, "--json"]
    measure = run_child("pacewise", command, env)
    measure.details = json.loads(measure.details["stdout"].strip().splitlines()[-1])
    return measure


def measure_startup() -> Measure:
    """`pacewise --help`: the CLI's fixed cost (Python and its imports), paid once per import."""
    return run_child("pacewise start-up", [sys.executable, "-m", "pacewise", "--help"])


def measure_healthkit(export: Path, scratch: Path, cache: Path) -> Measure:
    """healthkit-to-sqlite on the same zip; what it wrote is counted from its database."""
    database = scratch / "healthkit.db"
    command = [str(healthkit_to_sqlite(cache)), str(export), str(database), "--silent"]
    measure = run_child("healthkit-to-sqlite", command)
    measure.details = {"rows": _rows_written(database)}
    return measure


def _rows_written(database: Path) -> int:
    query = "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
    with sqlite3.connect(database) as connection:
        tables = [row[0] for row in connection.execute(query)]
        counts = [
            connection.execute(f'select count(*) from "{name}"').fetchone()[0] for name in tables
        ]
    return sum(counts)


def report(xml_bytes: int, zip_bytes: int, measures: dict[str, Measure]) -> dict[str, Any]:
    """Print the table, the ratios and the goals; return the same as one JSON-ready object."""
    console = Console()
    megabytes = xml_bytes / 1e6
    elements = measures["floor"].details["elements"]
    console.print(
        f"export: {megabytes:,.1f} MB of XML in a {zip_bytes / 1e6:,.1f} MB zip;"
        f" {elements:,} records (top-level elements)"
    )
    table = Table(title="Apple Health export, each reader in its own process")
    for column in ("reader", "seconds", "CPU s", "MB/s", "records/s", "peak memory"):
        table.add_column(column, justify="left" if column == "reader" else "right")
    for measure in measures.values():
        table.add_row(
            measure.name,
            f"{measure.seconds:.2f}",
            f"{measure.cpu_seconds:.2f}",
            f"{megabytes / measure.seconds:,.1f}",
            f"{elements / measure.seconds:,.0f}",
            f"{measure.peak_rss_mb:,.0f} MB",
        )
    console.print(table)
    goals = _goals(measures)
    for goal in goals:
        console.print(f"{'MET' if goal['met'] else 'NOT MET':>8}  {goal['goal']}: {goal['figure']}")
    pacewise, startup = measures["pacewise"], measures["pacewise start-up"]
    if pacewise.seconds > startup.seconds:
        console.print(
            f"pacewise after its start-up (an estimate: its time less `--help`'s):"
            f" {megabytes / (pacewise.seconds - startup.seconds):,.1f} MB/s"
        )
    console.print(f"pacewise kept: {json.dumps(pacewise.details)}")
    if "healthkit-to-sqlite" in measures:
        rows = measures["healthkit-to-sqlite"].details["rows"]
        console.print(f"healthkit-to-sqlite wrote {rows:,} rows")
    return {
        "xml_bytes": xml_bytes,
        "zip_bytes": zip_bytes,
        "elements": elements,
        "measures": {name: asdict(measure) for name, measure in measures.items()},
        "goals": goals,
    }


def _goals(measures: dict[str, Measure]) -> list[dict[str, Any]]:
    pacewise = measures["pacewise"]
    vs_floor = measures["floor"].seconds / pacewise.seconds
    goals = [
        {
            "goal": f"pacewise at least {GOAL_VS_FLOOR:.0%} of the floor's speed",
            "figure": f"{vs_floor:.0%}",
            "met": vs_floor >= GOAL_VS_FLOOR,
        },
        {
            "goal": f"pacewise's peak memory under {GOAL_PEAK_MB:.0f} MB",
            "figure": f"{pacewise.peak_rss_mb:.0f} MB",
            "met": pacewise.peak_rss_mb < GOAL_PEAK_MB,
        },
    ]
    if "healthkit-to-sqlite" in measures:
        faster = measures["healthkit-to-sqlite"].seconds / pacewise.seconds
        goals.insert(
            0,
            {
                "goal": f"pacewise at least {GOAL_VS_HEALTHKIT:.0f}x healthkit-to-sqlite's speed",
                "figure": f"{faster:.1f}x",
                "met": faster >= GOAL_VS_HEALTHKIT,
            },
        )
    return goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=float, default=1000.0, help="XML size (default 1 GB)")
    parser.add_argument("--quick", action="store_true", help="a 20 MB export")
    parser.add_argument("--seed", type=int, default=6, help="the generator's random seed")
    parser.add_argument("--skip-healthkit", action="store_true", help="leave it out (quick runs)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="exports, venv")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--measure", choices=sorted(apple_export.MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(apple_export.measure_here(args.measure, args.export)))
        return
    xml_target = int((20.0 if args.quick else args.size_mb) * 1e6)
    export = cached_export(args.cache_dir, xml_target, args.seed)
    with zipfile.ZipFile(export) as archive:
        xml_bytes = archive.getinfo(apple_export.ENTRY).file_size
    with tempfile.TemporaryDirectory(prefix="pacewise-import-apple-") as scratch:
        measures = {name: measure_floor(name, export) for name in ("read", "floor")}
        measures["pacewise start-up"] = measure_startup()
        measures["pacewise"] = measure_pacewise(export, Path(scratch))
        if not args.skip_healthkit:
            measures["healthkit-to-sqlite"] = measure_healthkit(
                export, Path(scratch), args.cache_dir
            )
    figures = report(xml_bytes, export.stat().st_size, measures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
