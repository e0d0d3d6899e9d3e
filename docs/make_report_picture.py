"""Draw docs/report-page-1.png: page 1 of a demo patient's visit report, as poppler renders it.

Run by hand from the repository's root (needs poppler's pdftoppm):

    .venv/bin/python docs/make_report_picture.py

The demo patient lives the same seeded history up to a fixed day in a throwaway SQLite database,
so the picture changes only when the report or the demo data do.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from pacewise.adapters.db.engine import make_engine
from pacewise.adapters.db.migrate import upgrade
from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.services.access import Caller
from pacewise.services.accounts import add_user
from pacewise.services.demo_patients import DEMO_PATIENTS
from pacewise.services.demo_seed import seed_patient
from pacewise.services.visit_report import default_period, visit_report

TODAY = dt.date(2026, 3, 18)
PATIENT = "priya@example.org"
"""Priya's history has a flare and the step-back week after it."""
PICTURE = Path(__file__).resolve().parent / "report-page-1.png"


def main() -> None:
    demo = next(patient for patient in DEMO_PATIENTS if patient.email == PATIENT)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/demo.sqlite3")
        upgrade(engine)
        doctor = add_user(UnitOfWork(engine), "clinician@example.org", "clinician")
        clinician = Caller(doctor.id, "clinician")
        patient_id = seed_patient(engine, clinician, demo, TODAY)
        start, end = default_period(TODAY)
        pdf = Path(folder) / "report.pdf"
        pdf.write_bytes(visit_report(UnitOfWork(engine), clinician, patient_id, start, end))
        engine.dispose()
        stem = Path(folder) / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-f",
                "1",
                "-l",
                "1",
                "-r",
                "110",
                "-png",
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        PICTURE.write_bytes(stem.with_suffix(".png").read_bytes())
    sys.stdout.write(f"wrote {PICTURE}\n")


if __name__ == "__main__":
    main()
