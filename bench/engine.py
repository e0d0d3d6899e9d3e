"""Benchmark: the plan engine over a whole clinic (issue 3; DESIGN.md: recompute in seconds).

Builds a one-year history for N synthetic patients (sessions, daily pain, flares, check-ins that
raise alerts, clearances, acupuncture visits), then times `run_protocol` over all of them, in one
process and spread over every core. The baseline, measured in the same run on the same data, is
the least work any planner must do: one pass that sums each patient's minutes per plan week.
Prints figures and ratios; asserts nothing about time.

    python bench/engine.py [--patients 10000] [--days 365] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from pacewise.domain import (
    AcupunctureVisit,
    Condition,
    Flare,
    History,
    Kind,
    Session,
    prescription_for,
    run_protocol,
)

START = dt.date(2026, 1, 5)
NORMAL_SENSATIONS = ("tired_muscles", "mild_pain_increase", "effort_warmth", "stiffness_eases")
WARNINGS = ("worsening_during", "new_radiation", "joint_swelling", "dizziness_or_fainting")


def synthetic_history(rng: random.Random, days: int) -> History:
    """A plausible year: mostly steady walking that grows, some missed weeks, flares, alerts."""
    condition = rng.choice(list(Condition))
    rx = prescription_for(condition, sessions_per_week=rng.choice((3, 4, 5)))
    sessions: list[Session] = []
    pain: dict[dt.date, int] = {}
    usual = rng.uniform(4, 7)
    minutes = rx.baseline_minutes
    for day_number in range(days):
        day = START + dt.timedelta(days=day_number)
        if rng.random() < 0.7:
            pain[day] = max(0, min(10, round(usual + rng.gauss(0, 1))))
        if day_number % 7 == 0:
            minutes = min(30.0, minutes * rng.uniform(1.0, 1.12))
            usual = max(1.0, usual - 0.03)
        if rng.random() < rx.sessions_per_week / 7:
            # Most sessions get a check-in of normal sensations; about 1 in 50 a warning sign.
            checkin: tuple[str, ...] = ()
            if rng.random() < 0.6:
                warning = rng.random() < 0.02
                checkin = (rng.choice(WARNINGS if warning else NORMAL_SENSATIONS),)
            sessions.append(
                Session(
                    day,
                    round(minutes * rng.uniform(0.6, 1.6), 1),
                    rng.choice((Kind.WALK, Kind.WALK, Kind.STRETCH, Kind.STRENGTH)),
                    pain_before=pain.get(day),
                    pain_after=pain.get(day),
                    checkin=checkin,
                )
            )
    flares = tuple(
        Flare(START + dt.timedelta(days=rng.randrange(days)), severe=rng.random() < 0.3)
        for _ in range(rng.randrange(0, 4))
    )
    clearances = tuple(START + dt.timedelta(days=d) for d in range(10, days, rng.choice((14, 21))))
    visits = tuple(
        AcupunctureVisit(START + dt.timedelta(days=d), 7, 4) for d in range(0, days // 3, 10)
    )
    return History(
        prescription=rx,
        start=START,
        sessions=tuple(sessions),
        daily_pain=pain,
        reported_flares=flares,
        clearances=clearances,
        acupuncture=visits,
    )


def make_clinic(patients: int, days: int, seed: int) -> list[History]:
    rng = random.Random(seed)
    return [synthetic_history(rng, days) for _ in range(patients)]


def plan_all(histories: Sequence[History], until: dt.date) -> int:
    """Run the whole protocol for every patient; returns the plan weeks made (a checksum)."""
    return sum(len(run_protocol(history, until).weeks) for history in histories)


def sum_minutes_by_week(histories: Sequence[History]) -> float:
    """The baseline: one pass adding each session's minutes into its plan week."""
    total = 0.0
    for history in histories:
        weeks: dict[int, float] = {}
        for session in history.sessions:
            index = (session.date - history.start).days // 7
            weeks[index] = weeks.get(index, 0.0) + session.minutes
        total += sum(weeks.values())
    return total


def _plan_chunk(args: tuple[int, int, int, int]) -> int:
    patients, days, seed, until_days = args
    histories = make_clinic(patients, days, seed)
    began = time.perf_counter()
    plan_all(histories, START + dt.timedelta(days=until_days))
    return round((time.perf_counter() - began) * 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    until = START + dt.timedelta(days=args.days - 1)

    began = time.perf_counter()
    clinic = make_clinic(args.patients, args.days, args.seed)
    built = time.perf_counter() - began
    sessions = sum(len(h.sessions) for h in clinic)
    ratings = sum(len(h.daily_pain) for h in clinic)
    warnings = sum(1 for h in clinic for s in h.sessions if set(s.checkin) & set(WARNINGS))
    print(
        f"clinic: {args.patients} patients x {args.days} days; {sessions} sessions "
        f"({warnings} with a warning sign), {ratings} pain ratings (built in {built:.1f} s)"
    )

    began = time.perf_counter()
    sum_minutes_by_week(clinic)
    baseline = time.perf_counter() - began

    began = time.perf_counter()
    weeks = plan_all(clinic, until)
    engine = time.perf_counter() - began

    print(
        f"baseline (sum minutes per week):  {baseline:8.3f} s  "
        f"{args.patients / baseline:12,.0f} patients/s"
    )
    print(
        f"engine, 1 process:                {engine:8.3f} s  "
        f"{args.patients / engine:12,.0f} patients/s  ({weeks} plan weeks, "
        f"{engine / weeks * 1e6:.1f} us a week)"
    )
    print(f"ratio engine / baseline:          {engine / baseline:8.1f} x")

    workers = os.cpu_count() or 1
    if workers > 1:
        share = args.patients // workers
        chunks = [(share, args.days, args.seed + i, args.days - 1) for i in range(workers)]
        began = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            busy = list(pool.map(_plan_chunk, chunks))
        wall = time.perf_counter() - began
        planning = max(busy) / 1e6
        print(
            f"engine, {workers} processes (planning only): {planning:8.3f} s  "
            f"{share * workers / planning:12,.0f} patients/s  "
            f"(wall incl. building each share's histories: {wall:.1f} s)"
        )
        print(f"speed-up over 1 process:          {engine / planning:8.2f} x")
    goal = 10_000 / 5.0  # issue 3: a clinic of 10,000 recomputed in under 5 s
    print(
        f"goal: {goal:,.0f} patients/s (10,000 in 5 s) -> 1 process "
        f"{'meets' if args.patients / engine >= goal else 'misses'} it"
    )


if __name__ == "__main__":
    main()
