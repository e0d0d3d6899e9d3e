"""The clinician's pages through the real app on both databases (issue 5): the dashboard, the
patient page with "clear with note", the prescription form's preview and save, new patients."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from pacewise.adapters.db.models import PrescriptionVersion
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain.plan import next_week_start
from pacewise.services.access import Caller
from pacewise.services.accounts import add_user
from pacewise.services.activity_log import log_session
from pacewise.services.inputs import SessionInput
from pacewise.services.patient_records import submit_questionnaire
from pacewise.services.preferences import PreferencesInput, save_my_preferences
from tests.integration.conftest import CLINIC_START
from tests.web.conftest import PASSWORD, Site, csrf_of

DOCTOR = "doc@example.org"
YESTERDAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


class FormFields(HTMLParser):
    """What a browser would send from the form posting to `action`: inputs, checked boxes,
    selected options and textareas (the button is added by the test)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = found.get("action") == self.action
        elif not self.inside:
            return
        elif tag == "input" and "name" in found:
            if found.get("type") != "checkbox" or "checked" in found:
                self.fields.append((found["name"], found.get("value", "")))
        elif tag == "select" and "name" in found:
            self._select = found["name"]
        elif tag == "option" and self._select and "selected" in found:
            self.fields.append((self._select, found.get("value", "")))
        elif tag == "textarea" and "name" in found:
            self._textarea = found["name"]
            self.fields.append((found["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, _ = self.fields.pop()
            self.fields.append((name, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(html: str, action: str) -> list[tuple[str, str]]:
    parser = FormFields(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def changed(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    return [(name, values.get(name, value)) for name, value in fields]


def as_data(fields: list[tuple[str, str]], **more: str) -> dict[str, list[str]]:
    """The fields as the test client sends a form (a name may repeat)."""
    data: dict[str, list[str]] = {}
    for name, value in [*fields, *more.items()]:
        data.setdefault(name, []).append(value)
    return data


def add_patient(site: Site, email: str, clinician: str = DOCTOR) -> int:
    patient = add_user(
        UnitOfWork(site.engine), email, "patient", clinician_email=clinician, password=PASSWORD
    )
    with UnitOfWork(site.engine) as uow:
        uow.prescriptions.add(
            PrescriptionVersion(
                patient_id=patient.id, condition="low_back_pain", start_date=CLINIC_START
            )
        )
        uow.commit()
    return patient.id


def log_checkin(site: Site, patient_id: int, *codes: str) -> None:
    entry = SessionInput(date=YESTERDAY, minutes=10, checkin=codes)
    log_session(UnitOfWork(site.engine), Caller(patient_id, "patient"), patient_id, entry)


def versions_of(site: Site, patient_id: int) -> list[tuple[dt.date, dict[str, object], str]]:
    """Each saved version's date of effect, own settings and note, oldest first."""
    with UnitOfWork(site.engine) as uow:
        rows = uow.prescriptions.history(patient_id)
        return [(row.effective_from, dict(row.settings), row.note) for row in rows]


def patient_url(site: Site) -> str:
    return f"/clinician/patients/{site.patient}"


def test_dashboard_puts_a_stop_alert_first_and_says_why(site: Site) -> None:
    urgent = add_patient(site, "urgent@example.org")
    log_checkin(site, urgent, "chest_pain_or_breathless")
    page = site.signed_in(DOCTOR).get("/clinician")
    assert page.status_code == 200
    html = page.text
    assert html.index("urgent@example.org") < html.index("pat@example.org")
    assert f'href="/clinician/patients/{urgent}"' in html
    assert "STOP alert from" in html
    assert "chest pain" in html.lower()
    assert 'class="c-level c-level-stop">STOP alert<' in html
    assert html.count("c-level-stop") == 1


def test_dashboard_pages_through_patients(site: Site) -> None:
    for number in range(21):
        add_patient(site, f"p{number:02}@example.org")
    doctor = site.signed_in(DOCTOR)
    first = doctor.get("/clinician").text
    assert "of 22 patients" in first
    assert 'href="/clinician?offset=20#main"' in first
    second = doctor.get("/clinician?offset=20").text
    assert second.count('class="c-patient-card') == 2
    assert 'href="/clinician?offset=0#main"' in second


def test_only_the_clinician_in_charge_sees_a_patient(site: Site) -> None:
    add_user(UnitOfWork(site.engine), "other@example.org", "clinician", password=PASSWORD)
    other = site.signed_in("other@example.org")
    for path in ("", "/prescription"):
        assert other.get(patient_url(site) + path).status_code == 404
    assert "pat@example.org" not in other.get("/clinician").text
    patient = site.signed_in("pat@example.org")
    assert patient.get("/clinician").status_code == 404
    assert patient.get(patient_url(site)).status_code == 404
    assert site.signed_in(DOCTOR).get(patient_url(site)).status_code == 200


def test_patient_page_shows_plan_charts_weeks_sessions_results_and_who_viewed(
    site: Site,
) -> None:
    log_checkin(site, site.patient, "tired_muscles")
    answers = {"pain": 4, "enjoyment": 6, "activity": 5}
    submit_questionnaire(
        UnitOfWork(site.engine),
        Caller(site.patient, "patient"),
        site.patient,
        "PEG",
        YESTERDAY,
        answers,
    )
    page = site.signed_in(DOCTOR).get(patient_url(site))
    assert page.status_code == 200
    html = page.text
    assert "Why this week" in html
    assert re.search(r"Week \d+ · phase \d", html)
    assert "Week by week" in html
    assert "planned minutes" in html
    assert "Tired muscles while moving" in html
    assert html.count("<svg") == 2  # minutes and PEG; no pain ratings yet, so no pain chart
    assert "pr-chart-minutes" in html
    # a table that scrolls sideways on a phone can be reached with the keyboard
    assert html.count('class="c-table-wrap"') == html.count('tabindex="0" role="region"') == 4
    assert re.search(r"<td>PEG</td>\s*<td>[^<]+</td>\s*<td>5</td>", html)
    assert "Who viewed this record" in html
    assert "doc@example.org" in html  # this very visit is in the access log


def test_clearing_an_alert_needs_a_note_and_then_shows_it_cleared(site: Site) -> None:
    log_checkin(site, site.patient, "joint_swelling")
    doctor = site.signed_in(DOCTOR)
    page = doctor.get(patient_url(site)).text
    found = re.search(r'action="(/clinician/patients/\d+/alerts/(\d+)/clear)"', page)
    assert found is not None
    action = found.group(1)
    token = csrf_of(page)
    assert doctor.post(action, data={"note": "seen"}).status_code == 403
    empty = doctor.post(action, data={"csrf_token": token, "note": "   "})
    assert empty.status_code == 400
    assert "Must say why the alert is cleared" in empty.text
    assert f'id="note-{found.group(2)}-problem"' in empty.text
    done = doctor.post(action, data={"csrf_token": token, "note": "Swelling checked in clinic"})
    assert done.status_code == 303
    after = doctor.get(done.headers["location"]).text
    assert "The alert is cleared" in after
    assert "Swelling checked in clinic" in after
    assert action not in after


def test_a_patient_cannot_clear_an_alert(site: Site) -> None:
    log_checkin(site, site.patient, "joint_swelling")
    with UnitOfWork(site.engine) as uow:
        alert = uow.alerts.for_patient(site.patient)[0].id
    patient = site.signed_in("pat@example.org")
    token = csrf_of(patient.get("/today").text)
    answer = patient.post(
        f"{patient_url(site)}/alerts/{alert}/clear", data={"csrf_token": token, "note": "fine"}
    )
    assert answer.status_code == 404
    with UnitOfWork(site.engine) as uow:
        assert uow.alerts.for_patient(site.patient)[0].cleared_on is None


def test_prescription_form_is_filled_from_the_latest_version(site: Site) -> None:
    page = site.signed_in(DOCTOR).get(patient_url(site) + "/prescription")
    assert page.status_code == 200
    sent = form_of(page.text, patient_url(site) + "/prescription")
    fields = dict(sent)
    assert fields["condition"] == "low_back_pain"
    assert fields["baseline_minutes"] == "5"
    assert fields["progression_rate"] == "10"
    assert ("session_times", "10:00") in sent
    assert "<details" in page.text
    assert "Changes so far" in page.text


def test_the_history_says_who_saved_each_version(site: Site) -> None:
    choice = PreferencesInput.model_validate({"session_times": ["07:30"]})
    save_my_preferences(
        UnitOfWork(site.engine), Caller(site.patient, "patient"), choice, dt.date.today()
    )
    page = site.signed_in(DOCTOR).get(patient_url(site) + "/prescription").text
    assert "The patient (times and activity)" in page
    assert "Another clinician" not in page


def test_preview_shows_both_weeks_and_saves_nothing(site: Site) -> None:
    doctor = site.signed_in(DOCTOR)
    url = patient_url(site) + "/prescription"
    fields = form_of(doctor.get(url).text, url)
    sent = changed(fields, progression_rate="5", note="slower steps")
    answer = doctor.post(
        url,
        data=as_data(sent, action="preview"),
    )
    assert answer.status_code == 200
    assert "As things stand" in answer.text
    assert "If you save these settings" in answer.text
    assert answer.text.count('class="reason"') == 2
    assert 'value="5"' in answer.text
    assert "slower steps" in answer.text
    assert len(versions_of(site, site.patient)) == 1


def test_save_makes_a_version_from_the_next_plan_week(site: Site) -> None:
    doctor = site.signed_in(DOCTOR)
    url = patient_url(site) + "/prescription"
    fields = form_of(doctor.get(url).text, url)
    sent = changed(fields, baseline_minutes="8", note="can do more")
    answer = doctor.post(
        url,
        data=as_data(sent, action="save"),
    )
    assert answer.status_code == 303
    today = dt.datetime.now(dt.UTC).date()
    effective = next_week_start(CLINIC_START, today)
    assert answer.headers["location"] == f"{patient_url(site)}?saved={effective.isoformat()}"
    versions = versions_of(site, site.patient)
    assert len(versions) == 2
    # the other settings equal the profile's defaults, so they are not stored as changes
    assert versions[-1] == (effective, {"baseline_minutes": 8}, "can do more")
    shown = doctor.get(answer.headers["location"]).text
    assert f"applies from {effective.strftime('%A')} {effective.day}" in shown
    history = doctor.get(url).text
    assert "session length at the start 8 min" in history
    assert "can do more" in history


def test_an_invalid_setting_is_shown_at_its_field_and_keeps_what_was_typed(site: Site) -> None:
    doctor = site.signed_in(DOCTOR)
    url = patient_url(site) + "/prescription"
    fields = form_of(doctor.get(url).text, url)
    too_short = doctor.post(
        url,
        data=as_data(changed(fields, max_session_minutes="3"), action="save"),
    )
    assert too_short.status_code == 400
    problem = re.search(r'id="max_session_minutes-problem">([^<]+)<', too_short.text)
    assert problem is not None
    assert "Must be at least" in problem.group(1)
    assert 'name="max_session_minutes" type="text" inputmode="decimal" value="3"' in too_short.text
    not_a_number = doctor.post(
        url,
        data=as_data(changed(fields, sessions_per_week="three"), action="preview"),
    )
    assert not_a_number.status_code == 400
    assert re.search(r'id="sessions_per_week-problem">Must be a number', not_a_number.text)
    assert len(versions_of(site, site.patient)) == 1


def test_the_prescription_form_needs_its_token(site: Site) -> None:
    doctor = site.signed_in(DOCTOR)
    url = patient_url(site) + "/prescription"
    fields = [(n, v) for n, v in form_of(doctor.get(url).text, url) if n != "csrf_token"]
    answer = doctor.post(
        url,
        data=as_data(fields, action="save"),
    )
    assert answer.status_code == 403
    assert len(versions_of(site, site.patient)) == 1


def test_a_new_patient_gets_an_invite_link_that_works_once(site: Site) -> None:
    doctor = site.signed_in(DOCTOR)
    page = doctor.get("/clinician/new-patient").text
    data = {
        "csrf_token": csrf_of(page),
        "email": "New@Example.org",
        "display_name": "Nell New",
        "condition": "fibromyalgia",
        "start_date": "2026-11-30",
    }
    created = doctor.post("/clinician/new-patient", data=data)
    assert created.status_code == 200
    assert "works once, for 7 days" in created.text
    found = re.search(r'value="(http://testserver/invite/([^"]+))"', created.text)
    assert found is not None
    token = found.group(2)
    browser: TestClient = site.browser()
    accepted = browser.post(f"/invite/{token}", data={"password": PASSWORD, "again": PASSWORD})
    assert accepted.status_code == 303
    assert site.signed_in("new@example.org").get("/").headers["location"] == "/today"
    again = browser.post(f"/invite/{token}", data={"password": PASSWORD, "again": PASSWORD})
    assert again.status_code == 400
    assert "Nell New" in doctor.get("/clinician").text


def test_new_patient_problems_are_shown_at_their_fields(site: Site) -> None:
    doctor = site.signed_in(DOCTOR)
    token = csrf_of(doctor.get("/clinician/new-patient").text)
    data = {
        "csrf_token": token,
        "email": "pat@example.org",
        "display_name": "Twice",
        "condition": "low_back_pain",
        "start_date": "2026-11-30",
    }
    taken = doctor.post("/clinician/new-patient", data=data)
    assert taken.status_code == 400
    assert re.search(r'id="email-problem">[^<]*already has an account', taken.text)
    assert 'value="Twice"' in taken.text
    bad_day = doctor.post(
        "/clinician/new-patient", data={**data, "email": "x@example.org", "start_date": "soon"}
    )
    assert bad_day.status_code == 400
    assert re.search(r'id="start_date-problem">Must be a date', bad_day.text)
    assert doctor.post("/clinician/new-patient", data={**data, "csrf_token": ""}).status_code == 403


def test_a_patient_added_without_a_prescription_gets_their_first_from_the_form(
    site: Site,
) -> None:
    """`pacewise user add` makes a patient with no prescription: their clinician's form starts
    empty, the preview says nothing is planned yet, and the saved one starts the plan today
    (the page had answered with the API's 409 instead)."""
    patient = add_user(
        UnitOfWork(site.engine), "new@example.org", "patient", clinician_email=DOCTOR
    ).id
    doctor = site.signed_in(DOCTOR)
    assert doctor.get(f"/clinician/patients/{patient}").status_code == 200
    url = f"/clinician/patients/{patient}/prescription"
    page = doctor.get(url)
    assert page.status_code == 200, page.text
    fields = form_of(page.text, url)
    assert "condition" not in dict(fields)  # no profile chosen yet
    fields.append(("condition", "fibromyalgia"))
    preview = doctor.post(url, data=as_data(fields, action="preview"))
    assert preview.status_code == 200, preview.text
    assert "No plan yet: this is the first prescription" in preview.text
    assert preview.text.count('class="reason"') == 1
    assert versions_of(site, patient) == []
    saved = doctor.post(url, data=as_data(fields, action="save"))
    assert saved.status_code == 303, saved.text
    today = dt.datetime.now(dt.UTC).date()
    assert saved.headers["location"] == f"/clinician/patients/{patient}?saved={today}"
    # Empty fields take the profile's defaults; the variety boxes were left unticked.
    assert versions_of(site, patient) == [(today, {"variety_kinds": []}, "")]
    assert "This week" in doctor.get(saved.headers["location"]).text
