"""A patient with one of everything a FHIR bundle carries, stored through the services (and the
importer's table for daily activity), for the FHIR and CSV tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from pacewise.adapters.db.models import DailyActivity
from pacewise.adapters.db.patient_exchange import PatientExchange
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.domain import Condition
from pacewise.services.access import Caller
from pacewise.services.accounts import add_user, create_patient
from pacewise.services.activity_log import log_session, rate_daily_pain
from pacewise.services.alerts import clear_alert
from pacewise.services.inputs import SessionInput
from pacewise.services.patient_records import log_acupuncture, report_flare, submit_questionnaire
from pacewise.services.prescription_input import PrescriptionInput
from pacewise.services.prescriptions import PrescriptionChangeInput, change_prescription

START = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 2, 2)
EMAIL = "rich@example.org"
TSK_ITEMS = [2, 3, 2, 1, 4, 3, 2, 2, 3, 1, 2]


def rich_patient(engine: Engine, clinician_email: str = "fhirdoc@example.org") -> tuple[int, int]:
    """(patient id, clinician id): four weeks of sessions with check-ins (one ASSESS, cleared),
    daily pain, a flare, an acupuncture visit, every questionnaire, steps, a prescription change
    and a start time in a zone away from UTC."""
    doctor = add_user(UnitOfWork(engine), clinician_email, "clinician")
    clinician = Caller(doctor.id, "clinician")
    created = create_patient(
        UnitOfWork(engine),
        clinician,
        EMAIL,
        display_name="Rita Chen",
        condition="fibromyalgia",
        start_date=START,
    )
    patient = created.id
    me = Caller(patient, "patient")
    with UnitOfWork(engine) as uow:
        user = uow.users.get(patient)
        assert user is not None
        user.time_zone = "Europe/Paris"
        uow.commit()
    for offset in range(28):
        day = START + dt.timedelta(days=offset)
        rate_daily_pain(UnitOfWork(engine), me, patient, day, 3 + offset % 4)
        if offset % 2 == 0:
            entry = {
                "date": day.isoformat(),
                "minutes": 10 + offset / 4,
                "kind": "walk" if offset % 4 else "cycle",
                "start": "07:30" if offset % 3 else None,
                "pain_before": 3,
                "pain_after": 4,
                "effort": 5,
                "checkin": ["worsening_during"] if offset == 10 else ["tired_muscles"],
            }
            logged = log_session(
                UnitOfWork(engine), me, patient, SessionInput.model_validate(entry)
            )
            if logged.alert_id is not None:
                clear_alert(
                    UnitOfWork(engine),
                    clinician,
                    patient,
                    logged.alert_id,
                    "Seen: carry on",
                    day + dt.timedelta(days=1),
                )
    report_flare(UnitOfWork(engine), me, patient, START + dt.timedelta(days=15), True, "bad day")
    log_acupuncture(UnitOfWork(engine), me, patient, START + dt.timedelta(days=3), 6, 3, "")
    day = START + dt.timedelta(days=13)
    submit_questionnaire(
        UnitOfWork(engine), me, patient, "PEG", day, {"pain": 6, "enjoyment": 5, "activity": 4}
    )
    submit_questionnaire(UnitOfWork(engine), me, patient, "TSK11", day, {"items": TSK_ITEMS})
    submit_questionnaire(
        UnitOfWork(engine),
        me,
        patient,
        "PSFS",
        day,
        {
            "activities": [
                {"activity": "=carry shopping", "rating": 4},
                {"activity": "garden", "rating": 6},
            ]
        },
    )
    submit_questionnaire(UnitOfWork(engine), me, patient, "PGIC", day, {"rating": 5})
    change = PrescriptionChangeInput(
        condition=Condition.FIBROMYALGIA,
        settings=PrescriptionInput.model_validate({"session_times": ["07:30", "18:00"]}),
        note="two times of day",
    )
    change_prescription(
        UnitOfWork(engine), clinician, patient, change, START + dt.timedelta(days=9)
    )
    with UnitOfWork(engine) as uow:
        exchange = PatientExchange(uow.users.db)
        for offset, steps in ((0, 4200), (1, None), (2, 7311)):
            exchange.add(
                DailyActivity(
                    patient_id=patient,
                    date=START + dt.timedelta(days=offset),
                    source="apple_health",
                    steps=steps,
                    exercise_minutes=12.5 if steps else None,
                )
            )
        uow.commit()
    return patient, doctor.id
