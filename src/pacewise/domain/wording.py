"""How the engine writes numbers and dates in its reasons: plain, short, the same everywhere.

Month names are fixed here (not taken from the process locale) so reasons are deterministic.
"""

from __future__ import annotations

import datetime as dt
import math

from pacewise.domain.model import Kind

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: dt.date) -> str:
    """'20 Nov': the day as patients read it."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def shown_minutes(minutes: float) -> int:
    """Whole minutes for display, halves rounded up (PROTOCOL.md 2 rule 4: shown, never kept)."""
    return math.floor(minutes + 0.5)


def percent_words(fraction: float) -> str:
    """0.1 -> '10 %'; keeps one decimal only where it matters (0.025 -> '2.5 %')."""
    value = round(fraction * 100, 1)
    return f"{value:g} %"


def kind_words(kind: Kind) -> str:
    """'tai_chi' -> 'tai chi'."""
    return kind.value.replace("_", " ")
