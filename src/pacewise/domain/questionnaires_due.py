"""When each questionnaire is due (PROTOCOL.md 7).

PEG every week; the Patient-Specific Functional Scale and the TSK-11 at the start and then every
4 weeks; the PGIC from plan week 12 on (then every 4 weeks, our choice: "week 12 and later").

The rule is a simple interval from the last answer, never earlier than the programme's start
(or, for the PGIC, the first day of its plan week): an instrument is due from
`max(first possible day, last answered + interval)`. An instrument answered early (through the
API, or at the clinic) therefore moves its next date on; a missed one simply stays due, with no
count of missed weeks (issue 5: no blame). Every interval is a keyword parameter with its
default, so a clinician's setting can replace it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from pacewise.domain.errors import InvalidInput

__all__ = [
    "INSTRUMENTS",
    "INSTRUMENT_NAMES",
    "PEG_EVERY_DAYS",
    "QuestionnaireDue",
    "questionnaire_schedule",
]

PEG_EVERY_DAYS: Final = 7
"""The PEG is asked weekly (PROTOCOL.md 7); the clinician's list calls it overdue after this."""

INSTRUMENTS: Final[tuple[str, ...]] = ("PEG", "PSFS", "TSK11", "PGIC")
"""The instruments' codes, in the order a patient is asked them (the API's and the store's)."""

INSTRUMENT_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "PEG": "Pain, enjoyment and activity (PEG)",
        "PSFS": "Activities you find hard (Patient-Specific Functional Scale)",
        "TSK11": "Worries about moving (Tampa Scale for Kinesiophobia, TSK-11)",
        "PGIC": "How much has changed (Patient Global Impression of Change)",
    }
)
"""Each instrument's name as a patient reads it, with its published name in brackets."""


@dataclass(frozen=True, slots=True)
class QuestionnaireDue:
    """One instrument's place in the schedule on `today`.

    `due_from` is the first day it is (or will be) due; `due` says whether that day has come.
    `last_answered` is the latest answer's date, None if never answered.
    """

    instrument: str
    due_from: dt.date
    due: bool
    last_answered: dt.date | None

    @property
    def name(self) -> str:
        return INSTRUMENT_NAMES[self.instrument]


def _days(field: str, value: int, low: int) -> dt.timedelta:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidInput(field, f"must be a whole number of at least {low}, got {value!r}")
    return dt.timedelta(days=value)


def questionnaire_schedule(
    start: dt.date,
    today: dt.date,
    last_answered: Mapping[str, dt.date | None],
    *,
    peg_every_days: int = PEG_EVERY_DAYS,
    psfs_every_days: int = 28,
    tsk11_every_days: int = 28,
    pgic_from_week: int = 12,
    pgic_every_days: int = 28,
) -> tuple[QuestionnaireDue, ...]:
    """Every instrument with the day it is due from, in `INSTRUMENTS` order (PROTOCOL.md 7).

    `start` is the programme's first day (plan week 1); `last_answered` maps an instrument's
    code to its latest answer's date (a missing code means never answered). Before `start`
    nothing is due.
    """
    every = {
        "PEG": _days("peg_every_days", peg_every_days, 1),
        "PSFS": _days("psfs_every_days", psfs_every_days, 1),
        "TSK11": _days("tsk11_every_days", tsk11_every_days, 1),
        "PGIC": _days("pgic_every_days", pgic_every_days, 1),
    }
    pgic_start = start + _days("pgic_from_week", pgic_from_week, 1) * 7 - dt.timedelta(days=7)
    first_day = {"PEG": start, "PSFS": start, "TSK11": start, "PGIC": pgic_start}
    schedule: list[QuestionnaireDue] = []
    for instrument in INSTRUMENTS:
        last = last_answered.get(instrument)
        due_from = first_day[instrument]
        if last is not None:
            due_from = max(due_from, last + every[instrument])
        schedule.append(QuestionnaireDue(instrument, due_from, today >= due_from, last))
    return tuple(schedule)
