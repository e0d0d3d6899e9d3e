"""Education cards: short texts, in our own words, from the clinical source (PROTOCOL.md 8).

Each card is a TOML file next to this module, so clinicians can review and edit the wording
without touching code; the files are package data and are read with `importlib.resources`, so
they load the same from a source tree and from an installed wheel. `pick_card` chooses the card
that fits the moment, most urgent first.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Final

from pacewise.domain.errors import InvalidInput
from pacewise.domain.model import Level

__all__ = ["CARD_IDS", "Card", "Moment", "all_cards", "card", "pick_card"]

CARD_IDS: Final[tuple[str, ...]] = (
    "avoidance_cycle",
    "internal_pharmacy",
    "hurt_not_harm",
    "pacing",
    "four_phases",
    "exercise_for_conditions",
    "acupuncture_launch_ramp",
    "flares",
    "see_physician",
    "myth_rest",
    "myth_hurt_means_harm",
    "myth_high_intensity",
    "faq_why_exercise",
    "faq_how_much",
    "faq_fibromyalgia",
    "faq_arthritis",
)
"""Every card, in the order they are listed to a patient (PROTOCOL.md 8's order of topics)."""

_TEXT_FIELDS: Final = ("id", "title", "summary", "body", "source")


@dataclass(frozen=True, slots=True)
class Card:
    """One education card (PROTOCOL.md 8).

    `summary` is one sentence for a list or a notification; `body` is the card itself, short
    enough to read on a phone in under a minute; `source` names the part of the source article
    (and, where the protocol adds to it, the PROTOCOL.md section) the card rests on, so a
    clinician can check it.
    """

    id: str
    title: str
    summary: str
    body: str
    source: str
    topics: tuple[str, ...]


def _parse(card_id: str, text: str) -> Card:
    """Turn one card file into a `Card`, refusing a file with missing, extra or wrong fields.

    A broken card file is a packaging mistake, so it fails loudly, naming the file.
    """
    where = f"cards/{card_id}.toml"
    data = tomllib.loads(text)
    expected = {*_TEXT_FIELDS, "topics"}
    if set(data) != expected:
        raise InvalidInput(
            where, f"needs exactly the fields {sorted(expected)}, got {sorted(data)}"
        )
    for name in _TEXT_FIELDS:
        if not isinstance(data[name], str) or not data[name].strip():
            raise InvalidInput(f"{where}:{name}", "must be non-empty text")
    topics = data["topics"]
    if not isinstance(topics, list) or not all(isinstance(t, str) and t for t in topics):
        raise InvalidInput(f"{where}:topics", "must be a list of non-empty texts")
    if data["id"] != card_id:
        raise InvalidInput(f"{where}:id", f"must match the file name, got {data['id']!r}")
    return Card(
        id=card_id,
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        source=data["source"],
        topics=tuple(topics),
    )


@cache
def all_cards() -> tuple[Card, ...]:
    """Every card, in the stable order of `CARD_IDS`; read from the package once, then cached."""
    folder = files(__name__)
    return tuple(
        _parse(card_id, folder.joinpath(f"{card_id}.toml").read_text(encoding="utf-8"))
        for card_id in CARD_IDS
    )


@cache
def _cards_by_id() -> dict[str, Card]:
    return {each.id: each for each in all_cards()}


def card(card_id: str) -> Card:
    """The card with this id; an unknown id is an input error that lists the known ones."""
    found = _cards_by_id().get(card_id)
    if found is None:
        raise InvalidInput("card", f"unknown card {card_id!r}; known: {', '.join(CARD_IDS)}")
    return found


@dataclass(frozen=True, slots=True)
class Moment:
    """What just happened, as far as choosing an education card is concerned (PROTOCOL.md 8).

    `triage_level` is the level of the latest check-in ("CONTINUE", "ASSESS" or "STOP";
    PROTOCOL.md 3), `pain_rose` that its pain after exceeded its pain before;
    `boom_bust_flagged` that the boom-and-bust rule fired (PROTOCOL.md 5); `flare_reported` that
    a flare was reported or detected (PROTOCOL.md 4); `high_fear_of_movement` that the latest
    TSK-11 is at or above the high-fear line (`scoring.Tsk11Score.high_fear`);
    `in_acupuncture_window` that today falls in the days after a visit (PROTOCOL.md 6);
    `phase_changed_to` the phase just entered, 1-4 (PROTOCOL.md 2).
    """

    triage_level: str | None = None
    pain_rose: bool = False
    boom_bust_flagged: bool = False
    flare_reported: bool = False
    high_fear_of_movement: bool = False
    in_acupuncture_window: bool = False
    phase_changed_to: int | None = None

    def __post_init__(self) -> None:
        known = tuple(level.value for level in Level)
        if self.triage_level is not None and self.triage_level not in known:
            raise InvalidInput(
                "moment.triage_level",
                f"must be one of {', '.join(known)}, got {self.triage_level!r}",
            )
        phase = self.phase_changed_to
        if phase is not None and (
            isinstance(phase, bool) or not isinstance(phase, int) or not 1 <= phase <= 4
        ):
            raise InvalidInput("moment.phase_changed_to", f"must be 1-4, got {phase!r}")


def pick_card(moment: Moment) -> Card | None:
    """The one card that fits the moment best, or None when no card is called for.

    PROTOCOL.md 8, with safety first. The rules are tried in this order and the first that
    applies wins:

    1. check-in at STOP or ASSESS -> `see_physician` (PROTOCOL.md 3: a warning sign outranks
       every other message);
    2. a flare -> `flares` (PROTOCOL.md 4: the plan is stepping back, say why and how);
    3. a CONTINUE check-in with more pain after than before -> `hurt_not_harm` (PROTOCOL.md 3
       and 8); a rise without a CONTINUE check-in is not enough, because only the check-in has
       ruled out the warning signs;
    4. boom and bust flagged -> `pacing` (PROTOCOL.md 5 and 8);
    5. high fear of movement -> `avoidance_cycle` (PROTOCOL.md 8);
    6. in the days after an acupuncture visit -> `acupuncture_launch_ramp` (PROTOCOL.md 6);
    7. a new phase begun -> `four_phases` (PROTOCOL.md 2).

    Why this order: what needs action now (a warning sign, then a flare) comes before what
    explains today's experience (more pain, boom and bust), which comes before background
    education (fear, acupuncture window, phase).
    """
    level = moment.triage_level
    if level in (Level.STOP, Level.ASSESS):
        return card("see_physician")
    if moment.flare_reported:
        return card("flares")
    if level == Level.CONTINUE and moment.pain_rose:
        return card("hurt_not_harm")
    if moment.boom_bust_flagged:
        return card("pacing")
    if moment.high_fear_of_movement:
        return card("avoidance_cycle")
    if moment.in_acupuncture_window:
        return card("acupuncture_launch_ramp")
    if moment.phase_changed_to is not None:
        return card("four_phases")
    return None
