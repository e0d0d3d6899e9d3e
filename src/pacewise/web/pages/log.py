"""Logging a session with its check-in and triage result; daily pain, flares, acupuncture.

Every page calls the same services as the API: a session is logged and triaged by
`activity_log`, a check-in saved through `edit_session` (which triages again and raises the
clinician's alert once), flares and visits through `patient_records` (PROTOCOL.md 3, 4, 6).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from pacewise.domain import InvalidInput, Kind, Level
from pacewise.domain.cards import card
from pacewise.domain.triage import CHECKIN_LEVELS, CHECKIN_WORDS
from pacewise.services.activity_log import (
    AlreadyLogged,
    delete_session,
    edit_session,
    log_as_planned,
    log_session,
    rate_daily_pain,
)
from pacewise.services.inputs import SessionInput
from pacewise.services.patient_records import log_acupuncture, report_flare
from pacewise.services.plans import plan_for
from pacewise.services.records import NoPrescription
from pacewise.services.session_entries import checkin_result, session_entry
from pacewise.web.api.dependencies import Uow
from pacewise.web.pages.common import CheckedForm, PatientVisitor, Visitor, render
from pacewise.web.pages.log_forms import (
    DAYS_BACK,
    FEEL_FINE,
    SESSION_FIELDS,
    Typed,
    read_checkin,
    read_day,
    read_note,
    read_rating,
    read_session,
    sentence,
    session_changes,
    session_values,
    typed_values,
)

router = APIRouter(include_in_schema=False)

KIND_WORDS = {
    Kind.WALK: "Walking",
    Kind.CYCLE: "Cycling",
    Kind.SWIM: "Swimming",
    Kind.AQUATIC: "Exercise in water",
    Kind.STRETCH: "Stretching",
    Kind.STRENGTH: "Strength exercises",
    Kind.YOGA: "Yoga",
    Kind.TAI_CHI: "Tai chi",
    Kind.OTHER: "Something else",
}
KINDS = tuple((kind.value, KIND_WORDS.get(kind, kind.value.replace("_", " "))) for kind in Kind)
CHECKIN_GROUPS = (
    ("Normal signs of effort", Level.CONTINUE),
    ("Signs to talk over with your physician", Level.ASSESS),
    ("Signs to stop at once", Level.STOP),
)


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


def _no_plan(request: Request, visitor: Visitor) -> Response:
    return render(request, "no_plan.html", visitor, status_code=status.HTTP_409_CONFLICT)


# Sessions -----------------------------------------------------------------------------------


@router.post("/log/planned")
def done_as_planned(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    """One tap: today's planned session at the time sent, logged exactly as the plan asks."""
    at = form.get("at")
    try:
        plan = plan_for(uow, visitor.caller, visitor.user_id, visitor.today)
    except NoPrescription:
        return _no_plan(request, visitor)
    planned = next((p for p in plan.today if p.time.strftime("%H:%M") == at), None)
    if planned is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    entry = SessionInput(
        date=planned.date, minutes=planned.minutes, kind=planned.kind, start=planned.time
    )
    try:
        logged = log_as_planned(uow, visitor.caller, visitor.user_id, entry)
    except AlreadyLogged as first:
        return _see_other(f"/log/sessions/{first.session_id}/edit?already=1")
    return _see_other(f"/log/sessions/{logged.session_id}/checkin")


def _session_form(
    request: Request,
    visitor: Visitor,
    typed: Typed,
    action: str,
    editing: bool,
    status_code: int = 200,
    already: bool = False,
) -> Response:
    return render(
        request,
        "log_session.html",
        visitor,
        status_code=status_code,
        typed=typed,
        action=action,
        editing=editing,
        already=already,
        kinds=KINDS,
        earliest=visitor.today - dt.timedelta(days=DAYS_BACK),
    )


@router.get("/log/new")
def new_session_page(request: Request, visitor: PatientVisitor) -> Response:
    blank = dict.fromkeys(SESSION_FIELDS, "") | {
        "date": visitor.today.isoformat(),
        "kind": Kind.WALK.value,
    }
    return _session_form(request, visitor, Typed(blank), "/log/new", editing=False)


@router.post("/log/new")
def new_session_form(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    typed = typed_values(form, SESSION_FIELDS)
    entry = read_session(typed, visitor.today)
    if entry is None:
        return _session_form(request, visitor, typed, "/log/new", editing=False, status_code=400)
    try:
        logged = log_session(uow, visitor.caller, visitor.user_id, entry)
    except NoPrescription:
        return _no_plan(request, visitor)
    return _see_other(f"/log/sessions/{logged.session_id}/checkin")


@router.get("/log/sessions/{session_id}/edit")
def edit_session_page(
    request: Request, uow: Uow, visitor: PatientVisitor, session_id: int
) -> Response:
    stored = session_entry(uow, visitor.caller, visitor.user_id, session_id)
    action = f"/log/sessions/{session_id}/edit"
    already = request.query_params.get("already") == "1"
    return _session_form(
        request, visitor, Typed(session_values(stored)), action, editing=True, already=already
    )


@router.post("/log/sessions/{session_id}/edit")
def edit_session_form(
    request: Request, uow: Uow, visitor: PatientVisitor, session_id: int, form: CheckedForm
) -> Response:
    stored = session_entry(uow, visitor.caller, visitor.user_id, session_id)
    action = f"/log/sessions/{session_id}/edit"
    typed = typed_values(form, SESSION_FIELDS)
    moved = typed.values["date"] != stored.date.isoformat()
    entry = read_session(typed, visitor.today, check_day=moved)
    if entry is not None:
        changes = session_changes(entry, stored)
        try:
            if changes:
                edit_session(uow, visitor.caller, visitor.user_id, session_id, changes)
        except InvalidInput as problem:
            typed.problems[problem.field] = sentence(problem.message)
        else:
            return _see_other(f"/log/sessions/{session_id}/result")
    return _session_form(request, visitor, typed, action, editing=True, status_code=400)


@router.post("/log/sessions/{session_id}/delete")
def delete_session_form(
    uow: Uow, visitor: PatientVisitor, session_id: int, _form: CheckedForm
) -> Response:
    delete_session(uow, visitor.caller, visitor.user_id, session_id)
    return _see_other("/today?saved=deleted")


# Check-in and result ------------------------------------------------------------------------


def _checkin_page(
    request: Request,
    visitor: Visitor,
    session_id: int,
    ticked: tuple[str, ...],
    feel_fine: bool,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    groups = [
        (
            title,
            [
                (code, words)
                for code, words in CHECKIN_WORDS.items()
                if CHECKIN_LEVELS[code] is level
            ],
        )
        for title, level in CHECKIN_GROUPS
    ]
    return render(
        request,
        "checkin.html",
        visitor,
        status_code=status_code,
        session_id=session_id,
        groups=groups,
        ticked=ticked,
        feel_fine=feel_fine,
        feel_fine_code=FEEL_FINE,
        problem=problem,
    )


@router.get("/log/sessions/{session_id}/checkin")
def checkin_page(request: Request, uow: Uow, visitor: PatientVisitor, session_id: int) -> Response:
    stored = session_entry(uow, visitor.caller, visitor.user_id, session_id)
    return _checkin_page(request, visitor, session_id, stored.checkin, feel_fine=False)


@router.post("/log/sessions/{session_id}/checkin")
def checkin_form(
    request: Request, uow: Uow, visitor: PatientVisitor, session_id: int, form: CheckedForm
) -> Response:
    session_entry(uow, visitor.caller, visitor.user_id, session_id)
    codes, feel_fine, problem = read_checkin(form)
    if problem:
        return _checkin_page(request, visitor, session_id, codes, feel_fine, problem, 400)
    edit_session(uow, visitor.caller, visitor.user_id, session_id, {"checkin": list(codes)})
    return _see_other(f"/log/sessions/{session_id}/result")


@router.get("/log/sessions/{session_id}/result")
def result_page(request: Request, uow: Uow, visitor: PatientVisitor, session_id: int) -> Response:
    result = checkin_result(uow, visitor.caller, visitor.user_id, session_id)
    return render(
        request,
        "result.html",
        visitor,
        result=result,
        level=result.level.value,
        card=card(result.card) if result.card else None,
        words=CHECKIN_WORDS,
    )


# Daily pain, flares, acupuncture -------------------------------------------------------------


def _pain_page(
    request: Request, visitor: Visitor, typed: Typed, status_code: int = 200
) -> Response:
    yesterday = visitor.today - dt.timedelta(days=1)
    return render(
        request,
        "pain.html",
        visitor,
        status_code=status_code,
        typed=typed,
        days=((visitor.today, "Today"), (yesterday, "Yesterday")),
    )


@router.get("/pain")
def pain_page(request: Request, visitor: PatientVisitor) -> Response:
    typed = Typed({"date": visitor.today.isoformat(), "pain": ""})
    return _pain_page(request, visitor, typed)


@router.post("/pain")
def pain_form(request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm) -> Response:
    typed = typed_values(form, ("date", "pain"))
    day = read_day(typed, visitor.today, days_back=1, too_old="Please choose today or yesterday.")
    pain = read_rating(typed, "pain", required=True)
    if day is None or pain is None:
        return _pain_page(request, visitor, typed, status_code=400)
    try:
        raised = rate_daily_pain(uow, visitor.caller, visitor.user_id, day, pain)
    except NoPrescription:
        return _no_plan(request, visitor)
    return _see_other("/today?saved=" + ("pain-alert" if raised else "pain"))


def _flare_page(
    request: Request, visitor: Visitor, typed: Typed, status_code: int = 200
) -> Response:
    return render(request, "flare.html", visitor, status_code=status_code, typed=typed)


@router.get("/flare")
def flare_page(request: Request, visitor: PatientVisitor) -> Response:
    return _flare_page(request, visitor, Typed({"severe": "", "note": ""}))


@router.post("/flare")
def flare_form(request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm) -> Response:
    typed = typed_values(form, ("severe", "note"))
    if typed.values["severe"] not in ("yes", "no"):
        typed.problems["severe"] = "Please choose how bad the flare is."
    note = read_note(typed, "note")
    if not typed.ok:
        return _flare_page(request, visitor, typed, status_code=400)
    severe = typed.values["severe"] == "yes"
    try:
        report_flare(uow, visitor.caller, visitor.user_id, visitor.today, severe, note)
    except NoPrescription:
        return _no_plan(request, visitor)
    return _see_other("/flare/reported")


@router.get("/flare/reported")
def flare_reported_page(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    """What the flare does to next week, as the engine words it (PROTOCOL.md 4).

    The same reason `report_flare` returned: the plan of the week after this one, read again
    here so that the confirmation survives a reload without reporting the flare twice.
    """
    try:
        this_week = plan_for(uow, visitor.caller, visitor.user_id, visitor.today).week
        next_week = (
            plan_for(
                uow, visitor.caller, visitor.user_id, this_week.start + dt.timedelta(days=7)
            ).week
            if this_week
            else None
        )
    except NoPrescription:
        return _no_plan(request, visitor)
    return render(request, "flare_reported.html", visitor, next_week=next_week, card=card("flares"))


def _acupuncture_page(
    request: Request, visitor: Visitor, typed: Typed, status_code: int = 200
) -> Response:
    return render(request, "acupuncture.html", visitor, status_code=status_code, typed=typed)


ACUPUNCTURE_FIELDS = ("date", "pain_before", "pain_after", "notes")


@router.get("/acupuncture")
def acupuncture_page(request: Request, visitor: PatientVisitor) -> Response:
    typed = Typed(dict.fromkeys(ACUPUNCTURE_FIELDS, "") | {"date": visitor.today.isoformat()})
    return _acupuncture_page(request, visitor, typed)


@router.post("/acupuncture")
def acupuncture_form(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    typed = typed_values(form, ACUPUNCTURE_FIELDS)
    day = read_day(typed, visitor.today, days_back=None)
    before = read_rating(typed, "pain_before")
    after = read_rating(typed, "pain_after")
    notes = read_note(typed, "notes")
    if day is None or not typed.ok:
        return _acupuncture_page(request, visitor, typed, status_code=400)
    log_acupuncture(uow, visitor.caller, visitor.user_id, day, before, after, notes)
    return _see_other("/today?saved=acupuncture")
