"""The /api/v1 routes: parse, call one service, shape the answer. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response, status

from pacewise.domain import InvalidInput
from pacewise.domain.cards import all_cards
from pacewise.services.accounts import accept_invite, create_patient
from pacewise.services.activity_log import (
    SessionView,
    delete_session,
    edit_session,
    list_sessions,
    log_session,
    rate_daily_pain,
)
from pacewise.services.alerts import AlertView, clear_alert, list_alerts
from pacewise.services.clinician import patients_by_urgency
from pacewise.services.inputs import AcupunctureInput, IsoDate, SessionInput
from pacewise.services.my_data import delete_my_account, export_my_data
from pacewise.services.patient_records import (
    log_acupuncture,
    report_flare,
    submit_questionnaire,
)
from pacewise.services.plans import plan_for, week_history
from pacewise.services.preferences import (
    PreferencesInput,
    SavedPreferences,
    my_preferences,
    save_my_preferences,
)
from pacewise.services.prescriptions import (
    PrescriptionChangeInput,
    PrescriptionVersionView,
    change_prescription,
    prescription_history,
    preview_prescription,
)
from pacewise.services.records import NoPrescription
from pacewise.services.sign_in import ABSOLUTE_EXPIRY, SignInRefused, sign_in, sign_out
from pacewise.web.api.dependencies import (
    SESSION_COOKIE,
    CurrentCaller,
    Limit,
    Offset,
    RecordId,
    Uow,
)
from pacewise.web.api.refusals import NO_PRESCRIPTION, SIGN_IN_SLOWED
from pacewise.web.api.schemas import (
    CardOut,
    ClearIn,
    Created,
    DailyPainIn,
    FlareIn,
    FlareOut,
    InviteAcceptIn,
    Me,
    NewPatientIn,
    NewPatientOut,
    Page,
    PainRated,
    PatientListed,
    PlannedOut,
    PlanOut,
    PreferencesOut,
    PrescriptionPreviewOut,
    PrescriptionSavedOut,
    QuestionnaireIn,
    ScoreOut,
    SessionChanges,
    SessionLogged,
    SignedInOut,
    SignInIn,
    WeekOut,
    WeekSummaryOut,
)

router = APIRouter()


def _today() -> dt.date:
    """Today in UTC: the day the API's records and plans are read on."""
    return dt.datetime.now(dt.UTC).date()


def _not_ahead(day: dt.date, field: str) -> None:
    """Records may be dated up to a day ahead (time zones), never further (issue 4)."""
    if day > _today() + dt.timedelta(days=1):
        raise InvalidInput(field, f"must not be more than a day ahead, got {day.isoformat()}")


@router.get("/health", tags=["service"])
def health() -> dict[str, str]:
    """Liveness for load balancers and the benchmark's ceiling: no database, no caller."""
    return {"status": "ok"}


@router.get("/me")
def me(caller: CurrentCaller) -> Me:
    return Me(id=caller.user_id, role=caller.role)


@router.get("/me/export", tags=["patient"])
def get_my_data(caller: CurrentCaller, uow: Uow) -> dict[str, Any]:
    """Everything stored about me, as one JSON document."""
    return export_my_data(uow, caller)


@router.get("/me/preferences", responses=NO_PRESCRIPTION, tags=["patient"])
def get_my_preferences(caller: CurrentCaller, uow: Uow) -> PreferencesOut:
    """My newest times of day and preferred activity, and the plan week they apply from."""
    preferences = my_preferences(uow, caller)
    if preferences is None:
        raise NoPrescription(caller.user_id)
    return PreferencesOut.of(preferences)


@router.put("/me/preferences", responses=NO_PRESCRIPTION, tags=["patient"])
def put_my_preferences(body: PreferencesInput, caller: CurrentCaller, uow: Uow) -> SavedPreferences:
    """Save my times of day and preferred activity. They apply from the next plan week; the
    amount of activity stays as the clinician prescribed."""
    return save_my_preferences(uow, caller, body, _today())


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def delete_me(caller: CurrentCaller, uow: Uow) -> None:
    """Delete my account and all my health data; the audit log keeps only that it happened."""
    delete_my_account(uow, caller)


@router.post(
    "/patients/{patient_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    tags=["patient"],
    responses=NO_PRESCRIPTION,
)
def post_session(
    patient_id: RecordId, entry: SessionInput, caller: CurrentCaller, uow: Uow
) -> SessionLogged:
    """Log a session with its check-in; returns the triage result and the card to show."""
    _not_ahead(entry.date, "date")
    logged = log_session(uow, caller, patient_id, entry)
    return SessionLogged.of(logged)


@router.put("/patients/{patient_id}/daily-pain", responses=NO_PRESCRIPTION, tags=["patient"])
def put_daily_pain(
    patient_id: RecordId, rating: DailyPainIn, caller: CurrentCaller, uow: Uow
) -> PainRated:
    """Rate today's (or a past day's) pain; a new rating of the same day replaces the old."""
    _not_ahead(rating.date, "date")
    raised = rate_daily_pain(uow, caller, patient_id, rating.date, rating.pain)
    return PainRated(date=rating.date, pain=rating.pain, alerts_raised=raised)


@router.get("/patients/{patient_id}/plan", responses=NO_PRESCRIPTION, tags=["patient"])
def get_plan(
    patient_id: RecordId,
    caller: CurrentCaller,
    uow: Uow,
    day: Annotated[IsoDate | None, Query(alias="date")] = None,
) -> PlanOut:
    """The plan on a day (default today, UTC): this week's quota and reason, today's sessions."""
    view = plan_for(uow, caller, patient_id, day or _today())
    return PlanOut(
        day=view.day,
        week=WeekOut.of(view.week) if view.week else None,
        today=[PlannedOut.of(p) for p in view.today],
        in_acupuncture_window=view.in_acupuncture_window,
    )


@router.get(
    "/patients/{patient_id}/weeks", responses=NO_PRESCRIPTION, tags=["patient", "clinician"]
)
def get_weeks(
    patient_id: RecordId,
    caller: CurrentCaller,
    uow: Uow,
    limit: Limit = 12,
    offset: Offset = 0,
    day: Annotated[IsoDate | None, Query(alias="date")] = None,
) -> Page[WeekSummaryOut]:
    """The plan weeks up to a day (default today), newest first: planned and done minutes,
    pain, flares, alerts and visits, each week summed up in words."""
    summaries, total = week_history(uow, caller, patient_id, day or _today(), limit, offset)
    items = [WeekSummaryOut.of(summary) for summary in summaries]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/patients/{patient_id}/prescription", tags=["patient", "clinician"])
def get_prescription(
    patient_id: RecordId, caller: CurrentCaller, uow: Uow, limit: Limit = 50, offset: Offset = 0
) -> Page[PrescriptionVersionView]:
    """The prescription's versions, newest first (the first is the latest saved): every
    setting, who changed it, when, and from which day it applies."""
    versions = prescription_history(uow, caller, patient_id)
    page = versions[offset : offset + limit]
    return Page(items=page, total=len(versions), limit=limit, offset=offset)


@router.post("/patients/{patient_id}/prescription/preview", tags=["clinician"])
def post_prescription_preview(
    patient_id: RecordId, body: PrescriptionChangeInput, caller: CurrentCaller, uow: Uow
) -> PrescriptionPreviewOut:
    """What next week would be under these settings, beside what it is now; nothing is saved."""
    return PrescriptionPreviewOut.of(preview_prescription(uow, caller, patient_id, body, _today()))


@router.post(
    "/patients/{patient_id}/prescription",
    status_code=status.HTTP_201_CREATED,
    tags=["clinician"],
)
def post_prescription(
    patient_id: RecordId, body: PrescriptionChangeInput, caller: CurrentCaller, uow: Uow
) -> PrescriptionSavedOut:
    """Save a new prescription (the clinician in charge only). It applies from the next plan
    week, so the week under way never changes; the answer shows that week under it."""
    version, preview = change_prescription(uow, caller, patient_id, body, _today())
    return PrescriptionSavedOut(version=version, preview=PrescriptionPreviewOut.of(preview))


@router.get("/patients/{patient_id}/alerts", tags=["patient", "clinician"])
def get_alerts(
    patient_id: RecordId,
    caller: CurrentCaller,
    uow: Uow,
    limit: Limit = 50,
    offset: Offset = 0,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> Page[AlertView]:
    """Alerts, newest first; `open=true` lists only those not yet cleared."""
    views, total = list_alerts(uow, caller, patient_id, limit, offset, open_only)
    return Page(items=list(views), total=total, limit=limit, offset=offset)


@router.post("/patients/{patient_id}/alerts/{alert_id}/clear", tags=["clinician"])
def post_clear_alert(
    patient_id: RecordId, alert_id: RecordId, body: ClearIn, caller: CurrentCaller, uow: Uow
) -> AlertView:
    """A clinician in charge clears an alert with a note."""
    return clear_alert(uow, caller, patient_id, alert_id, body.note, _today())


@router.get("/clinician/patients", tags=["clinician"])
def get_my_patients(
    caller: CurrentCaller, uow: Uow, limit: Limit = 50, offset: Offset = 0
) -> Page[PatientListed]:
    """The patients in my care, most urgent first (uncleared STOP, then ASSESS alerts, recent
    flares, boom and bust, low adherence, questionnaires overdue), each with its reasons."""
    listed, total = patients_by_urgency(uow, caller, _today(), limit, offset)
    items = [
        PatientListed(id=p.id, email=p.email, display_name=p.display_name, reasons=list(p.reasons))
        for p in listed
    ]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.post("/clinician/patients", status_code=status.HTTP_201_CREATED, tags=["clinician"])
def post_new_patient(body: NewPatientIn, caller: CurrentCaller, uow: Uow) -> NewPatientOut:
    """Create a patient in my care, with the condition profile's prescription; the answer holds
    a one-time invite link (valid 7 days) for the patient to set a password."""
    created = create_patient(
        uow,
        caller,
        body.email,
        display_name=body.display_name,
        condition=body.condition.value,
        start_date=body.start_date,
    )
    return NewPatientOut(
        id=created.id,
        email=created.email,
        invite_url=f"/invite/{created.invite_token}",
        invite_expires_at=created.invite_expires_at,
    )


@router.post("/invites/{token}", status_code=status.HTTP_204_NO_CONTENT, tags=["patient"])
def post_accept_invite(token: str, body: InviteAcceptIn, uow: Uow) -> None:
    """Set my password with the invite link; the link then stops working."""
    accept_invite(uow, token, body.password)


@router.post(
    "/patients/{patient_id}/flares",
    responses=NO_PRESCRIPTION,
    status_code=status.HTTP_201_CREATED,
    tags=["patient"],
)
def post_flare(patient_id: RecordId, body: FlareIn, caller: CurrentCaller, uow: Uow) -> FlareOut:
    """Report a flare; the answer says what happens to next week's plan."""
    _not_ahead(body.date, "date")
    logged = report_flare(uow, caller, patient_id, body.date, body.severe, body.note)
    return FlareOut(id=logged.id, next_week=logged.next_week_reason)


@router.post(
    "/patients/{patient_id}/acupuncture", status_code=status.HTTP_201_CREATED, tags=["patient"]
)
def post_acupuncture(
    patient_id: RecordId, body: AcupunctureInput, caller: CurrentCaller, uow: Uow
) -> Created:
    _not_ahead(body.date, "date")
    visit = log_acupuncture(
        uow, caller, patient_id, body.date, body.pain_before, body.pain_after, body.notes
    )
    return Created(id=visit)


@router.post(
    "/patients/{patient_id}/questionnaires/{instrument}",
    status_code=status.HTTP_201_CREATED,
    tags=["patient"],
)
def post_questionnaire(
    patient_id: RecordId, instrument: str, body: QuestionnaireIn, caller: CurrentCaller, uow: Uow
) -> ScoreOut:
    """Submit PEG, PSFS, TSK11 or PGIC answers; returns the score (MEASURES.md)."""
    _not_ahead(body.date, "date")
    score = submit_questionnaire(uow, caller, patient_id, instrument, body.date, body.answers)
    return ScoreOut(instrument=instrument, score=score)


@router.get("/cards", tags=["education"])
def get_cards() -> list[CardOut]:
    """Every education card, in the order they are listed to a patient."""
    return [
        CardOut(id=c.id, title=c.title, summary=c.summary, body=c.body, source=c.source)
        for c in all_cards()
    ]


@router.get("/patients/{patient_id}/sessions", tags=["patient", "clinician"])
def get_sessions(
    patient_id: RecordId,
    caller: CurrentCaller,
    uow: Uow,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[SessionView]:
    """Sessions, newest first, a page at a time."""
    views, total = list_sessions(uow, caller, patient_id, limit, offset)
    return Page(items=views, total=total, limit=limit, offset=offset)


@router.delete(
    "/patients/{patient_id}/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["patient"],
)
def delete_a_session(
    patient_id: RecordId, session_id: RecordId, caller: CurrentCaller, uow: Uow
) -> None:
    delete_session(uow, caller, patient_id, session_id)


@router.post("/session", tags=["account"], responses=SIGN_IN_SLOWED)
def post_session_sign_in(
    body: SignInIn, request: Request, response: Response, uow: Uow
) -> SignedInOut:
    """Sign in with e-mail and password: sets the session cookie and returns the CSRF token to
    send back in X-CSRF-Token on every state-changing request."""
    address = request.client.host if request.client else ""
    try:
        signed = sign_in(uow, body.email, body.password, address)
    except SignInRefused as refused:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        code = (
            status.HTTP_429_TOO_MANY_REQUESTS
            if refused.retry_after
            else status.HTTP_401_UNAUTHORIZED
        )
        raise HTTPException(code, refused.message, headers=headers) from None
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        max_age=int(ABSOLUTE_EXPIRY.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return SignedInOut(
        id=signed.caller.user_id, role=signed.caller.role, csrf_token=signed.csrf_token
    )


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, tags=["account"])
def delete_session_sign_out(
    request: Request, response: Response, uow: Uow, _caller: CurrentCaller
) -> None:
    """Sign out: the session ends on the server and the cookie is removed. Like every change
    made with the cookie, it needs the session's CSRF token, so no other site can sign you out."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sign_out(uow, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.patch(
    "/patients/{patient_id}/sessions/{session_id}", responses=NO_PRESCRIPTION, tags=["patient"]
)
def patch_session(
    patient_id: RecordId,
    session_id: RecordId,
    body: SessionChanges,
    caller: CurrentCaller,
    uow: Uow,
) -> SessionLogged:
    """Change a session (only the fields sent); returns the new triage result."""
    changes = body.model_dump(exclude_unset=True)
    for field in ("date", "minutes", "kind"):
        if field in changes and changes[field] is None:
            raise InvalidInput(field, "cannot be emptied")
    if "date" in changes:
        _not_ahead(changes["date"], "date")
    if "kind" in changes:
        changes["kind"] = changes["kind"].value
    if "minutes" in changes:
        changes["minutes"] = float(changes["minutes"])
    logged = edit_session(uow, caller, patient_id, session_id, changes)
    return SessionLogged.of(logged)
