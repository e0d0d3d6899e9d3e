"""Acupuncture as the launch ramp: the window of less pain after a visit (PROTOCOL.md 6).

The window marks good days for the planned sessions; it never raises the quota.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pacewise.domain.model import AcupunctureVisit
from pacewise.domain.prescription import Prescription


def acupuncture_window_days(
    visits: Iterable[AcupunctureVisit], prescription: Prescription
) -> list[dt.date]:
    """The days after each visit (`acupuncture_window_days` of them), in order, each once."""
    days = {
        visit.date + dt.timedelta(days=offset)
        for visit in visits
        for offset in range(1, prescription.acupuncture_window_days + 1)
    }
    return sorted(days)
