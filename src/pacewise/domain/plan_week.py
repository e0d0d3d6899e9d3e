"""One plan week as the engine made it (PROTOCOL.md 1-2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pacewise.domain.levels import Why
from pacewise.domain.model import Decision, Kind, PlannedSession
from pacewise.domain.prescription import Prescription
from pacewise.domain.reasons import explain

_DAYS = tuple(dt.timedelta(days=offset) for offset in range(7))


@dataclass(slots=True, eq=True)
class PlanWeek:
    """One plan week: seven days from the programme's start.

    `session_minutes` and `weekly_minutes` are exact; round them only to show them
    (PROTOCOL.md 2 rule 4). The week's sessions (`planned`) are laid out on demand from
    `session_kinds` (one kind per session, in order) and the prescription's times; after a flare
    inside the week, sessions after each date in `after_flare` drop to its minutes
    (PROTOCOL.md 4). The reason is put into words from `why` when read.

    Treat it as a value. It is not a frozen dataclass only because the engine builds one per
    week per patient, and frozen construction is three times slower.
    """

    week: int
    start: dt.date
    phase: int
    session_minutes: float
    sessions_per_week: int
    decision: Decision
    why: Why
    prescription: Prescription
    done_minutes: float = 0.0
    session_kinds: tuple[Kind, ...] = ()
    after_flare: tuple[tuple[dt.date, float], ...] = ()
    acupuncture_window: frozenset[dt.date] = frozenset()

    @property
    def reason(self) -> str:
        """Why this week's plan is what it is, in plain words with its numbers and dates."""
        return explain(self.why, self.prescription)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def weekly_minutes(self) -> float:
        return self.session_minutes * self.sessions_per_week

    @property
    def planned(self) -> tuple[PlannedSession, ...]:
        """The sessions spread evenly over the week's days, at the prescription's times."""
        times, kinds, window = (
            self.prescription.session_times,
            self.session_kinds,
            self.acupuncture_window,
        )
        return tuple(
            PlannedSession(day, times[slot], kinds[position], minutes, day in window)
            for position, day, slot, minutes in self._layout()
        )

    def planned_minutes_by_day(self) -> dict[dt.date, float]:
        """Minutes planned on each planned day (the boom-and-bust check's under-days)."""
        minutes_by_day: dict[dt.date, float] = {}
        for _, day, _, minutes in self._layout():
            minutes_by_day[day] = minutes_by_day.get(day, 0.0) + minutes
        return minutes_by_day

    def _layout(self) -> list[tuple[int, dt.date, int, float]]:
        """(position, day, time slot on that day, minutes) of each session, spread evenly.

        Session i of n falls on day floor(7i/n) of the week; a second session on the same day
        takes the next time of day. After a flare day, sessions take the step-back minutes.
        """
        count = self.sessions_per_week
        layout: list[tuple[int, dt.date, int, float]] = []
        slot_on_day: dict[int, int] = {}
        for position in range(count):
            offset = position * 7 // count
            slot = slot_on_day.get(offset, 0)
            slot_on_day[offset] = slot + 1
            day = self.start + _DAYS[offset]
            minutes = self.session_minutes
            for flare_day, dropped in self.after_flare:
                if flare_day < day:
                    minutes = min(minutes, dropped)
            layout.append((position, day, slot, minutes))
        return layout

    @property
    def planned_days(self) -> tuple[dt.date, ...]:
        return tuple(dict.fromkeys(p.date for p in self.planned))

    @property
    def kinds(self) -> dict[Kind, int]:
        """Sessions planned of each kind, such as {walk: 3, stretch: 1, strength: 1}."""
        counts: dict[Kind, int] = {}
        for kind in self.session_kinds:
            counts[kind] = counts.get(kind, 0) + 1
        return counts
