"""The protocol's words as plain, immutable values (PROTOCOL.md 1).

Everything in the domain core takes and returns these dataclasses; nothing here knows about
databases, HTTP or files, so the same values flow from the store, the API and the CLI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Kinds of activity a session can be (PROTOCOL.md 1)."""

    WALK = "walk"
    CYCLE = "cycle"
    SWIM = "swim"
    AQUATIC = "aquatic"
    STRETCH = "stretch"
    STRENGTH = "strength"
    YOGA = "yoga"
    TAI_CHI = "tai_chi"
    OTHER = "other"


class Condition(StrEnum):
    """Condition profiles; each sets defaults a clinician may change (PROTOCOL.md 9)."""

    LOW_BACK_PAIN = "low_back_pain"
    FIBROMYALGIA = "fibromyalgia"
    OSTEOARTHRITIS = "osteoarthritis"
    RHEUMATOID_ARTHRITIS = "rheumatoid_arthritis"
    OTHER = "other"


class Level(StrEnum):
    """Triage levels, ordered from harmless to urgent (PROTOCOL.md 3)."""

    CONTINUE = "CONTINUE"
    ASSESS = "ASSESS"
    STOP = "STOP"

    @property
    def severity(self) -> int:
        """Rank used so that the worst answer wins."""
        return _LEVEL_SEVERITY[self]


_LEVEL_SEVERITY = {Level.CONTINUE: 0, Level.ASSESS: 1, Level.STOP: 2}


class Decision(StrEnum):
    """What the engine decided for a plan week, in order of precedence (PROTOCOL.md 2, 4).

    When several apply, the one listed first wins.
    """

    STEP_BACK = "step_back"
    PAUSED = "paused"
    BASELINE = "baseline"
    HOLD = "hold"
    PROGRESS = "progress"
    MAINTAIN = "maintain"


class FlareSource(StrEnum):
    REPORTED = "reported"
    DETECTED = "detected"


@dataclass(frozen=True, slots=True)
class Session:
    """One bout of activity as the patient did it.

    `checkin` holds the symptom codes the patient ticked afterwards (see `triage.CHECKIN_LEVELS`).
    """

    date: dt.date
    minutes: float
    kind: Kind = Kind.WALK
    start: dt.time | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    effort: int | None = None
    checkin: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Flare:
    """A flare (exacerbation) that began on `date` (PROTOCOL.md 4).

    For a flare detected from daily pain, `last_day` is the last high day of its run.
    """

    date: dt.date
    severe: bool = False
    source: FlareSource = FlareSource.REPORTED
    last_day: dt.date | None = None

    def order(self) -> tuple[dt.date, bool, str]:
        """Oldest first; on the same day a severe flare first, then reported before detected."""
        return (self.date, not self.severe, self.source.value)


@dataclass(frozen=True, slots=True)
class Alert:
    """A triage alert for the clinician: raised on `date`, cleared on `cleared_on` (or not yet)."""

    date: dt.date
    level: Level
    reason: str
    cleared_on: dt.date | None = None

    def order(self) -> tuple[dt.date, int, str]:
        """Oldest first; on the same day the most urgent first, then by reason: a fixed order
        whatever order the records came in."""
        return (self.date, -self.level.severity, self.reason)

    def is_uncleared_on(self, day: dt.date) -> bool:
        """True when the alert was raised before `day` and not cleared by `day`."""
        return self.date < day and (self.cleared_on is None or self.cleared_on > day)


@dataclass(frozen=True, slots=True)
class AcupunctureVisit:
    date: dt.date
    pain_before: int | None = None
    pain_after: int | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One session the plan asks for: a day, a time of day, a kind and its minutes."""

    date: dt.date
    time: dt.time
    kind: Kind
    minutes: float
    in_acupuncture_window: bool = False
