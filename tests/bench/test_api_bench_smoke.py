"""The API benchmark (bench/api.py) still runs end to end: it seeds what it says it seeds, and the
real server answers every request of every endpoint under concurrent load without an error.

Times are never asserted: the benchmark prints them, and they depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "api.py"
PATIENTS = 50
PACED_RATE = 50


def test_quick_run_on_sqlite_seeds_a_clinic_and_answers_every_request(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    command = [sys.executable, str(BENCH), "--quick", "--backend", "sqlite", "--clients", "5"]
    command += ["--seconds", "2", "--no-breakdown", "--paced-rate", str(PACED_RATE)]
    command += ["--json", str(report)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=150, check=False)
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]

    run = json.loads(report.read_text())["backends"]["sqlite"]
    seeded = run["seeded"]
    assert run["patients"] == PATIENTS
    assert seeded["users"] == PATIENTS + run["clinicians"]
    assert seeded["prescriptions"] == seeded["care_relationships"] == PATIENTS
    assert seeded["api_tokens"] == seeded["users"]
    assert seeded["activity_sessions"] > PATIENTS * 100, "a year of sessions most days"
    assert seeded["daily_pain"] > PATIENTS * 250, "a year of daily pain ratings"
    assert seeded["alerts"] > 0
    assert set(run["endpoints"]) == {
        "trivial",
        "plan_first",
        "plan",
        "list_first",
        "list_refreshed",
        "patient_list",
        "log_session",
        "plan_paced",
        "patient_list_paced",
        "log_session_paced",
    }
    # The midnight refresh replayed every patient's ranking, the same as the first lists did.
    assert run["midnight_refresh"]["rankings"] == PATIENTS
    for key, figures in run["endpoints"].items():
        assert figures["requests"] > 0, key
        assert figures["errors"] == 0, (key, figures["error_samples"])
        if key.endswith("_paced"):
            # An open loop never runs ahead of its pace: at most one request per client per
            # interval (the clients start staggered within the first interval).
            assert figures["requests"] <= PACED_RATE * 2 + 5, (key, figures["requests"])
