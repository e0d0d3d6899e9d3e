"""Issue 5's main flow in a real browser: a patient logs a session and answers a check-in that
asks for a review (ASSESS); the result page says what to tell the physician; the clinician finds
that patient at the top of the dashboard and clears the alert with a note; the patient's plan is
no longer paused (PROTOCOL.md 3). On a desktop, on a phone, and with JavaScript off; every page
is checked for console errors and (with JavaScript on) by axe-core.

Each run gets a clinic of its own, a new clinician with two patients, so what one run changes
never meets another: the demo clinic on the same server stays as it was.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import prescription_for
from pacewise.services.access import Caller
from pacewise.services.accounts import add_user
from pacewise.services.demo_patients import Behaviour, DemoPatient, SamplePatient
from pacewise.services.demo_seed import DEMO_PASSWORD, seed_patient
from tests.browser.conftest import Watched, path_of
from tests.browser.live_server import LiveServer


@dataclass(frozen=True, slots=True)
class SmallClinic:
    clinician: str
    patient: str
    patient_name: str
    today: dt.date


def _small_clinic(server: LiveServer) -> SmallClinic:
    """A clinician and two patients who started two weeks ago and did their plans: today is the
    first day of plan week 3, decided now from week 2's records (PROTOCOL.md 2, rule 1)."""
    tag = uuid.uuid4().hex[:8]
    today = dt.datetime.now(dt.UTC).date()  # the patients' time zone is UTC
    clinician = f"doc-{tag}@example.org"
    doctor = add_user(UnitOfWork(server.engine), clinician, "clinician", password=DEMO_PASSWORD)
    names = {f"flow-{tag}@example.org": f"Alex Flow {tag}", f"calm-{tag}@example.org": "Kim Calm"}
    for seed, (email, name) in enumerate(names.items()):
        sample = SamplePatient(name, prescription_for("low_back_pain"), Behaviour(adherence=1.0))
        seed_patient(
            server.engine,
            Caller(doctor.id, "clinician"),
            DemoPatient(email, sample, weeks=3, seed=seed),
            today,
            start=today - dt.timedelta(days=14),
        )
    flow = next(iter(names))
    return SmallClinic(clinician, flow, names[flow], today)


RUNS = [
    pytest.param("desktop", True, id="desktop"),
    pytest.param("phone", True, id="phone"),
    pytest.param("phone", False, id="phone-no-javascript"),
]


@pytest.mark.parametrize(("viewport", "javascript"), RUNS)
def test_assess_check_in_alerts_the_clinician_who_clears_it_and_the_plan_moves_on(
    open_page: Callable[..., Watched], server: LiveServer, viewport: str, javascript: bool
) -> None:
    clinic = _small_clinic(server)

    patient = open_page(viewport, javascript=javascript)
    patient.sign_in(clinic.patient)
    assert path_of(patient.page.url) == "/today"
    assert "Paused" not in _reason(patient)
    patient.check()

    # A session two days ago (last plan week) whose pain kept getting worse.
    patient.page.get_by_role("link", name="Log something else").click()
    assert path_of(patient.page.url) == "/log/new"
    patient.check()
    two_days_ago = clinic.today - dt.timedelta(days=2)
    patient.page.get_by_label("Day").fill(two_days_ago.isoformat())
    patient.page.get_by_label("Start time").fill("09:30")
    patient.page.get_by_label("Minutes").fill("8")
    patient.page.get_by_label("What you did").select_option("walk")
    patient.page.get_by_label("Pain before").select_option("4")
    patient.page.get_by_label("Pain after").select_option("5")
    patient.page.get_by_role("button", name="Save and check in").click()
    assert path_of(patient.page.url).endswith("/checkin")
    patient.check()
    patient.page.get_by_label("Pain kept getting worse while I moved").check()
    patient.page.get_by_role("button", name="Save my check-in").click()
    assert path_of(patient.page.url).endswith("/result")
    heading = patient.page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Talk to your physician before doing more"
    assert patient.page.get_by_text("Pain kept getting worse while I moved").first.is_visible()
    patient.check()

    # This week was decided with last week's alert still open: the plan is paused.
    patient.page.get_by_role("link", name="Back to today").click()
    assert path_of(patient.page.url) == "/today"
    assert "Paused" in _reason(patient)

    # The clinician sees that patient first, opens the record and clears the alert.
    doctor = open_page(viewport, javascript=javascript)
    doctor.sign_in(clinic.clinician)
    assert path_of(doctor.page.url) == "/clinician"
    first = doctor.page.locator("a[href^='/clinician/patients/']").first
    assert first.inner_text() == clinic.patient_name
    doctor.check()
    first.click()
    assert path_of(doctor.page.url).startswith("/clinician/patients/")
    doctor.check()
    doctor.page.get_by_label("Note: why it can be cleared").fill(
        "Saw her today: a muscle strain, fine to carry on at this level."
    )
    doctor.page.get_by_role("button", name="Clear with note").click()
    assert doctor.page.get_by_text("The alert is cleared, with your note.").is_visible()
    assert doctor.page.get_by_role("button", name="Clear with note").count() == 0
    doctor.check()

    # Cleared on the week's first day, the pause is lifted: the week holds (an alert was raised
    # in the week before it) and the plan moves on from here. (A clearance later in a week
    # never rewrites that week: the next one moves on.)
    patient.page.reload()
    reason = _reason(patient)
    assert "Paused" not in reason
    assert "cleared" in reason
    patient.check()


def _reason(browser: Watched) -> str:
    return browser.page.locator(".reason").inner_text()
