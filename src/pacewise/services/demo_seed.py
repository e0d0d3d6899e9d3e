"""The demo clinic (`pacewise demo`, `make run`): one clinician and five patients whose histories
the engine's own rules made (`demo_patients`), stored through the same services a browser uses.

Each patient is created by the clinician with an invite, sets the demo password with it, and then
lives their history day by day: the day's pain rating, the sessions with their check-ins (triaged
as when typed in, so an ASSESS answer raises the clinician's alert), flares, acupuncture visits and
a PEG every other week and the PSFS (their own goals) at the start and every four weeks; the
clinician clears alerts on the days the sample clinician did. Seeding
again finds the demo clinician and adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import History, Prescription, prescription_for
from pacewise.services.access import Caller
from pacewise.services.accounts import accept_invite, add_user, create_patient
from pacewise.services.activity_log import log_session, rate_daily_pain
from pacewise.services.alerts import clear_alert, list_alerts
from pacewise.services.demo_patients import DEMO_PATIENTS, DemoPatient, make_history
from pacewise.services.inputs import SessionInput
from pacewise.services.patient_records import log_acupuncture, report_flare, submit_questionnaire
from pacewise.services.prescription_input import PrescriptionInput
from pacewise.services.prescriptions import PrescriptionChangeInput, change_prescription

DEMO_CLINICIAN = "clinician@example.org"
DEMO_CLINICIAN_NAME = "Dr Ada Okafor"
DEMO_PASSWORD = "pacewise-demo"
"""Printed at every start: the demo clinic is for trying pacewise out, never for real records."""


@dataclass(frozen=True, slots=True)
class DemoClinic:
    """Who can sign in to the demo, and whether this call created them."""

    clinician: str
    patients: tuple[str, ...]
    password: str
    created: bool


def is_seeded(engine: Engine) -> bool:
    with UnitOfWork(engine).reading() as uow:
        return uow.users.by_email(DEMO_CLINICIAN) is not None


def seed_demo(engine: Engine, today: dt.date | None = None) -> DemoClinic:
    """Fill a migrated database with the demo clinic, once; each history ends yesterday."""
    emails = tuple(patient.email for patient in DEMO_PATIENTS)
    if is_seeded(engine):
        return DemoClinic(DEMO_CLINICIAN, emails, DEMO_PASSWORD, created=False)
    day = today or dt.date.today()
    doctor = add_user(UnitOfWork(engine), DEMO_CLINICIAN, "clinician", password=DEMO_PASSWORD)
    with UnitOfWork(engine) as uow:
        user = uow.users.get(doctor.id)
        assert user is not None
        user.display_name = DEMO_CLINICIAN_NAME
        uow.commit()
    clinician = Caller(doctor.id, "clinician")
    for patient in DEMO_PATIENTS:
        seed_patient(engine, clinician, patient, day)
    return DemoClinic(DEMO_CLINICIAN, emails, DEMO_PASSWORD, created=True)


def seed_patient(
    engine: Engine,
    clinician: Caller,
    patient: DemoPatient,
    today: dt.date,
    start: dt.date | None = None,
) -> int:
    """A patient in the clinician's care, with the demo password and the history they lived
    from `start` (default: `patient.weeks` before today) up to yesterday; returns their id."""
    start = start or today - dt.timedelta(weeks=patient.weeks)
    sample = patient.sample
    created = create_patient(
        UnitOfWork(engine),
        clinician,
        patient.email,
        display_name=sample.name,
        condition=sample.prescription.condition.value,
        start_date=start,
    )
    accept_invite(UnitOfWork(engine), created.invite_token, DEMO_PASSWORD)
    me = Caller(created.id, "patient")
    for week, rx in sample.changes:
        _change_prescription(engine, clinician, created.id, start, week, rx)
    history = make_history(sample, start, patient.weeks, seed=patient.seed)
    _live(engine, me, clinician, history, today, patient.goals)
    return created.id


def _change_prescription(
    engine: Engine, clinician: Caller, patient_id: int, start: dt.date, week: int, rx: Prescription
) -> None:
    """The clinician's change, saved during the week before the one it takes effect in."""
    overrides = {
        name: value
        for name, value in _settings(rx).items()
        if value != _settings(prescription_for(rx.condition)).get(name)
    }
    change = PrescriptionChangeInput(
        condition=rx.condition,
        settings=PrescriptionInput.model_validate(overrides),
        note="prefers the exercise bike",
    )
    saved_on = start + dt.timedelta(days=7 * (week - 1) - 1)
    change_prescription(UnitOfWork(engine), clinician, patient_id, change, saved_on)


def _settings(rx: Prescription) -> dict[str, object]:
    fields = PrescriptionInput.model_fields
    return {
        name: getattr(value, "value", value)
        for name in fields
        if not isinstance(value := getattr(rx, name), tuple)
    }


def _live(
    engine: Engine,
    me: Caller,
    clinician: Caller,
    history: History,
    today: dt.date,
    goals: tuple[str, ...] = (),
) -> None:
    """Store the history in the order it happened, through the patient's and clinician's use
    cases (so alerts are raised and cleared as they would be), up to yesterday."""
    sessions = defaultdict(list)
    for session in history.sessions:
        sessions[session.date].append(session)
    flares = defaultdict(list)
    for flare in history.reported_flares:
        flares[flare.date].append(flare)
    visits = {visit.date: visit for visit in history.acupuncture}
    clearances = set(history.clearances)
    day = history.start
    while day < today:
        if day in history.daily_pain:
            rate_daily_pain(UnitOfWork(engine), me, me.user_id, day, history.daily_pain[day])
        if day in visits:
            visit = visits[day]
            log_acupuncture(
                UnitOfWork(engine), me, me.user_id, day, visit.pain_before, visit.pain_after, ""
            )
        for session in sessions[day]:
            entry = SessionInput(
                date=session.date,
                minutes=session.minutes,
                kind=session.kind,
                start=session.start,
                pain_before=session.pain_before,
                pain_after=session.pain_after,
                effort=session.effort,
                checkin=session.checkin,
            )
            log_session(UnitOfWork(engine), me, me.user_id, entry)
        for flare in flares[day]:
            report_flare(UnitOfWork(engine), me, me.user_id, day, flare.severe, "")
        lived = (day - history.start).days
        if lived % 14 == 13:
            _answer_peg(engine, me, day, history.daily_pain.get(day, 5))
        if goals and (lived == 0 or lived % 28 == 27):
            _answer_psfs(engine, me, day, goals, history.daily_pain.get(day, 5), lived // 28)
        if day in clearances:
            _clear_alerts(engine, clinician, me.user_id, day)
        day += dt.timedelta(days=1)


def _answer_peg(engine: Engine, me: Caller, day: dt.date, pain: int) -> None:
    answers = {"pain": pain, "enjoyment": max(pain - 1, 0), "activity": max(pain - 1, 0)}
    submit_questionnaire(UnitOfWork(engine), me, me.user_id, "PEG", day, answers)


def _answer_psfs(
    engine: Engine, me: Caller, day: dt.date, goals: tuple[str, ...], pain: int, months: int
) -> None:
    """Each goal rated lower the harder it is, and a point higher for every four weeks lived."""
    activities = [
        {"activity": goal, "rating": max(0, min(10, 8 - pain - hardness + months))}
        for hardness, goal in enumerate(goals)
    ]
    submit_questionnaire(
        UnitOfWork(engine), me, me.user_id, "PSFS", day, {"activities": activities}
    )


def _clear_alerts(engine: Engine, clinician: Caller, patient_id: int, day: dt.date) -> None:
    """A review clears every alert raised on or before its day (PROTOCOL.md 3)."""
    alerts, _ = list_alerts(UnitOfWork(engine), clinician, patient_id, 100, 0, open_only=True)
    for alert in alerts:
        if alert.raised_on <= day:
            note = "Reviewed with the patient: fine to carry on with the plan."
            clear_alert(UnitOfWork(engine), clinician, patient_id, alert.id, note, day)
