"""Who needs the clinician's attention first (issue 5's dashboard, issue 4's patient list).

Most urgent first: an uncleared STOP alert, an uncleared ASSESS alert, a recent flare, boom and
bust, low adherence last week, a questionnaire overdue. Each reason is kept, in words, so the list
says why a patient is where they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.domain.model import Level
from pacewise.domain.protocol import ProtocolResult
from pacewise.domain.questionnaires_due import PEG_EVERY_DAYS
from pacewise.domain.wording import day_words, shown_minutes


@dataclass(frozen=True, slots=True)
class Attention:
    """Why a patient is in the list: `rank` sorts (lower first), `reasons` explain."""

    rank: tuple[int, ...]
    reasons: tuple[str, ...]


def attention(
    result: ProtocolResult,
    last_peg: dt.date | None,
    today: dt.date,
    *,
    recent_flare_days: int = 14,
    peg_every_days: int = PEG_EVERY_DAYS,
) -> Attention:
    """The patient's place in the clinician's list, from the protocol's view on `today`.

    A flare counts as recent for `recent_flare_days`; the PEG is due every `peg_every_days`
    (PROTOCOL.md 7: weekly), the same interval as `questionnaire_schedule`'s, and overdue the
    day after it falls due.
    """
    open_alerts = [a for a in result.alerts if a.cleared_on is None]
    stop = [a for a in open_alerts if a.level is Level.STOP]
    assess = [a for a in open_alerts if a.level is Level.ASSESS]
    flares = [f for f in result.flares if (today - f.date).days < recent_flare_days]
    reasons: list[str] = []
    if stop:
        reasons.append(f"STOP alert from {day_words(stop[0].date)} not cleared: {stop[0].reason}")
    if assess:
        first = assess[0]
        reasons.append(f"ASSESS alert from {day_words(first.date)} not cleared: {first.reason}")
    if flares:
        reasons.append(f"flare on {day_words(flares[-1].date)}")
    if result.boom_bust.flagged:
        days = ", ".join(day_words(day) for day in result.boom_bust.over_days)
        reasons.append(f"boom and bust in the last two weeks (big days: {days})")
    adherence = _last_week_adherence(result)
    low = adherence is not None and adherence < result.weeks[-1].prescription.adherence_threshold
    if low and adherence is not None:
        last = result.weeks[-2]
        reasons.append(
            f"last week {shown_minutes(last.done_minutes)} of "
            f"{shown_minutes(last.weekly_minutes)} planned minutes"
        )
    overdue = result.weeks and (last_peg is None or (today - last_peg).days > peg_every_days)
    if overdue:
        reasons.append("weekly PEG questionnaire overdue")
    rank = (
        0 if stop else 1,
        0 if assess else 1,
        0 if flares else 1,
        0 if result.boom_bust.flagged else 1,
        0 if low else 1,
        0 if overdue else 1,
    )
    return Attention(rank, tuple(reasons))


def _last_week_adherence(result: ProtocolResult) -> float | None:
    """Share of last complete week's planned minutes that were done (None before week 2)."""
    if len(result.weeks) < 2:
        return None
    last = result.weeks[-2]
    return last.done_minutes / last.weekly_minutes if last.weekly_minutes else None
