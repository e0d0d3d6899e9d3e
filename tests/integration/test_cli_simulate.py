"""`pacewise simulate`: the replay command, its JSON output and its one-line errors (issue 3)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pacewise.cli import app

EXAMPLE = {
    "start": "2026-01-05",
    "until": "2026-04-05",
    "condition": "low_back_pain",
    "prescription": {
        "baseline_minutes": 5,
        "sessions_per_week": 3,
        "progression_rate": 0.10,
        "weekly_target_minutes": 150,
        "max_session_minutes": 30,
        "max_sessions_per_week": 6,
        "adherence_threshold": 0.8,
        "floor_minutes": 5,
    },
    "sessions": [
        {
            "date": "2026-01-05",
            "minutes": 5,
            "kind": "walk",
            "pain_before": 5,
            "pain_after": 6,
            "checkin": ["tired_muscles"],
        }
    ],
    "daily_pain": [{"date": "2026-01-06", "pain": 5}],
    "flares": [{"date": "2026-02-10", "severe": False}],
    "acupuncture": [{"date": "2026-01-04", "pain_before": 7, "pain_after": 4}],
    "clearances": [{"date": "2026-02-12"}],
}


def with_session(**fields: Any) -> dict[str, Any]:
    """A scenario with one session on the start day; `fields` change or add its keys."""
    return {"start": "2026-01-05", "sessions": [{"date": "2026-01-05", "minutes": 5, **fields}]}


def run(tmp_path: Path, scenario: Any, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "scenario.json"
    path.write_text(scenario if isinstance(scenario, str) else json.dumps(scenario))
    result = CliRunner().invoke(app, ["simulate", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


def full_adherence_scenario(weeks: int) -> dict[str, Any]:
    """Every planned session done, built by asking the CLI for each week's plan in turn."""
    scenario: dict[str, Any] = {"start": "2026-01-05", "sessions": []}
    runner = CliRunner()
    for week in range(weeks):
        scenario["until"] = _date_after("2026-01-05", 7 * week)
        result = runner.invoke(app, ["simulate", "-", "--json"], input=json.dumps(scenario))
        assert result.exit_code == 0, result.stderr
        this_week = json.loads(result.stdout)["weeks"][-1]
        scenario["sessions"] += [
            {"date": p["date"], "minutes": p["minutes"], "kind": p["kind"]}
            for p in this_week["planned_sessions"]
        ]
    scenario["until"] = _date_after("2026-01-05", 7 * weeks - 1)
    return scenario


def _date_after(start: str, days: int) -> str:
    return (dt.date.fromisoformat(start) + dt.timedelta(days=days)).isoformat()


def test_the_issue_example_replays_to_every_week_begun_by_until(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, EXAMPLE, "--json")
    assert code == 0, err
    result = json.loads(out)
    weeks = result["weeks"]
    # 5 Jan to 5 Apr 2026 is 90 days: weeks 1-13 have begun (week 13 starts on 30 Mar).
    assert [w["week"] for w in weeks] == list(range(1, 14))
    assert weeks[12]["start"] == "2026-03-30"
    first = weeks[0]
    assert first["phase"] == 1
    assert first["decision"] == "baseline"
    assert first["session_minutes"] == 5
    assert first["weekly_minutes"] == 15
    assert first["sessions_per_week"] == 3
    assert first["kinds"] == {"walk": 3}
    assert first["planned_days"] == ["2026-01-05", "2026-01-07", "2026-01-09"]
    assert isinstance(first["reason"], str)
    assert "5 min" in first["reason"]


def test_the_issue_example_flare_steps_back_the_following_week(tmp_path: Path) -> None:
    result = json.loads(run(tmp_path, EXAMPLE, "--json")[1])
    flare_week = next(w for w in result["weeks"] if w["start"] <= "2026-02-10" <= w["end"])
    following = result["weeks"][flare_week["week"]]
    assert following["decision"] == "step_back"
    assert "10 Feb" in following["reason"]
    assert result["flares"] == [{"date": "2026-02-10", "source": "reported", "severe": False}]


def test_the_issue_example_reports_the_acupuncture_window_and_boom_bust(tmp_path: Path) -> None:
    result = json.loads(run(tmp_path, EXAMPLE, "--json")[1])
    assert result["acupuncture_window_days"] == ["2026-01-05", "2026-01-06", "2026-01-07"]
    boom = result["boom_bust"]
    assert boom["flagged"] is False
    assert boom["window_end"] == "2026-04-05"
    assert boom["window_start"] == "2026-03-23"
    assert isinstance(boom["cv"], float)
    assert boom["pain_led"] is None  # no pain ratings in that window


def test_until_defaults_to_the_latest_date_named_anywhere(tmp_path: Path) -> None:
    scenario = {k: v for k, v in EXAMPLE.items() if k != "until"}
    result = json.loads(run(tmp_path, scenario, "--json")[1])
    assert result["until"] == "2026-02-12"  # the clearance is the latest date in the file
    assert result["weeks"][-1]["start"] <= "2026-02-12" <= result["weeks"][-1]["end"]


def test_omitted_keys_take_defaults(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, {"start": "2026-01-05"}, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["condition"] == "low_back_pain"
    assert result["prescription"]["progression_rate"] == 0.10
    assert [w["week"] for w in result["weeks"]] == [1]


def test_fibromyalgia_profile_progresses_at_five_percent(tmp_path: Path) -> None:
    scenario = full_adherence_scenario(3)
    scenario["condition"] = "fibromyalgia"
    result = json.loads(run(tmp_path, scenario, "--json")[1])
    assert result["prescription"]["progression_rate"] == 0.05


def test_full_adherence_progresses_from_week_3_by_the_rate(tmp_path: Path) -> None:
    result = json.loads(run(tmp_path, full_adherence_scenario(6), "--json")[1])
    decisions = [w["decision"] for w in result["weeks"]]
    assert decisions == ["baseline", "baseline", "progress", "progress", "progress", "progress"]
    weekly = [w["weekly_minutes"] for w in result["weeks"]]
    assert weekly[2] == pytest.approx(16.5)
    assert weekly[5] == pytest.approx(15 * 1.1**4)
    assert result["weeks"][4]["kinds"] == {"walk": 1, "stretch": 1, "strength": 1}


def test_alerts_show_level_reason_and_clearance(tmp_path: Path) -> None:
    scenario = {
        "start": "2026-01-05",
        "until": "2026-01-20",
        "sessions": [
            {"date": "2026-01-07", "minutes": 5, "checkin": ["new_radiation"]},
            {"date": "2026-01-14", "minutes": 5, "checkin": ["chest_pain_or_breathless"]},
        ],
        "clearances": [{"date": "2026-01-09"}],
    }
    result = json.loads(run(tmp_path, scenario, "--json")[1])
    assert [(a["date"], a["level"], a["cleared"]) for a in result["alerts"]] == [
        ("2026-01-07", "ASSESS", "2026-01-09"),
        ("2026-01-14", "STOP", None),
    ]
    assert "spreading" in result["alerts"][0]["reason"]
    assert result["weeks"][2]["decision"] == "paused"
    assert [t["level"] for t in result["triage"]] == ["ASSESS", "STOP"]


def test_table_output_is_readable(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, EXAMPLE)
    assert code == 0
    assert "Plan, week by week" in out
    assert "step_back" in out
    assert "Acupuncture window" in out


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ("{not json", "input: not valid JSON"),
        ("[]", "input: must be a JSON object"),
        ({"start": "2026-01-05", "colour": "red"}, "colour: unknown key"),
        ({"start": "2026-02-30"}, "start: no such date"),
        ({"start": "05/01/2026"}, "start: must be a date as YYYY-MM-DD"),
        (
            with_session(pain_before=11),
            "sessions[0].pain_before: must be 0-10, got 11",
        ),
        (
            {"start": "2026-01-05", "daily_pain": [{"date": "2026-01-06", "pain": -1}]},
            "daily_pain[0].pain: must be 0-10, got -1",
        ),
        (
            with_session(minutes=0),
            "sessions[0].minutes: must be above 0",
        ),
        (
            with_session(checkin=["ouch"]),
            "unknown check-in code 'ouch'; valid: tired_muscles",
        ),
        (
            with_session(kind="run"),
            'sessions[0].kind: unknown kind "run"; valid: walk',
        ),
        (
            {"start": "2026-01-05", "condition": "migraine"},
            'condition: unknown condition "migraine"',
        ),
        (
            {"start": "2026-01-05", "prescription": {"baseline_minutes": 3}},
            "prescription.baseline_minutes: must be at least floor_minutes (5), got 3",
        ),
        (
            {"start": "2026-01-05", "prescription": {"max_sessions_per_week": 2}},
            "prescription.max_sessions_per_week",
        ),
        ({"start": "2026-01-05", "prescription": {"speed": 3}}, "prescription.speed: unknown key"),
        ({"start": "2026-01-05", "until": "2026-01-01"}, "until: must not be before start"),
        (
            {
                "start": "2026-01-05",
                "daily_pain": [
                    {"date": "2026-01-06", "pain": 3},
                    {"date": "2026-01-06", "pain": 4},
                ],
            },
            "daily_pain[1].date: 2026-01-06 is rated twice",
        ),
        ({}, "start: is required"),
    ],
)
def test_bad_input_is_one_line_naming_the_field_with_exit_code_2(
    tmp_path: Path, scenario: Any, message: str
) -> None:
    code, out, err = run(tmp_path, scenario, "--json")
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_the_installed_command_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"start": "2026-01-05", "sessions": [{"date": "x", "minutes": 5}]}))
    done = subprocess.run(
        [sys.executable, "-m", "pacewise", "simulate", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == 'error: sessions[0].date: must be a date as YYYY-MM-DD, got "x"'
    assert done.stdout == ""


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
