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
    Kind,
    Prescription,
    Session,
    prescription_for,
    run_protocol,
)
from pacewise.domain.prescription import PrescriptionChange


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How a sample patient lives with the plan; weeks are plan weeks (1 = first)."""

    adherence: float = 0.95
    missed_weeks: frozenset[int] = frozenset()
    flare_weeks: frozenset[int] = frozenset()
    assess_weeks: frozenset[int] = frozenset()
    clearance_delay_days: int | None = 2
    acupuncture_weeks: frozenset[int] = frozenset()
    boom_bust_weeks: frozenset[int] = frozenset()
    starting_pain: float = 6.0
    weekly_pain_change: float = -0.15


@dataclass(frozen=True, slots=True)
class SamplePatient:
    """A sample patient; `changes` are the clinician's later prescriptions, each in force from
    the first day of a plan week (the week number, counted from 1)."""

    name: str
    prescription: Prescription
    behaviour: Behaviour = field(default_factory=Behaviour)
    changes: tuple[tuple[int, Prescription], ...] = ()

    def history_start(self, start: dt.date) -> History:
        """The patient's empty record: the prescription and its later changes, no activity."""
        return History(
            prescription=self.prescription,
            start=start,
            changes=tuple(
                PrescriptionChange(start + dt.timedelta(days=7 * (week - 1)), rx)
                for week, rx in self.changes
            ),
        )


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


@dataclass(frozen=True, slots=True)
class DemoPatient:
    """One of the demo clinic's patients (`pacewise demo`): who, and how many weeks lived."""

    email: str
    sample: SamplePatient
    weeks: int
    seed: int
    goals: tuple[str, ...] = ()
    """The activities they rate on the PSFS: what they want to get back to."""


DEMO_PATIENTS = (
    DemoPatient(
        "sam@example.org",
        SamplePatient(
            name="Sam Rivera",
            prescription=prescription_for("low_back_pain"),
            behaviour=Behaviour(adherence=0.97, acupuncture_weeks=frozenset({1, 2})),
            changes=((5, prescription_for("low_back_pain", main_kind=Kind.CYCLE)),),
        ),
        weeks=12,
        seed=20,
        goals=("walking to the shops", "carrying the shopping", "sitting through a film"),
    ),
    DemoPatient(
        "priya@example.org",
        SamplePatient(
            name="Priya Shah",
            prescription=prescription_for("osteoarthritis"),
            behaviour=Behaviour(flare_weeks=frozenset({7}), starting_pain=5.0),
        ),
        weeks=10,
        seed=12,
        goals=("climbing the stairs", "gardening", "walking the dog"),
    ),
    DemoPatient(
        "jordan@example.org",
        SamplePatient(
            name="Jordan Lee",
            prescription=prescription_for("rheumatoid_arthritis"),
            behaviour=Behaviour(boom_bust_weeks=frozenset({7, 8}), weekly_pain_change=-0.05),
        ),
        weeks=8,
        seed=13,
        goals=("getting dressed", "cycling to work", "playing the piano"),
    ),
    DemoPatient(
        "maria@example.org",
        SamplePatient(
            name="Maria Costa",
            prescription=prescription_for("fibromyalgia"),
            behaviour=Behaviour(adherence=0.9, starting_pain=7.0, weekly_pain_change=-0.1),
        ),
        weeks=14,
        seed=14,
        goals=("a day out with friends", "housework", "swimming"),
    ),
    DemoPatient(
        "tom@example.org",
        SamplePatient(
            name="Tom Becker",
            prescription=prescription_for("low_back_pain"),
            behaviour=Behaviour(
                assess_weeks=frozenset({6}),
                clearance_delay_days=None,
                acupuncture_weeks=frozenset({1, 2, 3, 5, 6}),
                starting_pain=7.0,
            ),
        ),
        weeks=6,
        seed=15,
        goals=("lifting my grandson", "driving for an hour", "walking on the beach"),
    ),
)
"""Steady progress; a flare and its step back; boom and bust; fibromyalgia on the slower rate;
an ASSESS alert still waiting for the clinician, with acupuncture visits (issue 5)."""


def make_history(patient: SamplePatient, start: dt.date, weeks: int, seed: int = 7) -> History:
    """Live `weeks` plan weeks of the patient's life from `start`, following each week's plan."""
    rng = random.Random(seed)
    behaviour = patient.behaviour
    history = patient.history_start(start)
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
            if week in behaviour.boom_bust_weeks and index == 2:
                continue  # the bust: too sore and tired after the boom to do the session
            if week in behaviour.boom_bust_weeks and index == 1:
                minutes = round(planned.minutes * rng.uniform(2.2, 2.8), 1)  # a good day: boom
                after = _clamp(before + 2)
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
        history = replace(
            history,
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
