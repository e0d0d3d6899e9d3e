"""The demo clinic on both databases: stored once, through the services, and replayed by the
engine into the histories it was made from (issue 5: `make run` and demo data).

Built like the `engine` fixture (a copy of the migrated template on each backend), but once per
module and backend.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.models import QuestionnaireResponse, User
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Decision
from pacewise.services.access import Caller
from pacewise.services.alerts import list_alerts
from pacewise.services.demo_patients import DEMO_PATIENTS
from pacewise.services.demo_seed import DEMO_CLINICIAN, DEMO_PASSWORD, seed_demo
from pacewise.services.plans import plan_for
from pacewise.services.prescriptions import prescription_history
from pacewise.services.sign_in import sign_in
from tests.integration.conftest import BACKENDS, POSTGRES_ADMIN_URL, postgres_admin, psycopg_url

TODAY = dt.date(2026, 3, 18)


def _user_id(engine: Engine, email: str) -> int:
    with UnitOfWork(engine).reading() as uow:
        user = uow.users.by_email(email)
        assert user is not None, email
        return user.id


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One demo clinic per backend for the whole module: the tests only read it (seeding takes
    seconds)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "pacewise.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        name = f"pacewise_demo_{uuid.uuid4().hex[:12]}"
        postgres_admin(
            f'CREATE DATABASE "{name}" TEMPLATE "{request.getfixturevalue("postgres_template")}"'
        )
        assert POSTGRES_ADMIN_URL is not None
        engine = make_engine(psycopg_url(POSTGRES_ADMIN_URL, name))
    assert seed_demo(engine, TODAY).created
    yield engine
    engine.dispose()
    if request.param != "sqlite":
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_seeding_twice_keeps_one_copy(demo: Engine) -> None:
    with demo.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(User))
    again = seed_demo(demo, TODAY)
    with demo.connect() as connection:
        after = connection.scalar(select(func.count()).select_from(User))
    assert not again.created
    assert before == after == 6


def test_the_five_patients_have_their_conditions_and_their_clinician(demo: Engine) -> None:
    clinician = Caller(_user_id(demo, DEMO_CLINICIAN), "clinician")
    conditions = {}
    for email in seed_demo(demo, TODAY).patients:
        patient = _user_id(demo, email)
        versions = prescription_history(UnitOfWork(demo), clinician, patient)
        conditions[email] = versions[-1].condition
    assert sorted(conditions.values()) == sorted(
        ["low_back_pain", "osteoarthritis", "rheumatoid_arthritis", "fibromyalgia", "low_back_pain"]
    )


def test_everyone_signs_in_with_the_demo_password(demo: Engine) -> None:
    for email in (DEMO_CLINICIAN, "tom@example.org"):
        assert sign_in(UnitOfWork(demo), email, DEMO_PASSWORD, "127.0.0.1").caller is not None


def test_the_assess_patient_has_an_uncleared_alert_and_a_paused_plan(demo: Engine) -> None:
    tom = Caller(_user_id(demo, "tom@example.org"), "patient")
    alerts, _ = list_alerts(UnitOfWork(demo), tom, tom.user_id, 50, 0, open_only=True)
    assert [alert.level for alert in alerts] == ["ASSESS"]
    plan = plan_for(UnitOfWork(demo), tom, tom.user_id, TODAY)
    assert plan.week is not None
    assert plan.week.decision is Decision.PAUSED
    assert len(plan.result.acupuncture_window_days) > 0


def test_the_flare_patients_plan_steps_back_the_week_after_the_flare(demo: Engine) -> None:
    priya = Caller(_user_id(demo, "priya@example.org"), "patient")
    plan = plan_for(UnitOfWork(demo), priya, priya.user_id, TODAY)
    decisions = [week.decision for week in plan.result.weeks]
    assert Decision.STEP_BACK in decisions
    assert decisions[decisions.index(Decision.STEP_BACK) + 1] is Decision.PROGRESS


def test_the_boom_and_bust_patient_is_flagged(demo: Engine) -> None:
    jordan = Caller(_user_id(demo, "jordan@example.org"), "patient")
    plan = plan_for(UnitOfWork(demo), jordan, jordan.user_id, TODAY)
    assert plan.result.boom_bust.flagged


def test_the_fibromyalgia_patient_grows_at_five_percent(demo: Engine) -> None:
    maria = Caller(_user_id(demo, "maria@example.org"), "patient")
    versions = prescription_history(UnitOfWork(demo), maria, maria.user_id)
    assert versions[-1].condition == "fibromyalgia"
    assert versions[-1].settings["progression_rate"] == 0.05


def test_the_steady_patient_progresses_and_has_a_changed_prescription(demo: Engine) -> None:
    sam = Caller(_user_id(demo, "sam@example.org"), "patient")
    versions = prescription_history(UnitOfWork(demo), sam, sam.user_id)
    assert [version.settings["main_kind"] for version in versions] == ["cycle", "walk"]
    plan = plan_for(UnitOfWork(demo), sam, sam.user_id, TODAY)
    decisions = [week.decision for week in plan.result.weeks]
    assert decisions.count(Decision.PROGRESS) >= 6
    assert not [alert for alert in plan.result.alerts if alert.cleared_on is None]


def test_every_patient_rates_their_own_goals_at_the_start_and_every_four_weeks(
    demo: Engine,
) -> None:
    for patient in DEMO_PATIENTS:
        patient_id = _user_id(demo, patient.email)
        with UnitOfWork(demo).reading() as uow:
            answered = uow.users.db.execute(
                select(
                    QuestionnaireResponse.answered_on,
                    QuestionnaireResponse.answers,
                    QuestionnaireResponse.score,
                )
                .where(
                    QuestionnaireResponse.patient_id == patient_id,
                    QuestionnaireResponse.instrument == "PSFS",
                )
                .order_by(QuestionnaireResponse.answered_on)
            ).all()
        start = TODAY - dt.timedelta(weeks=patient.weeks)
        assert [a.answered_on for a in answered][:2] == [start, start + dt.timedelta(days=27)]
        assert len(answered) == 1 + patient.weeks * 7 // 28, patient.email
        for answer in answered:
            named = [entry["activity"] for entry in answer.answers["activities"]]
            assert named == list(patient.goals)
        if patient.email == "maria@example.org":  # her pain eases over 14 weeks
            assert answered[-1].score - answered[0].score >= 2
