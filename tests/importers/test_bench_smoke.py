"""bench/importers.py still runs end to end on a small export; times are never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "importers.py"


def test_a_small_run_measures_all_three_readers_over_the_same_export(tmp_path: Path) -> None:
    report = tmp_path / "figures.json"
    command = [sys.executable, str(BENCH), "--size-mb", "2", "--json", str(report)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]

    figures = json.loads(report.read_text())
    results = figures["results"]
    assert figures["xml_bytes"] >= 2_000_000
    assert set(results) == {"read", "baseline", "pacewise"}
    assert results["baseline"]["elements"] > 4000
    # One workout and one day's totals per generated day, nothing skipped.
    assert results["pacewise"]["sessions"] == results["pacewise"]["daily_totals"] > 0
    assert results["pacewise"]["skipped"] == 0
    assert "vs floor" in finished.stdout
