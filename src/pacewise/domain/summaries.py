"""Each plan week in review: what was planned, what was done, pain, flares, alerts and visits.

The patient's history page and the clinician's patient page show these, newest first, with one
short paragraph of plain words. The words report, never judge: no streaks, no blame for a missed
week (issue 5: "plain warm language").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from pacewise.domain.activity import minutes_by_day
from pacewise.domain.model import Alert, Flare
from pacewise.domain.plan_week import PlanWeek
from pacewise.domain.protocol import History, ProtocolResult
from pacewise.domain.wording import day_words, percent_words, shown_minutes


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """One plan week's record; `complete` is false for the week still under way."""

    week: PlanWeek
    complete: bool
    done_minutes: float
    active_days: int
    sessions_logged: int
    pain_average: float | None
    pain_ratings: int
    flares: tuple[Flare, ...]
    alerts: tuple[Alert, ...]
    acupuncture_visits: int

    @property
    def planned_minutes(self) -> float:
        return self.week.weekly_minutes

    @property
    def done_share(self) -> float:
        """Done minutes as a share of the planned ones (may pass 1)."""
        return self.done_minutes / self.planned_minutes if self.planned_minutes else 0.0

    @property
    def words(self) -> str:
        """The week in a few plain sentences."""
        planned = shown_minutes(self.planned_minutes)
        lead = "So far this week" if not self.complete else f"Week {self.week.week}"
        if self.done_minutes > 0:
            days = "1 day" if self.active_days == 1 else f"{self.active_days} days"
            parts = [
                f"{lead}: {shown_minutes(self.done_minutes)} of {planned} planned minutes "
                f"({percent_words(round(self.done_share, 2))}), active on {days}."
            ]
        else:
            parts = [f"{lead}: {planned} minutes planned, no activity logged."]
        if self.pain_average is not None:
            ratings = "1 rating" if self.pain_ratings == 1 else f"{self.pain_ratings} ratings"
            parts.append(f"Pain averaged {self.pain_average:.1f} out of 10 ({ratings}).")
        for flare in self.flares:
            severe = "severe " if flare.severe else ""
            parts.append(f"A {severe}flare from {day_words(flare.date)}.")
        if self.alerts:
            count = len(self.alerts)
            checkins = "1 check-in" if count == 1 else f"{count} check-ins"
            parts.append(f"{checkins} asked for the clinician's review.")
        if self.acupuncture_visits:
            visits = self.acupuncture_visits
            parts.append("1 acupuncture visit." if visits == 1 else f"{visits} acupuncture visits.")
        return " ".join(parts)


def weekly_summaries(
    history: History, result: ProtocolResult, today: dt.date | None = None
) -> list[WeekSummary]:
    """Every plan week up to `result.until`, oldest first, from one run of the protocol.

    `today` is the patient's current date when the replay runs up to it: a week whose last day is
    today is still under way (the patient may log an evening walk), so it is not complete until
    tomorrow. Without `today`, the replay's last day is taken as over (a report on a past period).
    """
    if not result.weeks:
        return []
    until = result.until
    over_until = until if today is None or until < today else until - dt.timedelta(days=1)
    daily = minutes_by_day(history.sessions, history.daily_activity, history.start, until)
    summaries: list[WeekSummary] = []
    for week in result.weeks:
        last = min(week.end, until)
        pain = [v for d, v in history.daily_pain.items() if week.start <= d <= last]
        summaries.append(
            WeekSummary(
                week=week,
                complete=week.end <= over_until,
                done_minutes=week.done_minutes,
                active_days=_active_days(daily, week.start, last),
                sessions_logged=sum(week.start <= s.date <= last for s in history.sessions),
                pain_average=math.fsum(pain) / len(pain) if pain else None,
                pain_ratings=len(pain),
                flares=tuple(f for f in result.flares if week.start <= f.date <= last),
                alerts=tuple(a for a in result.alerts if week.start <= a.date <= last),
                acupuncture_visits=sum(week.start <= v.date <= last for v in history.acupuncture),
            )
        )
    return summaries


def _active_days(daily: Mapping[dt.date, float], first: dt.date, last: dt.date) -> int:
    return sum(first <= day <= last and minutes > 0 for day, minutes in daily.items())
