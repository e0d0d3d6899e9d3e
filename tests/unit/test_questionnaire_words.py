"""A questionnaire answer in words, and its change since the last one (MEASURES.md)."""

from __future__ import annotations

from pacewise.domain.questionnaire_words import TSK11_STATEMENTS, change_words, score_words
from pacewise.domain.scoring import TSK11_ITEMS_FROM_TSK17


def test_peg_words_give_the_mean_to_one_decimal() -> None:
    words = score_words("PEG", {"pain": 4, "enjoyment": 5, "activity": 4})
    assert "4.3 out of 10" in words


def test_a_peg_fall_of_two_points_is_a_meaningful_improvement() -> None:
    words = change_words(
        "PEG",
        {"pain": 6, "enjoyment": 6, "activity": 6},
        {"pain": 4, "enjoyment": 4, "activity": 4},
    )
    assert words is not None
    assert "fell from 6.0 to 4.0" in words
    assert "meaningful improvement" in words


def test_high_fear_of_movement_points_to_the_avoidance_cycle() -> None:
    assert "avoidance cycle" in score_words("TSK11", {"items": [3] * 11})
    assert "avoidance cycle" not in score_words("TSK11", {"items": [1] * 11})


def test_psfs_words_name_each_activity() -> None:
    words = score_words(
        "PSFS",
        {"activities": [{"activity": "stairs", "rating": 3}, {"activity": "garden", "rating": 6}]},
    )
    assert "4.5 out of 10" in words
    assert "stairs: 3" in words


def test_pgic_shows_the_published_anchor_and_has_no_change() -> None:
    assert "A great deal better" in score_words("PGIC", {"rating": 7})
    assert change_words("PGIC", {"rating": 3}, {"rating": 7}) is None


def test_there_is_one_tsk11_statement_per_scored_item() -> None:
    assert len(TSK11_STATEMENTS) == len(TSK11_ITEMS_FROM_TSK17)
