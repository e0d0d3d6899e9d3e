"""The PDF visit report for a period: for the patient, their clinician, or the command line.

The records are read once and replayed through the engine up to the period's end (the same
replay every other view uses), so the report shows what the plan, the summaries and the scoring
computed; `report_content` words it and `pdf_report` lays it out. Every download, the patient's own
included, is audited as "report.exported" (issue 4's rule), and so is the command line's.
"""

from __future__ import annotations

import datetime as dt

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.adapters.exports.pdf_report import render_pdf
from pacewise.adapters.exports.report_content import (
    AlertEntry,
    AnswerEntry,
    ReportContent,
    ReportInputs,
    build_report,
)
from pacewise.domain import InvalidInput
from pacewise.domain.summaries import weekly_summaries
from pacewise.services.access import Caller, NotFound, open_patient_record
from pacewise.services.replays import replay

DEFAULT_WEEKS = 12
"""A report covers the last 12 weeks unless asked otherwise: phases 1-3 of a programme."""
MAX_DAYS = 731
"""The longest period one report covers (two years), so a report stays a document to read."""


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 weeks up to and including `today`."""
    return today - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(days=1), today


def check_period(start: dt.date, end: dt.date) -> None:
    """Refuse a period that ends before it starts or is longer than `MAX_DAYS`."""
    if end < start:
        raise InvalidInput("end", "must be on or after start")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput("start", f"the period can be at most {MAX_DAYS} days long")


def visit_report(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> bytes:
    """The report's PDF for `patient_id` over `start`..`end`, if `caller` may read the record.
    `today` (the reader's date) keeps a week that ends today marked as under way."""
    return render_pdf(report_content(uow, caller, patient_id, start, end, today))


def report_content(
    uow: UnitOfWork,
    caller: Caller,
    patient_id: int,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
) -> ReportContent:
    """What the report says (for tests and other layouts), read under the access rules."""
    check_period(start, end)
    with uow:
        open_patient_record(uow, caller, patient_id, "report.exported")
        if caller.role == "patient":
            # Unlike other reads of one's own record, a download leaves the app: audit it too.
            uow.audit.record(
                "report.exported",
                actor_id=caller.user_id,
                actor_role="patient",
                patient_id=patient_id,
            )
        inputs = _inputs(uow, patient_id, start, end, today)
        uow.commit()
    return build_report(inputs)


def operator_visit_report(
    uow: UnitOfWork, patient_email: str, start: dt.date, end: dt.date, today: dt.date | None = None
) -> bytes:
    """The report for `pacewise export report`: whoever runs the command reads the database
    anyway, so no caller is checked, but the export is audited like any other."""
    check_period(start, end)
    with uow:
        user = uow.users.by_email(patient_email)
        if user is None or user.role != "patient":
            raise NotFound(patient_email)
        inputs = _inputs(uow, user.id, start, end, today)
        uow.audit.record(
            "report.exported", actor_id=None, actor_role="operator", patient_id=user.id
        )
        uow.commit()
    return render_pdf(build_report(inputs))


def _inputs(
    uow: UnitOfWork, patient_id: int, start: dt.date, end: dt.date, today: dt.date | None
) -> ReportInputs:
    user = uow.users.get(patient_id)
    if user is None:  # pragma: no cover - open_patient_record found the patient
        raise NotFound(patient_id)
    history, result = replay(uow, patient_id, end)
    alerts = tuple(
        AlertEntry(row.raised_on, row.level, row.reason, row.cleared_on, row.clear_note)
        for row in uow.alerts.for_patient(patient_id)
    )
    answers = tuple(
        AnswerEntry(row.instrument, row.answered_on, row.answers)
        for row in uow.questionnaires.for_patient(patient_id)
    )
    return ReportInputs(
        patient_name=user.display_name,
        patient_email=user.email,
        start=start,
        end=end,
        history=history,
        result=result,
        summaries=weekly_summaries(history, result, today=today),
        alerts=alerts,
        answers=answers,
    )
