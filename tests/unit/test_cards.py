"""Education cards: content rules and the choice of card for a moment (PROTOCOL.md 8)."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import pytest

from pacewise.domain.cards import CARD_IDS, Card, Moment, all_cards, card, pick_card
from pacewise.domain.errors import InvalidInput
from pacewise.domain.model import Level

# The clinical source lives in the project's shared folder, beside the repository (as in CI);
# PACEWISE_SOURCE_TEXT points elsewhere when the checkout is laid out differently.
SOURCE = Path(
    os.environ.get(
        "PACEWISE_SOURCE_TEXT",
        Path(__file__).resolve().parents[3] / "shared" / "seed" / "movement-as-medicine.txt",
    )
)
COPIED_RUN = 8  # a run this long shared with the source counts as copied wording

EXPECTED_IDS = {
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
}


def _source_text() -> str:
    assert SOURCE.exists(), f"the clinical source text is needed at {SOURCE}"
    return SOURCE.read_text(encoding="utf-8")


def _words(text: str) -> list[str]:
    """Lower-case words with punctuation dropped, so copying cannot hide behind commas."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], length: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


# --- content ------------------------------------------------------------------------------------


def test_every_card_id_loads() -> None:
    assert {each.id for each in all_cards()} == EXPECTED_IDS
    for card_id in EXPECTED_IDS:
        assert card(card_id).id == card_id


def test_all_cards_order_is_stable_and_cached() -> None:
    assert tuple(each.id for each in all_cards()) == CARD_IDS
    assert all_cards() is all_cards()


def test_every_card_file_is_listed() -> None:
    folder = files("pacewise.domain.cards")
    on_disk = {entry.name.removesuffix(".toml") for entry in folder.iterdir()}
    assert {name for name in on_disk if not name.startswith(("_", "."))} == EXPECTED_IDS


@pytest.mark.parametrize("card_id", sorted(EXPECTED_IDS))
def test_card_body_is_60_to_160_words(card_id: str) -> None:
    words = len(card(card_id).body.split())
    assert 60 <= words <= 160, f"{card_id}: {words} words"


@pytest.mark.parametrize("card_id", sorted(EXPECTED_IDS))
def test_card_has_title_source_one_sentence_summary_and_topics(card_id: str) -> None:
    each = card(card_id)
    assert each.title.strip()
    assert each.source.strip()
    assert "Movement as Medicine" in each.source
    assert each.summary.endswith(".")
    assert not re.search(r"[.!?]\s", each.summary), "summary must be one sentence"
    assert each.topics
    assert all(topic.strip() for topic in each.topics)


@pytest.mark.parametrize("card_id", sorted(EXPECTED_IDS))
def test_card_is_in_our_own_words(card_id: str) -> None:
    source_runs = _runs(_words(_source_text()), COPIED_RUN)
    each = card(card_id)
    for part in (each.title, each.summary, each.body):
        copied = _runs(_words(part), COPIED_RUN) & source_runs
        assert not copied, f"{card_id} copies the source: {[' '.join(r) for r in copied]}"


def test_own_words_check_catches_a_copied_sentence() -> None:
    copied = "Pacing is a gradual-activation strategy: starting with a comfortable amount."
    source_runs = _runs(_words(_source_text()), COPIED_RUN)
    assert _runs(_words(copied), COPIED_RUN) & source_runs


def test_see_physician_card_names_the_red_flags() -> None:
    body = card("see_physician").body.lower()
    for sign in ("chest pain", "fainting", "bladder", "bowel", "saddle", "same day"):
        assert sign in body


def test_unknown_card_is_invalid_input_listing_known_ids() -> None:
    with pytest.raises(InvalidInput) as raised:
        card("x")
    assert raised.value.field == "card"
    assert raised.value.message.startswith("unknown card 'x'; known: avoidance_cycle, ")


def test_card_is_immutable() -> None:
    each = card("pacing")
    with pytest.raises(AttributeError):
        each.title = "changed"  # type: ignore[misc]
    assert isinstance(each, Card)


# --- picking the card for the moment ------------------------------------------------------------


def _picked(moment: Moment) -> str | None:
    chosen = pick_card(moment)
    return None if chosen is None else chosen.id


@pytest.mark.parametrize("level", ["STOP", "ASSESS", Level.STOP, Level.ASSESS])
def test_stop_or_assess_shows_see_physician(level: str) -> None:
    assert _picked(Moment(triage_level=level)) == "see_physician"


def test_flare_shows_flares() -> None:
    assert _picked(Moment(flare_reported=True)) == "flares"


def test_continue_with_pain_rose_shows_hurt_not_harm() -> None:
    assert _picked(Moment(triage_level="CONTINUE", pain_rose=True)) == "hurt_not_harm"


def test_pain_rose_without_continue_check_in_does_not_show_hurt_not_harm() -> None:
    assert _picked(Moment(pain_rose=True)) is None
    assert _picked(Moment(triage_level="CONTINUE")) is None


def test_boom_bust_flagged_shows_pacing() -> None:
    assert _picked(Moment(boom_bust_flagged=True)) == "pacing"


def test_high_fear_of_movement_shows_avoidance_cycle() -> None:
    assert _picked(Moment(high_fear_of_movement=True)) == "avoidance_cycle"


def test_in_acupuncture_window_shows_acupuncture_launch_ramp() -> None:
    assert _picked(Moment(in_acupuncture_window=True)) == "acupuncture_launch_ramp"


def test_phase_change_shows_four_phases() -> None:
    assert _picked(Moment(phase_changed_to=2)) == "four_phases"


def test_quiet_moment_shows_no_card() -> None:
    assert pick_card(Moment()) is None


def test_safety_comes_first_when_everything_applies() -> None:
    everything = Moment(
        pain_rose=True,
        boom_bust_flagged=True,
        flare_reported=True,
        high_fear_of_movement=True,
        in_acupuncture_window=True,
        phase_changed_to=3,
    )
    assert _picked(replace(everything, triage_level="STOP")) == "see_physician"
    assert _picked(replace(everything, triage_level="ASSESS")) == "see_physician"
    assert _picked(replace(everything, triage_level="CONTINUE")) == "flares"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (Moment(triage_level="CONTINUE", pain_rose=True, boom_bust_flagged=True), "hurt_not_harm"),
        (Moment(boom_bust_flagged=True, high_fear_of_movement=True), "pacing"),
        (Moment(high_fear_of_movement=True, in_acupuncture_window=True), "avoidance_cycle"),
        (Moment(in_acupuncture_window=True, phase_changed_to=4), "acupuncture_launch_ramp"),
    ],
)
def test_pick_order_follows_the_documented_precedence(moment: Moment, expected: str) -> None:
    assert _picked(moment) == expected


def test_moment_rejects_unknown_triage_level() -> None:
    with pytest.raises(InvalidInput) as raised:
        Moment(triage_level="PANIC")
    assert raised.value.field == "moment.triage_level"


@pytest.mark.parametrize("phase", [0, 5, True])
def test_moment_rejects_phase_outside_1_to_4(phase: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        Moment(phase_changed_to=phase)
    assert raised.value.field == "moment.phase_changed_to"


def test_every_card_the_triage_shows_exists() -> None:
    from pacewise.domain.triage import CARD_FOR_LEVEL

    for card_id in CARD_FOR_LEVEL.values():
        assert card(card_id).id == card_id
