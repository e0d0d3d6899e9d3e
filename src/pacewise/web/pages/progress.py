"""Progress charts, questionnaires, the Learn cards and the patient's settings (issue 5).

Every number shown comes from the services the JSON API calls (`week_history`,
`submit_questionnaire`, `export_my_data`, ...); this module parses forms, picks templates and
hands plain data to `web.charts`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from pacewise.domain import InvalidInput
from pacewise.domain.cards import CARD_IDS, all_cards, card
from pacewise.domain.questionnaire_words import (
    PSFS_ANCHORS,
    PSFS_SOURCE,
    TSK11_ANSWERS,
    TSK11_SOURCE,
    TSK11_STATEMENTS,
)
from pacewise.domain.questionnaires_due import INSTRUMENT_NAMES
from pacewise.domain.scoring import PEG_ITEMS, PGIC_ANCHORS, PGIC_VERSION, PSFS_MAX_ACTIVITIES
from pacewise.services.account_settings import (
    TooManyTries,
    WrongPassword,
    change_password,
    set_time_zone,
    time_zones,
)
from pacewise.services.calendar_feeds import feed_state
from pacewise.services.my_data import delete_my_account, export_my_data
from pacewise.services.patient_records import submit_questionnaire
from pacewise.services.plans import week_history
from pacewise.services.preferences import (
    PreferencesInput,
    PreferencesView,
    my_preferences,
    save_my_preferences,
)
from pacewise.services.progress import ProgressRecords, progress_records
from pacewise.services.records import NoPrescription
from pacewise.web.api.dependencies import SESSION_COOKIE, Uow
from pacewise.web.charts import minutes_chart, pain_chart, score_chart
from pacewise.web.pages.common import CheckedForm, PatientVisitor, Visitor, render
from pacewise.web.pages.log import KINDS

router = APIRouter(include_in_schema=False)

CHART_WEEKS = 12
"""The charts on the Progress page show the last 12 plan weeks (the phases 1-3 of a programme)."""
RECENT_WEEKS = 8
ALL_WEEKS = 10_000

SCALES: dict[str, tuple[float, float, str]] = {
    "PEG": (0, 10, "lower is better"),
    "PSFS": (0, 10, "higher is better"),
    "TSK11": (11, 44, "lower is better"),
    "PGIC": (1, 7, "higher is better"),
}
"""Each instrument's range and good direction, for its chart (MEASURES.md)."""

SCORE_TITLES = {
    "PEG": "PEG score",
    "PSFS": "Average activity rating",
    "TSK11": "TSK-11 score",
    "PGIC": "Impression of change",
}


def _capital(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _instrument(slug: str) -> str:
    code = slug.upper()
    if code not in INSTRUMENT_NAMES:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return code


# --- Progress -----------------------------------------------------------------------------------


@router.get("/progress")
def progress_page(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    day = visitor.today
    try:
        weeks, _ = week_history(uow, visitor.caller, visitor.user_id, day, ALL_WEEKS, 0)
        records = progress_records(uow, visitor.caller, visitor.user_id, day)
    except NoPrescription:
        return render(request, "no_plan.html", visitor)
    charted = weeks[:CHART_WEEKS][::-1]
    since = charted[0].week.start if charted else day
    minutes = minutes_chart([(s.week.week, s.planned_minutes, s.done_minutes) for s in charted])
    pain = pain_chart(
        [(d, p) for d, p in records.daily_pain if d >= since],
        [f.date for f in records.flares if f.date >= since],
        [v for v in records.visits if v >= since],
    )
    return render(
        request,
        "progress.html",
        visitor,
        day=day,
        this_week=weeks[0] if weeks else None,
        last_week=weeks[1] if len(weeks) > 1 else None,
        recent=weeks[:RECENT_WEEKS],
        minutes_chart=minutes,
        pain_chart=pain,
        peg_chart=_score_chart(records, "PEG"),
        records=records,
        latest={code: records.answers_to(code)[-1:] for code in INSTRUMENT_NAMES},
        names=INSTRUMENT_NAMES,
        due=records.due,
        card=records.card,
    )


def _score_chart(records: ProgressRecords, instrument: str) -> Any:
    low, high, better = SCALES[instrument]
    points = [(a.answered_on, a.score) for a in records.answers_to(instrument)]
    return score_chart(points, title=SCORE_TITLES[instrument], low=low, high=high, better=better)


# --- Questionnaires -----------------------------------------------------------------------------


def _questionnaire(
    request: Request,
    uow: Uow,
    visitor: Visitor,
    code: str,
    *,
    values: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    just_answered: bool = False,
) -> Response:
    try:
        records = progress_records(uow, visitor.caller, visitor.user_id, visitor.today)
    except NoPrescription:
        return render(request, "no_plan.html", visitor)
    past = records.answers_to(code)
    today = visitor.today
    just = past[-1] if just_answered and past and past[-1].answered_on == today else None
    if values is None:
        values = _prefill(code, past[-1].answers if past else None)
    return render(
        request,
        "questionnaire.html",
        visitor,
        status_code=400 if problems else 200,
        code=code,
        slug=code.lower(),
        name=INSTRUMENT_NAMES[code],
        entry=next(e for e in records.schedule if e.instrument == code),
        past=past[::-1],
        chart=_score_chart(records, code),
        just=just,
        values=values,
        problems=problems or {},
        peg_items=PEG_ITEMS,
        tsk_statements=TSK11_STATEMENTS,
        tsk_answers=TSK11_ANSWERS,
        tsk_source=TSK11_SOURCE,
        psfs_rows=PSFS_MAX_ACTIVITIES,
        psfs_anchors=PSFS_ANCHORS,
        psfs_source=PSFS_SOURCE,
        pgic_anchors=PGIC_ANCHORS,
        pgic_source=PGIC_VERSION,
    )


def _prefill(code: str, last: dict[str, Any] | None) -> dict[str, Any]:
    """A new PSFS starts from the activities named last time, so each is tracked alone."""
    if code != "PSFS" or not last:
        return {}
    return {
        f"activity_{index}": entry["activity"]
        for index, entry in enumerate(last.get("activities", []), start=1)
    }


@router.get("/questionnaires/{slug}")
def questionnaire_page(
    request: Request, uow: Uow, visitor: PatientVisitor, slug: str, answered: str = ""
) -> Response:
    """The questionnaire, past answers and their trend; after an answer (`?answered=latest`)
    its score and what it means come first."""
    code = _instrument(slug)
    return _questionnaire(request, uow, visitor, code, just_answered=answered == "latest")


def _whole(form: FormData, field: str, low: int, high: int, problems: dict[str, str]) -> int:
    raw = form.get(field)
    if isinstance(raw, str) and raw.strip().isdigit() and low <= int(raw) <= high:
        return int(raw)
    problems[field] = "Please choose an answer."
    return low


def _answers(code: str, form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers in the API's format (`QuestionnaireIn.answers`) and any problems by field."""
    problems: dict[str, str] = {}
    if code == "PEG":
        answers: dict[str, Any] = {
            item.name: _whole(form, item.name, 0, 10, problems) for item in PEG_ITEMS
        }
    elif code == "TSK11":
        count = len(TSK11_STATEMENTS)
        items = [_whole(form, f"item_{n}", 1, 4, problems) for n in range(1, count + 1)]
        answers = {"items": items}
    elif code == "PGIC":
        answers = {"rating": _whole(form, "rating", 1, 7, problems)}
    else:
        activities = []
        for n in range(1, PSFS_MAX_ACTIVITIES + 1):
            name = str(form.get(f"activity_{n}") or "").strip()[:200]
            rating = str(form.get(f"rating_{n}") or "").strip()
            if not name and not rating:
                continue
            if not name:
                problems[f"activity_{n}"] = "Please name the activity, or clear its rating."
                continue
            activities.append(
                {"activity": name, "rating": _whole(form, f"rating_{n}", 0, 10, problems)}
            )
        if not activities and not problems:
            problems["activity_1"] = "Please name at least one activity you find hard."
        answers = {"activities": activities}
    return answers, problems


def _form_values(form: FormData) -> dict[str, Any]:
    return {
        key: value for key, value in form.items() if key != "csrf_token" and isinstance(value, str)
    }


@router.post("/questionnaires/{slug}")
def questionnaire_form(
    request: Request, uow: Uow, visitor: PatientVisitor, slug: str, form: CheckedForm
) -> Response:
    code = _instrument(slug)
    answers, problems = _answers(code, form)
    if not problems:
        try:
            submit_questionnaire(uow, visitor.caller, visitor.user_id, code, visitor.today, answers)
        except InvalidInput as problem:
            field = problem.field.rsplit(".", 1)[-1]
            problems["form"] = _capital(f"{field} {problem.message}")
        except NoPrescription:  # pragma: no cover - the page needs a plan to be shown
            return render(request, "no_plan.html", visitor)
        else:
            return RedirectResponse(
                f"/questionnaires/{code.lower()}?answered=latest", status.HTTP_303_SEE_OTHER
            )
    return _questionnaire(request, uow, visitor, code, values=_form_values(form), problems=problems)


# --- Learn --------------------------------------------------------------------------------------


@router.get("/learn")
def learn_page(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    try:
        moment_card = progress_records(uow, visitor.caller, visitor.user_id, visitor.today).card
    except NoPrescription:
        moment_card = None
    return render(request, "learn.html", visitor, cards=all_cards(), card=moment_card)


@router.get("/learn/{card_id}")
def card_page(request: Request, visitor: PatientVisitor, card_id: str) -> Response:
    if card_id not in CARD_IDS:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return render(request, "learn_card.html", visitor, shown=card(card_id))


# --- Settings -----------------------------------------------------------------------------------

SAVED = {
    "time-zone": "Your time zone is saved.",
    "preferences": "Your times and activity are saved. Your plan uses them from the start of "
    "next week; this week stays as it is.",
    "password": "Your password is changed. Any other browser signed in as you has been signed out.",
}


def _settings(
    request: Request,
    uow: Uow,
    visitor: Visitor,
    *,
    problems: dict[str, str] | None = None,
    chosen_zone: str | None = None,
    typed_times: list[str] | None = None,
    **extra: Any,
) -> Response:
    preferences = my_preferences(uow, visitor.caller)
    return render(
        request,
        "settings.html",
        visitor,
        status_code=400 if problems else 200,
        zones=time_zones(),
        chosen_zone=chosen_zone or visitor.time_zone,
        preferences=preferences,
        time_slots=_time_slots(preferences, typed_times),
        kinds=KINDS,
        problems=problems or {},
        saved=SAVED.get(request.query_params.get("saved", "")),
        calendar_feed=feed_state(uow, visitor.caller, visitor.user_id),
        **extra,
    )


@router.get("/settings")
def settings_page(request: Request, uow: Uow, visitor: PatientVisitor) -> Response:
    return _settings(request, uow, visitor)


@router.post("/settings/time-zone")
def time_zone_form(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    zone = str(form.get("time_zone") or "")
    try:
        set_time_zone(uow, visitor.caller, zone)
    except InvalidInput:
        problems = {"time_zone": "Please choose a time zone from the list."}
        return _settings(request, uow, visitor, problems=problems, chosen_zone=zone[:64])
    return RedirectResponse("/settings?saved=time-zone", status.HTTP_303_SEE_OTHER)


@router.post("/settings/preferences")
def preferences_form(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    typed = [str(form.get(f"time{slot}") or "").strip()[:5] for slot in range(1, TIME_SLOTS + 1)]
    kind = str(form.get("preferred_kind") or "").strip()[:32]
    try:
        choice = PreferencesInput.model_validate(
            {"session_times": [time for time in typed if time], "preferred_kind": kind or None}
        )
        save_my_preferences(uow, visitor.caller, choice, visitor.today)
    except ValidationError as error:
        problems = {_preference_field(error): _preference_problem(error)}
        return _settings(request, uow, visitor, problems=problems, typed_times=typed)
    except InvalidInput as problem:
        problems = {"session_times": problem.message}
        return _settings(request, uow, visitor, problems=problems, typed_times=typed)
    return RedirectResponse("/settings?saved=preferences", status.HTTP_303_SEE_OTHER)


TIME_SLOTS = 3


def _time_slots(preferences: PreferencesView | None, typed: list[str] | None) -> list[str]:
    """The three time boxes: what was typed (after a problem), else the saved times."""
    if typed is not None:
        return typed
    saved = [t.strftime("%H:%M") for t in preferences.session_times] if preferences else []
    return (saved + [""] * TIME_SLOTS)[:TIME_SLOTS]


def _preference_field(error: ValidationError) -> str:
    location = error.errors()[0]["loc"]
    return "preferred_kind" if location and location[0] == "preferred_kind" else "session_times"


def _preference_problem(error: ValidationError) -> str:
    if _preference_field(error) == "preferred_kind":
        return "Please choose an activity from the list."
    return "Please give one to three times of day, like 07:30."


@router.post("/settings/password")
def password_form(
    request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm
) -> Response:
    current = str(form.get("current") or "")[:1000]
    new = str(form.get("new") or "")[:1000]
    again = str(form.get("again") or "")[:1000]
    problems: dict[str, str] = {}
    if not current:
        problems["current"] = "Please type your current password."
    if new != again:
        problems["again"] = "The two new passwords are not the same."
    if not problems:
        try:
            change_password(uow, visitor.caller, current, new, request.cookies.get(SESSION_COOKIE))
        except WrongPassword:
            problems["current"] = "That is not your current password. Nothing has changed."
        except TooManyTries as refused:
            minutes = max(1, round(refused.retry_after / 60))
            problems["current"] = (
                "That was the wrong password several times. For your safety, please wait "
                f"{minutes} min before trying again. Nothing has changed."
            )
        except InvalidInput as problem:
            problems["new"] = _capital("The new password " + problem.message)
        else:
            return RedirectResponse("/settings?saved=password", status.HTTP_303_SEE_OTHER)
    return _settings(request, uow, visitor, problems=problems)


@router.get("/settings/export")
def export_download(uow: Uow, visitor: PatientVisitor) -> Response:
    """Everything stored about me, as the API's JSON document, to keep as a file."""
    data = export_my_data(uow, visitor.caller)
    name = f"pacewise-my-data-{visitor.today.isoformat()}.json"
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/settings/delete")
def delete_page(request: Request, visitor: PatientVisitor) -> Response:
    return render(request, "delete_account.html", visitor, problem="")


@router.post("/settings/delete")
def delete_form(request: Request, uow: Uow, visitor: PatientVisitor, form: CheckedForm) -> Response:
    if form.get("confirm") != "yes":
        return render(
            request,
            "delete_account.html",
            visitor,
            status_code=400,
            problem="Please tick the box to confirm that you want to delete everything.",
        )
    delete_my_account(uow, visitor.caller)
    response = RedirectResponse("/sign-in?goodbye=1", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
