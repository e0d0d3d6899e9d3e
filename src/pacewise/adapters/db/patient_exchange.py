"""Queries of the exchange formats (FHIR export and import, CSV): one patient's records read
whole, and the look-ups an import needs to add nothing twice (issue 7).

Kept apart from `repositories.py` because only the exchange formats use them; each query is
scoped by patient like every other (DESIGN.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from pacewise.adapters.db.models import (
    AcupunctureVisitRecord,
    AlertRecord,
    DailyActivity,
    FlareReport,
    QuestionnaireResponse,
)


class PatientExchange:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def daily_activity(self, patient_id: int) -> Sequence[DailyActivity]:
        """Each day's totals from each source, oldest first."""
        return self.db.scalars(
            select(DailyActivity)
            .where(DailyActivity.patient_id == patient_id)
            .order_by(DailyActivity.date, DailyActivity.source)
        ).all()

    def daily_activity_on(self, patient_id: int, day: dt.date, source: str) -> DailyActivity | None:
        return self.db.scalar(
            select(DailyActivity).where(
                DailyActivity.patient_id == patient_id,
                DailyActivity.date == day,
                DailyActivity.source == source,
            )
        )

    def flare_like(self, patient_id: int, day: dt.date, severe: bool) -> FlareReport | None:
        return self.db.scalar(
            select(FlareReport)
            .where(
                FlareReport.patient_id == patient_id,
                FlareReport.date == day,
                FlareReport.severe == severe,
            )
            .limit(1)
        )

    def visit_like(
        self, patient_id: int, day: dt.date, pain_before: int | None, pain_after: int | None
    ) -> AcupunctureVisitRecord | None:
        record = AcupunctureVisitRecord
        return self.db.scalar(
            select(record)
            .where(
                record.patient_id == patient_id,
                record.date == day,
                record.pain_before.is_(None)
                if pain_before is None
                else record.pain_before == pain_before,
                record.pain_after.is_(None)
                if pain_after is None
                else record.pain_after == pain_after,
            )
            .limit(1)
        )

    def responses_on(
        self, patient_id: int, instrument: str, day: dt.date
    ) -> Sequence[QuestionnaireResponse]:
        """The answers to `instrument` given on `day` (compared whole by the caller: answers
        are JSON, which not every database compares)."""
        return self.db.scalars(
            select(QuestionnaireResponse).where(
                QuestionnaireResponse.patient_id == patient_id,
                QuestionnaireResponse.instrument == instrument,
                QuestionnaireResponse.answered_on == day,
            )
        ).all()

    def alert_like(
        self, patient_id: int, day: dt.date, level: str, reason: str
    ) -> AlertRecord | None:
        return self.db.scalar(
            select(AlertRecord)
            .where(
                AlertRecord.patient_id == patient_id,
                AlertRecord.raised_on == day,
                AlertRecord.level == level,
                AlertRecord.reason == reason,
            )
            .limit(1)
        )

    def add(self, row: Any) -> Any:
        self.db.add(row)
        self.db.flush()
        return row
