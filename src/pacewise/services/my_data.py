"""A patient's own data: export all of it, or delete the account (issue 4).

Both work from the models' metadata: every table with a `patient_id` column is a table of the
patient's data, so a table added later is exported and deleted without anyone remembering to.
Deletion removes the health data (foreign keys cascade); the audit log keeps only that it
happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, select

from pacewise.adapters.db.models import AuditEvent, Base
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller, NotFound

# Columns that would let the file's reader act as the patient (a calendar feed's secret).
SECRETS = frozenset({"token_hash"})


def patient_tables() -> list[Table]:
    """Every table that holds rows about one patient (the audit log is reported separately)."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if "patient_id" in table.c and table.name != AuditEvent.__tablename__
    ]


def export_my_data(uow: UnitOfWork, caller: Caller) -> dict[str, Any]:
    """Everything stored about the calling patient, as JSON-ready values."""
    if caller.role != "patient":
        raise NotFound(caller.user_id)
    with uow:
        user = uow.users.get(caller.user_id)
        if user is None:
            raise NotFound(caller.user_id)
        db = uow.users.db
        export: dict[str, Any] = {
            "account": {
                "id": user.id,
                "email": user.email,
                "role": user.role,
                "display_name": user.display_name,
                "time_zone": user.time_zone,
                "created_at": user.created_at.isoformat(),
            }
        }
        for table in patient_tables():
            rows = db.execute(select(table).where(table.c.patient_id == user.id)).mappings()
            export[table.name] = [
                {key: _plain(value) for key, value in row.items() if key not in SECRETS}
                for row in rows
            ]
        export["access_log"] = [
            {"at": e.at.isoformat(), "by": e.actor_id, "role": e.actor_role, "action": e.action}
            for e in uow.audit.for_patient(user.id)
        ]
        uow.audit.record(
            "data.exported", actor_id=user.id, actor_role="patient", patient_id=user.id
        )
        uow.commit()
        return export


def delete_my_account(uow: UnitOfWork, caller: Caller) -> None:
    """Delete the caller's account and, with it, all their health data."""
    with uow:
        user = uow.users.get(caller.user_id)
        if user is None:
            raise NotFound(caller.user_id)
        uow.users.delete(user)
        uow.audit.record(
            "account.deleted",
            actor_id=caller.user_id,
            actor_role=caller.role,
            patient_id=caller.user_id if caller.role == "patient" else None,
        )
        uow.commit()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value
