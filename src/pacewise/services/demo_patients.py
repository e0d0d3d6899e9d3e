"""Sample patients whose histories are made by the engine's own rules, week by week.

Each week the sample patient is shown that week's plan (as the app would show it) and does it
with some human variation: a missed session, a flare, a worrying check-in that a clinician clears.
Everything comes from a seeded random generator, so the same seed gives the same history.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from pacewise.domain import (
    AcupunctureVisit,
    Flare,
    History,
    Prescription,
    Session,
    prescription_for,
    run_protocol,
)


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How a sample patient lives with the plan; weeks are plan weeks (1 = first)."""

    adherence: float = 0.95
    missed_weeks: frozenset[int] = frozenset()
    flare_weeks: frozenset[int] = frozenset()
    assess_weeks: frozenset[int] = frozenset()
    clearance_delay_days: int | None = 2
    acupuncture_weeks: frozenset[int] = frozenset()
    starting_pain: float = 6.0
    weekly_pain_change: float = -0.15


@dataclass(frozen=True, slots=True)
class SamplePatient:
    name: str
    prescription: Prescription
    behaviour: Behaviour = field(default_factory=Behaviour)


STEADY_PATIENT = SamplePatient(
    name="Sam (low back pain)",
    prescription=prescription_for("low_back_pain", preferred_kind="cycle"),
    behaviour=Behaviour(
        missed_weeks=frozenset({6}),
        flare_weeks=frozenset({8}),
        assess_weeks=frozenset({10}),
        acupuncture_weeks=frozenset({1, 2, 3, 5, 7, 9}),
    ),
)


def make_history(patient: SamplePatient, start: dt.date, weeks: int, seed: int = 7) -> History:
    """Live `weeks` plan weeks of the patient's life from `start`, following each week's plan."""
    rng = random.Random(seed)
    behaviour = patient.behaviour
    history = History(prescription=patient.prescription, start=start)
    for week in range(1, weeks + 1):
        week_start = start + dt.timedelta(days=7 * (week - 1))
        plan = run_protocol(history, week_start).weeks[-1]
        sessions = list(history.sessions)
        pain = dict(history.daily_pain)
        flares = list(history.reported_flares)
        clearances = list(history.clearances)
        visits = list(history.acupuncture)
        usual = behaviour.starting_pain + behaviour.weekly_pain_change * (week - 1)
        for offset in range(7):
            day = week_start + dt.timedelta(days=offset)
            pain[day] = _clamp(round(usual) + rng.choice((0, 0, 1)))
        if week in behaviour.acupuncture_weeks:
            visit_day = week_start + dt.timedelta(days=rng.randrange(0, 3))
            before = _clamp(round(usual + 1))
            visits.append(AcupunctureVisit(visit_day, before, _clamp(before - 3)))
        for index, planned in enumerate(plan.planned):
            if week in behaviour.missed_weeks and index % 2 == 0:
                continue
            if rng.random() > behaviour.adherence:
                continue
            before = pain[planned.date]
            checkin: tuple[str, ...] = ("tired_muscles",)
            after = _clamp(before + rng.choice((0, 0, 1)))
            if week in behaviour.assess_weeks and index == 1:
                checkin = ("worsening_during",)
                after = _clamp(before + 2)
            minutes = round(planned.minutes * rng.uniform(0.95, 1.15), 1)
            sessions.append(
                Session(
                    planned.date,
                    minutes,
                    planned.kind,
                    start=planned.time,
                    pain_before=before,
                    pain_after=after,
                    effort=rng.randint(3, 5),
                    checkin=checkin,
                )
            )
        if week in behaviour.flare_weeks:
            flare_day = week_start + dt.timedelta(days=3)
            flares.append(Flare(flare_day))
            pain[flare_day] = _clamp(pain[flare_day] + 3)
        history = History(
            prescription=patient.prescription,
            start=start,
            sessions=tuple(sessions),
            daily_pain=pain,
            reported_flares=tuple(flares),
            clearances=tuple(clearances),
            acupuncture=tuple(visits),
        )
        history = _clinician_reviews(history, week_start + dt.timedelta(days=6), behaviour)
    return history


def _clinician_reviews(history: History, week_end: dt.date, behaviour: Behaviour) -> History:
    """The clinician clears each new alert some days after it was raised (if they do at all)."""
    if behaviour.clearance_delay_days is None:
        return history
    delay = dt.timedelta(days=behaviour.clearance_delay_days)
    open_alerts = [a for a in run_protocol(history, week_end).alerts if a.cleared_on is None]
    reviews = {alert.date + delay for alert in open_alerts}
    return replace(history, clearances=tuple(sorted({*history.clearances, *reviews})))


def _clamp(pain: float) -> int:
    return int(min(10, max(0, pain)))
