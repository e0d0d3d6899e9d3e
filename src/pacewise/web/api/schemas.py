"""What the API sends back: plain JSON shapes, documented in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from pacewise.domain import Condition, PlannedSession, PlanWeek, TriageResult
from pacewise.domain.summaries import WeekSummary
from pacewise.domain.wording import shown_minutes
from pacewise.services.activity_log import LoggedSession
from pacewise.services.inputs import (
    CheckinCodes,
    ClockTime,
    ConditionCode,
    Effort,
    IsoDate,
    KindCode,
    Minutes,
    Pain,
    StrictModel,
)
from pacewise.services.preferences import PreferencesView
from pacewise.services.prescriptions import PrescriptionPreview, PrescriptionVersionView


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


Item = TypeVar("Item")


class Page(Out, Generic[Item]):
    """One page of a list, and how many items there are in all."""

    items: list[Item]
    total: int
    limit: int
    offset: int


class Me(Out):
    id: int
    role: str


class TriageOut(Out):
    level: str
    reasons: list[str]
    advice: str
    card: str
    emergency: bool

    @classmethod
    def of(cls, result: TriageResult) -> TriageOut:
        return cls(
            level=result.level.value,
            reasons=list(result.reasons),
            advice=result.advice,
            card=result.card,
            emergency=result.emergency,
        )


class SessionLogged(Out):
    session_id: int
    triage: TriageOut
    alert_id: int | None

    @classmethod
    def of(cls, logged: LoggedSession) -> SessionLogged:
        return cls(
            session_id=logged.session_id,
            triage=TriageOut.of(logged.triage),
            alert_id=logged.alert_id,
        )


class DailyPainIn(StrictModel):
    date: IsoDate
    pain: Pain


class PainRated(Out):
    date: dt.date
    pain: int
    alerts_raised: list[int]


class ClearIn(StrictModel):
    note: str


class PlannedOut(Out):
    date: dt.date
    time: str
    kind: str
    minutes: float
    minutes_shown: int
    in_acupuncture_window: bool

    @classmethod
    def of(cls, planned: PlannedSession) -> PlannedOut:
        return cls(
            date=planned.date,
            time=planned.time.strftime("%H:%M"),
            kind=planned.kind.value,
            minutes=planned.minutes,
            minutes_shown=shown_minutes(planned.minutes),
            in_acupuncture_window=planned.in_acupuncture_window,
        )


class WeekOut(Out):
    week: int
    start: dt.date
    end: dt.date
    phase: int
    decision: str
    reason: str
    session_minutes: float
    sessions_per_week: int
    weekly_minutes: float
    weekly_minutes_shown: int
    done_minutes: float
    kinds: dict[str, int]
    planned: list[PlannedOut]

    @classmethod
    def of(cls, week: PlanWeek) -> WeekOut:
        return cls(
            week=week.week,
            start=week.start,
            end=week.end,
            phase=week.phase,
            decision=week.decision.value,
            reason=week.reason,
            session_minutes=week.session_minutes,
            sessions_per_week=week.sessions_per_week,
            weekly_minutes=week.weekly_minutes,
            weekly_minutes_shown=shown_minutes(week.weekly_minutes),
            done_minutes=week.done_minutes,
            kinds={kind.value: count for kind, count in week.kinds.items()},
            planned=[PlannedOut.of(p) for p in week.planned],
        )


class PlanOut(Out):
    day: dt.date
    week: WeekOut | None
    today: list[PlannedOut]
    in_acupuncture_window: bool


class PatientListed(Out):
    id: int
    email: str
    display_name: str
    reasons: list[str]


class NewPatientIn(StrictModel):
    email: str
    display_name: str = ""
    condition: ConditionCode = Condition.LOW_BACK_PAIN
    start_date: IsoDate


class NewPatientOut(Out):
    id: int
    email: str
    invite_url: str
    invite_expires_at: dt.datetime


class InviteAcceptIn(StrictModel):
    password: str


class FlareIn(StrictModel):
    date: IsoDate
    severe: bool = False
    note: str = ""


class FlareOut(Out):
    id: int
    next_week: str


class Created(Out):
    id: int


class QuestionnaireIn(StrictModel):
    date: IsoDate
    answers: dict[str, Any]


class ScoreOut(Out):
    instrument: str
    score: float


class CardOut(Out):
    id: str
    title: str
    summary: str
    body: str
    source: str


class SignInIn(StrictModel):
    email: str
    password: str


class SignedInOut(Out):
    id: int
    role: str
    csrf_token: str


class SessionChanges(StrictModel):
    """Only the fields sent are changed; the check-in is triaged again."""

    date: IsoDate | None = None
    start: ClockTime | None = None
    minutes: Minutes | None = None
    kind: KindCode | None = None
    effort: Effort | None = None
    pain_before: Pain | None = None
    pain_after: Pain | None = None
    checkin: CheckinCodes | None = None


class PrescriptionPreviewOut(Out):
    """Next week (from `effective_from`) as things stand, and under the new settings."""

    effective_from: dt.date
    next_week_now: WeekOut | None = Field(
        description="null for a patient with no prescription yet: nothing is planned"
    )
    next_week_if_saved: WeekOut

    @classmethod
    def of(cls, preview: PrescriptionPreview) -> PrescriptionPreviewOut:
        now = preview.next_week_now
        return cls(
            effective_from=preview.effective_from,
            next_week_now=None if now is None else WeekOut.of(now),
            next_week_if_saved=WeekOut.of(preview.next_week_if_saved),
        )


class PrescriptionSavedOut(Out):
    version: PrescriptionVersionView
    preview: PrescriptionPreviewOut


class FlareBrief(Out):
    date: dt.date
    severe: bool
    source: str


class AlertBrief(Out):
    date: dt.date
    level: str
    reason: str
    cleared_on: dt.date | None


class WeekSummaryOut(Out):
    """One plan week in review; `summary` says it in words."""

    week: WeekOut
    complete: bool
    planned_minutes: float
    done_minutes: float
    done_share: float
    active_days: int
    sessions_logged: int
    pain_average: float | None
    pain_ratings: int
    flares: list[FlareBrief]
    alerts: list[AlertBrief]
    acupuncture_visits: int
    summary: str

    @classmethod
    def of(cls, summary: WeekSummary) -> WeekSummaryOut:
        return cls(
            week=WeekOut.of(summary.week),
            complete=summary.complete,
            planned_minutes=summary.planned_minutes,
            done_minutes=summary.done_minutes,
            done_share=summary.done_share,
            active_days=summary.active_days,
            sessions_logged=summary.sessions_logged,
            pain_average=summary.pain_average,
            pain_ratings=summary.pain_ratings,
            flares=[
                FlareBrief(date=f.date, severe=f.severe, source=f.source.value)
                for f in summary.flares
            ],
            alerts=[
                AlertBrief(
                    date=a.date, level=a.level.value, reason=a.reason, cleared_on=a.cleared_on
                )
                for a in summary.alerts
            ],
            acupuncture_visits=summary.acupuncture_visits,
            summary=summary.words,
        )


class PreferencesOut(Out):
    """The patient's times of day (HH:MM) and preferred activity (null: the main activity),
    and the plan week they apply from."""

    session_times: tuple[ClockTime, ...]
    preferred_kind: KindCode | None
    main_kind: KindCode
    effective_from: dt.date

    @classmethod
    def of(cls, view: PreferencesView) -> PreferencesOut:
        return cls(
            session_times=view.session_times,
            preferred_kind=view.preferred_kind,
            main_kind=view.main_kind,
            effective_from=view.effective_from,
        )
