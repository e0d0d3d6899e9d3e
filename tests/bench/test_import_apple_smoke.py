"""bench/import_apple.py runs end to end on a tiny export: every reader sees the same records and
pacewise keeps what the generator wrote. Times are never asserted (they depend on the machine).

healthkit-to-sqlite is left out: installing it needs the network, which tests must not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "import_apple.py"


def test_a_tiny_run_imports_one_workout_and_one_days_totals_per_generated_day(
    tmp_path: Path,
) -> None:
    figures_file = tmp_path / "figures.json"
    command = [sys.executable, str(BENCH), "--size-mb", "2", "--skip-healthkit"]
    command += ["--cache-dir", str(tmp_path / "cache"), "--json", str(figures_file)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]

    figures = json.loads(figures_file.read_text())
    assert figures["xml_bytes"] >= 2_000_000
    assert set(figures["measures"]) == {"read", "floor", "pacewise start-up", "pacewise"}
    assert figures["elements"] > 4000
    kept = figures["measures"]["pacewise"]["details"]
    assert kept["added"] == kept["daily_totals"] > 0, "one workout and one day's totals a day"
    assert kept["already_present"] == 0
    assert kept["skipped"] == []
    assert f"{figures['elements']:,} records" in finished.stdout
    assert "pacewise kept" in finished.stdout
    goals = [goal["goal"] for goal in figures["goals"]]
    assert len(goals) == 2, "without healthkit-to-sqlite only the floor and memory goals"
    (cached,) = (tmp_path / "cache").glob("export-2000000-seed6-*/export.zip")
    assert cached.stat().st_size > 0, "the export stays in the cache for the next run"
