"""The domain core: the protocol as pure functions over plain values (no I/O, stdlib only).

Everything else in pacewise calls into this package; nothing here calls out of it.
"""

from pacewise.domain.errors import InvalidInput
from pacewise.domain.levels import Quota, Why
from pacewise.domain.model import (
    AcupunctureVisit,
    Alert,
    Condition,
    Decision,
    Flare,
    FlareSource,
    Kind,
    Level,
    PlannedSession,
    Session,
)
from pacewise.domain.plan_week import PlanWeek
from pacewise.domain.prescription import Prescription, prescription_for
from pacewise.domain.protocol import History, ProtocolResult, run_protocol
from pacewise.domain.triage import TriageResult, triage

__all__ = [
    "AcupunctureVisit",
    "Alert",
    "Condition",
    "Decision",
    "Flare",
    "FlareSource",
    "History",
    "InvalidInput",
    "Kind",
    "Level",
    "PlanWeek",
    "PlannedSession",
    "Prescription",
    "ProtocolResult",
    "Quota",
    "Session",
    "TriageResult",
    "Why",
    "prescription_for",
    "run_protocol",
    "triage",
]
