"""Today's plan and this week's plan, from the stored records through the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import PlannedSession, PlanWeek, ProtocolResult
from pacewise.domain.summaries import WeekSummary, weekly_summaries
from pacewise.services.access import Caller, open_patient_record, transaction_for
from pacewise.services.replays import replay


@dataclass(frozen=True, slots=True)
class PlanView:
    """What the plan asks on `day`, and the week around it, with the engine's reason."""

    day: dt.date
    week: PlanWeek | None
    today: tuple[PlannedSession, ...]
    in_acupuncture_window: bool
    result: ProtocolResult


def plan_for(uow: UnitOfWork, caller: Caller, patient_id: int, day: dt.date) -> PlanView:
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "plan.viewed")
        _, result = replay(uow, patient_id, day)
        uow.commit()
    week = result.current_week
    today = tuple(p for p in week.planned if p.date == day) if week else ()
    return PlanView(day, week, today, day in result.acupuncture_window_days, result)


def week_history(
    uow: UnitOfWork, caller: Caller, patient_id: int, day: dt.date, limit: int, offset: int
) -> tuple[list[WeekSummary], int]:
    """One page of plan weeks up to `day`, newest first, each summed up; and how many in all."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "history.viewed")
        history, result = replay(uow, patient_id, day)
        uow.commit()
    summaries = weekly_summaries(history, result, today=day)
    newest_first = summaries[::-1]
    return newest_first[offset : offset + limit], len(summaries)
