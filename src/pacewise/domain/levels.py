"""A plan level (the quota) and the facts behind a week's decision (PROTOCOL.md 1-4).

Both are small immutable tuples: the engine makes one of each per plan week, half a million of
them when a clinic of 10,000 is recomputed, so they must be cheap to build.
"""

from __future__ import annotations

from typing import NamedTuple

from pacewise.domain.model import Alert, Decision, Flare
from pacewise.domain.wording import shown_minutes


class Quota(NamedTuple):
    """What the plan asks for: minutes per session and sessions per week (exact minutes)."""

    session_minutes: float
    sessions_per_week: int

    @property
    def weekly_minutes(self) -> float:
        return self.session_minutes * self.sessions_per_week

    def words(self) -> str:
        """'3 sessions of 6 min (17 min a week)': rounded only here, for reading."""
        count = self.sessions_per_week
        sessions = "1 session" if count == 1 else f"{count} sessions"
        return (
            f"{sessions} of {shown_minutes(self.session_minutes)} min "
            f"({shown_minutes(self.weekly_minutes)} min a week)"
        )


class Why(NamedTuple):
    """The facts a week's decision rests on; `reasons.explain` puts them into words.

    `previous` is last week's level, `done_minutes` what was logged in it; `alert` is the alert
    that paused or held the week; `flares` are last week's flares when it steps back;
    `prescription_changed` is true in the first week of a new prescription.
    """

    decision: Decision
    week: int
    quota: Quota
    previous: Quota | None = None
    done_minutes: float = 0.0
    quota_met: bool = True
    alert: Alert | None = None
    flares: tuple[Flare, ...] = ()
    prescription_changed: bool = False
