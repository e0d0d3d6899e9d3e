"""Alerts: a patient sees their own; a clinician clears them with a note (PROTOCOL.md 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pacewise.adapters.db.models import AlertRecord, utc_now
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import InvalidInput
from pacewise.services.access import Caller, NotFound, open_patient_record, transaction_for


@dataclass(frozen=True, slots=True)
class AlertView:
    id: int
    raised_on: dt.date
    level: str
    reason: str
    cleared_on: dt.date | None
    cleared_by: int | None
    clear_note: str

    @classmethod
    def of(cls, row: AlertRecord) -> AlertView:
        return cls(
            row.id,
            row.raised_on,
            row.level,
            row.reason,
            row.cleared_on,
            row.cleared_by,
            row.clear_note,
        )


def list_alerts(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    limit: int,
    offset: int,
    open_only: bool = False,
) -> tuple[Sequence[AlertView], int]:
    """One page of alerts, newest first, and how many there are in all."""
    with transaction_for(uow, caller, patient_id):
        open_patient_record(uow, caller, patient_id, "alerts.viewed")
        rows, total = uow.alerts.page(patient_id, limit, offset, open_only)
        views = [AlertView.of(row) for row in rows]
        uow.commit()
        return views, total


def clear_alert(
    uow: UnitOfWork, caller: Caller, patient_id: int, alert_id: int, note: str, day: dt.date
) -> AlertView:
    """A clinician in charge clears an alert, saying why; the plan moves on from the next week."""
    if caller.role != "clinician":
        raise NotFound(alert_id)
    text = note.strip()
    if not 1 <= len(text) <= 2000:
        raise InvalidInput("note", "must say why the alert is cleared (1-2000 characters)")
    with uow:
        open_patient_record(uow, caller, patient_id, "alert.cleared")
        alert = uow.alerts.get(patient_id, alert_id)
        if alert is None:
            raise NotFound(alert_id)
        if alert.cleared_on is None:
            alert.cleared_on = max(day, alert.raised_on)
            alert.cleared_at = utc_now()
            alert.cleared_by = caller.user_id
            alert.clear_note = text
        view = AlertView.of(alert)
        uow.commit()
        return view
