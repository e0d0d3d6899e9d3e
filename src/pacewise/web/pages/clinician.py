"""The clinician's pages: the dashboard, a patient's page, the prescription form, new patients.

Each page calls the same services as the JSON API (issue 4), which check that the patient is in
the clinician's care (anyone else gets "not found") and write every view to the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from pydantic import ValidationError
from starlette.responses import Response

from pacewise.domain import InvalidInput
from pacewise.domain.triage import CHECKIN_WORDS
from pacewise.services.access import Caller
from pacewise.services.accounts import INVITE_VALID_FOR, create_patient
from pacewise.services.activity_log import list_sessions
from pacewise.services.alerts import clear_alert, list_alerts
from pacewise.services.audit_views import who_viewed
from pacewise.services.clinician import patients_by_urgency
from pacewise.services.patient_overview import patient_card, questionnaire_results
from pacewise.services.plans import plan_for, week_history
from pacewise.services.prescriptions import (
    PrescriptionPreview,
    change_prescription,
    prescription_history,
    preview_prescription,
)
from pacewise.services.progress import progress_records
from pacewise.services.records import NoPrescription
from pacewise.web.api.dependencies import Uow
from pacewise.web.api.schemas import NewPatientIn
from pacewise.web.charts import minutes_chart, pain_chart, score_chart
from pacewise.web.pages import prescription_form
from pacewise.web.pages.common import CheckedForm, ClinicianVisitor, Visitor, render

router = APIRouter(include_in_schema=False)

PATIENTS_PER_PAGE = 20
WEEKS_PER_PAGE = 6
SESSIONS_PER_PAGE = 10
ALERTS_PER_PAGE = 20
VIEWERS_PER_PAGE = 10
RESULTS_PER_PAGE = 10
CHART_WEEKS = 12
"""The charts show the last 12 plan weeks, as on the patient's own Progress page."""

INSTRUMENT_NAMES = {"PEG": "PEG", "PSFS": "PSFS", "TSK11": "TSK-11", "PGIC": "PGIC"}

Skip = Annotated[int, Query(ge=0, le=2**31 - 1)]


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


def _sentence(message: str) -> str:
    """A service's message ("must say why ...") as a sentence on the page."""
    text = message.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# The dashboard ------------------------------------------------------------------------------


@router.get("/clinician")
def dashboard(request: Request, uow: Uow, visitor: ClinicianVisitor, offset: Skip = 0) -> Response:
    """Patients in care, most urgent first, each with why (services.clinician)."""
    listed, total = patients_by_urgency(
        uow, visitor.caller, visitor.today, PATIENTS_PER_PAGE, offset
    )
    return render(
        request,
        "clinician_dashboard.html",
        visitor,
        patients=listed,
        total=total,
        offset=offset,
        limit=PATIENTS_PER_PAGE,
    )


# The patient page ---------------------------------------------------------------------------


@router.get("/clinician/patients/{patient_id}")
def patient_page(
    request: Request,
    uow: Uow,
    visitor: ClinicianVisitor,
    patient_id: int,
    weeks: Skip = 0,
    sessions: Skip = 0,
    alerts: Skip = 0,
    viewers: Skip = 0,
    results: Skip = 0,
    saved: dt.date | None = None,
    cleared: int | None = None,
) -> Response:
    paging = {
        "weeks": weeks,
        "sessions": sessions,
        "alerts": alerts,
        "viewers": viewers,
        "results": results,
    }
    return _patient_page(request, uow, visitor, patient_id, paging, saved=saved, cleared=cleared)


@router.post("/clinician/patients/{patient_id}/alerts/{alert_id}/clear")
def clear_alert_form(
    request: Request,
    uow: Uow,
    visitor: ClinicianVisitor,
    form: CheckedForm,
    patient_id: int,
    alert_id: int,
) -> Response:
    """Clear an alert with a note (services.alerts.clear_alert); the note is required."""
    note = form.get("note")
    note_text = note if isinstance(note, str) else ""
    try:
        clear_alert(uow, visitor.caller, patient_id, alert_id, note_text, visitor.today)
    except InvalidInput as problem:
        return _patient_page(
            request,
            uow,
            visitor,
            patient_id,
            {},
            status_code=status.HTTP_400_BAD_REQUEST,
            clear_problem=(alert_id, _sentence(problem.message), note_text),
        )
    return _see_other(f"/clinician/patients/{patient_id}?cleared={alert_id}#alerts")


def _patient_page(
    request: Request,
    uow: Uow,
    visitor: Visitor,
    patient_id: int,
    paging: dict[str, int],
    *,
    status_code: int = status.HTTP_200_OK,
    saved: dt.date | None = None,
    cleared: int | None = None,
    clear_problem: tuple[int, str, str] | None = None,
) -> Response:
    caller, today = visitor.caller, visitor.today
    patient = patient_card(uow, caller, patient_id)
    alert_views, alert_total = list_alerts(
        uow, caller, patient_id, ALERTS_PER_PAGE, paging.get("alerts", 0)
    )
    try:
        plan = plan_for(uow, caller, patient_id, today)
        summaries, week_total = week_history(
            uow, caller, patient_id, today, WEEKS_PER_PAGE, paging.get("weeks", 0)
        )
        charts = _charts(uow, caller, patient_id, today)
    except NoPrescription:
        plan, summaries, week_total, charts = None, [], 0, []
    session_views, session_total = list_sessions(
        uow, caller, patient_id, SESSIONS_PER_PAGE, paging.get("sessions", 0)
    )
    results, result_total = questionnaire_results(
        uow, caller, patient_id, RESULTS_PER_PAGE, paging.get("results", 0)
    )
    accesses, access_total = who_viewed(
        uow, caller, patient_id, VIEWERS_PER_PAGE, paging.get("viewers", 0)
    )
    return render(
        request,
        "clinician_patient.html",
        visitor,
        status_code=status_code,
        patient=patient,
        plan=plan,
        charts=charts,
        summaries=summaries,
        week_total=week_total,
        sessions=session_views,
        session_total=session_total,
        alerts=alert_views,
        alert_total=alert_total,
        results=results,
        result_total=result_total,
        accesses=accesses,
        access_total=access_total,
        paging=paging,
        per_page={
            "weeks": WEEKS_PER_PAGE,
            "sessions": SESSIONS_PER_PAGE,
            "alerts": ALERTS_PER_PAGE,
            "viewers": VIEWERS_PER_PAGE,
            "results": RESULTS_PER_PAGE,
        },
        checkin_words=CHECKIN_WORDS,
        instrument_names=INSTRUMENT_NAMES,
        saved=saved,
        cleared=cleared,
        clear_problem=clear_problem,
    )


def _charts(uow: Uow, caller: Caller, patient_id: int, today: dt.date) -> list[Markup]:
    """The Progress page's charts (web.charts) over the last CHART_WEEKS plan weeks: planned
    vs done minutes, daily pain with flares and acupuncture visits, and the PEG over time."""
    weeks, _ = week_history(uow, caller, patient_id, today, CHART_WEEKS, 0)
    records = progress_records(uow, caller, patient_id, today)
    charted = weeks[::-1]
    since = charted[0].week.start if charted else today
    return [
        minutes_chart([(s.week.week, s.planned_minutes, s.done_minutes) for s in charted]),
        pain_chart(
            [(day, pain) for day, pain in records.daily_pain if day >= since],
            [flare.date for flare in records.flares if flare.date >= since],
            [visit for visit in records.visits if visit >= since],
        ),
        score_chart([(a.answered_on, a.score) for a in records.answers_to("PEG")]),
    ]


# The prescription form ----------------------------------------------------------------------


@router.get("/clinician/patients/{patient_id}/prescription")
def prescription_page(
    request: Request, uow: Uow, visitor: ClinicianVisitor, patient_id: int
) -> Response:
    """The form, pre-filled from the latest version, and the history of versions."""
    return _prescription_page(request, uow, visitor, patient_id)


@router.post("/clinician/patients/{patient_id}/prescription")
def prescription_form_sent(
    request: Request,
    uow: Uow,
    visitor: ClinicianVisitor,
    form: CheckedForm,
    patient_id: int,
) -> Response:
    """ "Preview next week" shows next week now and if saved; "Save" saves from the next week."""
    values = prescription_form.values_of_form(form)
    parsed = prescription_form.parse(values)
    if parsed.change is None:
        return _prescription_page(
            request, uow, visitor, patient_id, values, problems=parsed.problems
        )
    try:
        if form.get("action") == "save":
            version, _ = change_prescription(
                uow, visitor.caller, patient_id, parsed.change, visitor.today
            )
            day = version.effective_from.isoformat()
            return _see_other(f"/clinician/patients/{patient_id}?saved={day}")
        preview = preview_prescription(
            uow, visitor.caller, patient_id, parsed.change, visitor.today
        )
    except InvalidInput as problem:
        problems = prescription_form.problems_of(problem)
        return _prescription_page(request, uow, visitor, patient_id, values, problems=problems)
    return _prescription_page(request, uow, visitor, patient_id, values, preview=preview)


def _prescription_page(
    request: Request,
    uow: Uow,
    visitor: Visitor,
    patient_id: int,
    values: dict[str, Any] | None = None,
    *,
    problems: dict[str, str] | None = None,
    preview: PrescriptionPreview | None = None,
) -> Response:
    patient = patient_card(uow, visitor.caller, patient_id)
    versions = prescription_history(uow, visitor.caller, patient_id)
    if values is None:  # a patient added without a prescription starts from an empty form
        latest = versions[0] if versions else None
        values = prescription_form.values_of_settings(
            latest.condition if latest else "", latest.settings if latest else {}
        )
    problems = {name: _sentence(message) for name, message in (problems or {}).items()}
    return render(
        request,
        "clinician_prescription.html",
        visitor,
        status_code=status.HTTP_400_BAD_REQUEST if problems else status.HTTP_200_OK,
        patient=patient,
        values=values,
        time_slots=prescription_form.time_slots(values),
        problems=problems,
        preview=preview,
        versions=versions,
        describe=prescription_form.describe,
        main_fields=prescription_form.MAIN_FIELDS,
        advanced_fields=prescription_form.ADVANCED_FIELDS,
        advanced_open=any(field.name in problems for field in prescription_form.ADVANCED_FIELDS),
        conditions=prescription_form.CONDITIONS,
        kinds=prescription_form.KINDS,
    )


# A new patient ------------------------------------------------------------------------------

NEW_PATIENT_FIELDS = ("email", "display_name", "condition", "start_date")


@router.get("/clinician/new-patient")
def new_patient_page(request: Request, visitor: ClinicianVisitor) -> Response:
    values = {"email": "", "display_name": "", "condition": "", "start_date": ""}
    values["start_date"] = visitor.today.isoformat()
    return _new_patient_page(request, visitor, values)


@router.post("/clinician/new-patient")
def new_patient_form(
    request: Request, uow: Uow, visitor: ClinicianVisitor, form: CheckedForm
) -> Response:
    """Create the patient and show the one-time invite link (shown here once, never again,
    so this answer is a page rather than a redirect: the link must not sit in an address)."""
    values = {name: _form_text(form.get(name)) for name in NEW_PATIENT_FIELDS}
    try:
        entry = NewPatientIn.model_validate(values)
        created = create_patient(
            uow,
            visitor.caller,
            entry.email,
            display_name=entry.display_name,
            condition=entry.condition.value,
            start_date=entry.start_date,
        )
    except ValidationError as error:
        problems = {
            str(problem["loc"][0]): _sentence(problem["msg"].replace("Input should be", "must be"))
            for problem in reversed(error.errors())
        }
        return _new_patient_page(request, visitor, values, problems)
    except InvalidInput as problem:
        return _new_patient_page(
            request, visitor, values, {problem.field: _sentence(problem.message)}
        )
    invite_url = f"{request.base_url}invite/{created.invite_token}"
    return render(
        request,
        "clinician_invite.html",
        visitor,
        created=created,
        invite_url=invite_url,
        valid_days=INVITE_VALID_FOR.days,
    )


def _new_patient_page(
    request: Request,
    visitor: Visitor,
    values: dict[str, str],
    problems: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "clinician_new_patient.html",
        visitor,
        status_code=status.HTTP_400_BAD_REQUEST if problems else status.HTTP_200_OK,
        values=values,
        problems=problems or {},
        conditions=prescription_form.CONDITIONS,
    )


def _form_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
