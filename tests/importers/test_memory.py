"""A large Apple export is read in flat memory: the bound is on bytes, not on time.

The export (about 100 MB of XML, zipped) is written by the benchmark's own generator, so the
test reads the same realistic structure the benchmark measures. The reading runs in a fresh
process so its peak resident memory is its own: tracemalloc bounds what Python holds (records
kept, caches), the peak RSS bounds what libxml2 holds (a tree that is never cleared would take
several times the file's size).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "importers.py"
XML_BYTES = 100_000_000
MB = 1024 * 1024

_READ_IN_A_FRESH_PROCESS = """
import json, sys, tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo
from pacewise.adapters.importers import DailyTotal, ImportedSession, read_records
tracemalloc.start()
sessions = totals = 0
for record in read_records(Path(sys.argv[1]), time_zone=ZoneInfo("Europe/London")):
    sessions += isinstance(record, ImportedSession)
    totals += isinstance(record, DailyTotal)
print(json.dumps({
    "traced_peak": tracemalloc.get_traced_memory()[1],
    # VmHWM is this process's own peak (ru_maxrss may carry the parent's across exec).
    "max_rss": next(
        int(line.split()[1]) * 1024
        for line in open("/proc/self/status")
        if line.startswith("VmHWM:")
    ),
    "sessions": sessions,
    "totals": totals,
}))
"""


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_importers", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_100_mb_export_is_read_in_flat_memory(tmp_path: Path) -> None:
    export = tmp_path / "export.zip"
    written = _bench().write_export(export, XML_BYTES)
    with zipfile.ZipFile(export) as archive:
        assert archive.getinfo("apple_health_export/export.xml").file_size == written
    assert written >= XML_BYTES

    finished = subprocess.run(
        [sys.executable, "-c", _READ_IN_A_FRESH_PROCESS, str(export)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    figures = json.loads(finished.stdout)

    # One workout and one day of totals per generated day: everything was read.
    assert figures["sessions"] == figures["totals"] > 250
    assert figures["traced_peak"] < 30 * MB
    assert figures["max_rss"] < 200 * MB
