"""Scoring of PEG, PSFS, TSK-11 and PGIC, and their meaningful-change rules (MEASURES.md)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacewise.domain.errors import InvalidInput
from pacewise.domain.scoring import (
    PEG_ITEMS,
    PGIC_ANCHORS,
    TSK11_ITEMS_FROM_TSK17,
    peg_change,
    psfs_change,
    score_peg,
    score_pgic,
    score_psfs,
    score_tsk11,
    tsk11_change,
)

# --- PEG ----------------------------------------------------------------------------------------


def test_peg_score_is_mean_of_three_items() -> None:
    peg = score_peg(pain=7, enjoyment=4, activity=5)
    assert peg.score == pytest.approx(16 / 3)
    assert peg.score != round(peg.score, 1)  # kept exact, not rounded


def test_peg_is_rounded_only_for_display() -> None:
    assert score_peg(7, 4, 5).shown == "5.3"
    assert score_peg(7, 5, 5).shown == "5.7"
    assert score_peg(0, 0, 0).shown == "0.0"


def test_peg_items_are_the_three_published_items() -> None:
    assert [item.name for item in PEG_ITEMS] == ["pain", "enjoyment", "activity"]
    assert "enjoyment of life" in PEG_ITEMS[1].text
    assert "general activity" in PEG_ITEMS[2].text


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ((11, 0, 0), "peg.pain", "must be 0-10, got 11"),
        ((0, -1, 0), "peg.enjoyment", "must be 0-10, got -1"),
        ((0, 0, None), "peg.activity", "is missing"),
        ((0, 0, 2.5), "peg.activity", "must be a whole number 0-10, got 2.5"),
        ((True, 0, 0), "peg.pain", "must be a whole number 0-10, got True"),
    ],
)
def test_peg_rejects_answers_outside_0_to_10(
    answers: tuple[Any, Any, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        score_peg(*answers)
    assert raised.value.field == field
    assert raised.value.message == message


def test_peg_change_of_30_percent_and_1_point_is_meaningful_improvement() -> None:
    change = peg_change(score_peg(6, 6, 6), score_peg(4, 4, 4))
    assert change.difference == pytest.approx(-2.0)
    assert change.percent == pytest.approx(-100 / 3)
    assert change.improved
    assert change.meaningful
    assert change.meaningful_improvement
    assert "meaningful improvement" in change.explanation


def test_peg_change_under_30_percent_is_not_meaningful() -> None:
    change = peg_change(score_peg(9, 9, 9), score_peg(7, 7, 7))  # 2 points, 22 %
    assert change.improved
    assert not change.meaningful


def test_peg_change_of_30_percent_but_under_1_point_is_not_meaningful() -> None:
    change = peg_change(score_peg(2, 2, 2), score_peg(1, 2, 1))  # 0.67 points, 33 %
    assert change.improved
    assert not change.meaningful


def test_peg_change_exactly_on_the_point_threshold_is_meaningful() -> None:
    # 8/3 -> 5/3 is exactly 1 point, but in binary floats it comes out just under 1.
    change = peg_change(score_peg(3, 3, 2), score_peg(2, 2, 1))
    assert abs(5 / 3 - 8 / 3) < 1.0  # the trap the exact arithmetic avoids
    assert change.meaningful


def test_peg_change_exactly_on_the_percent_threshold_is_meaningful() -> None:
    change = peg_change(score_peg(4, 3, 3), score_peg(3, 2, 2))  # 10/3 -> 7/3: 1 point, 30 %
    assert change.percent == pytest.approx(-30.0)
    assert change.meaningful
    assert not peg_change(score_peg(4, 3, 3), score_peg(3, 2, 2), min_percent=31).meaningful


def test_peg_change_thresholds_are_settings() -> None:
    before, after = score_peg(9, 9, 9), score_peg(7, 7, 7)
    assert not peg_change(before, after).meaningful
    assert peg_change(before, after, min_percent=20.0).meaningful
    assert not peg_change(before, after, min_percent=0, min_points=2.5).meaningful


def test_peg_change_reports_meaningful_worsening_as_worsening() -> None:
    change = peg_change(score_peg(3, 3, 3), score_peg(5, 5, 5))
    assert change.worsened
    assert not change.improved
    assert change.meaningful
    assert not change.meaningful_improvement
    assert "meaningful worsening" in change.explanation


def test_peg_change_with_no_difference_is_neither_better_nor_worse() -> None:
    change = peg_change(score_peg(4, 4, 4), score_peg(5, 4, 3))
    assert (change.improved, change.worsened, change.meaningful) == (False, False, False)
    assert change.explanation == "Your PEG score stayed at 4.0."


def test_peg_change_from_zero_has_no_percent() -> None:
    change = peg_change(score_peg(0, 0, 0), score_peg(2, 2, 2))
    assert change.percent is None
    assert change.meaningful


def test_peg_change_rejects_a_negative_threshold() -> None:
    with pytest.raises(InvalidInput) as raised:
        peg_change(score_peg(1, 1, 1), score_peg(1, 1, 1), min_points=-1)
    assert raised.value.field == "peg_change.min_points"


@given(st.integers(0, 10), st.integers(0, 10), st.integers(0, 10))
def test_peg_score_is_always_within_0_to_10(pain: int, enjoyment: int, activity: int) -> None:
    peg = score_peg(pain, enjoyment, activity)
    assert 0 <= peg.score <= 10
    assert min(pain, enjoyment, activity) <= peg.score <= max(pain, enjoyment, activity)


# --- PSFS ---------------------------------------------------------------------------------------


def test_psfs_score_is_mean_of_activity_ratings() -> None:
    psfs = score_psfs([("climbing stairs", 2), ("carrying my child", 5), ("gardening", 6)])
    assert psfs.score == pytest.approx(13 / 3)
    assert psfs.shown == "4.3"


def test_psfs_tracks_each_activity_alone() -> None:
    psfs = score_psfs([("Climbing stairs", 2), ("gardening", 6)])
    assert psfs.rating_of("climbing  STAIRS") == 2
    assert psfs.rating_of("gardening") == 6
    assert psfs.rating_of("swimming") is None


def test_psfs_accepts_one_to_five_activities() -> None:
    assert score_psfs([("walking", 3)]).score == 3
    five = [(f"activity {n}", n) for n in range(5)]
    assert score_psfs(five).score == 2


@pytest.mark.parametrize(
    ("ratings", "field", "message"),
    [
        ([], "psfs.ratings", "needs 1-5 activities, got 0"),
        ([(f"a{n}", 1) for n in range(6)], "psfs.ratings", "needs 1-5 activities, got 6"),
        ([("walking", 3), ("  ", 4)], "psfs.ratings[1].activity", "must name an activity"),
        ([("walking", 11)], "psfs.ratings[0].rating", "must be 0-10, got 11"),
        ([("walking", None)], "psfs.ratings[0].rating", "is missing"),
        ([("walking", False)], "psfs.ratings[0].rating", "must be a whole number 0-10, got False"),
        (
            [("Walking", 3), ("walking ", 4)],
            "psfs.ratings[1].activity",
            "names 'walking' twice",
        ),
        ([("walking",)], "psfs.ratings[0]", "must be an (activity, rating) pair"),
    ],
)
def test_psfs_rejects_invalid_answers(ratings: Any, field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        score_psfs(ratings)
    assert raised.value.field == field
    assert raised.value.message == message


def test_psfs_mean_change_of_2_points_is_meaningful() -> None:
    before = score_psfs([("stairs", 2), ("gardening", 4)])
    after = score_psfs([("stairs", 4), ("gardening", 6)])
    change = psfs_change(before, after)
    assert change.mean.difference == pytest.approx(2.0)
    assert change.mean.meaningful_improvement


def test_psfs_activity_change_needs_3_points() -> None:
    before = score_psfs([("stairs", 2), ("gardening", 4)])
    after = score_psfs([("stairs", 5), ("gardening", 6)])
    by_label = {c.label: c for c in psfs_change(before, after).activities}
    assert by_label["Your rating for 'stairs'"].meaningful_improvement
    assert not by_label["Your rating for 'gardening'"].meaningful
    assert by_label["Your rating for 'gardening'"].improved


def test_psfs_change_compares_only_activities_named_both_times() -> None:
    before = score_psfs([("stairs", 2), ("running", 1)])
    after = score_psfs([("Stairs", 6), ("swimming", 5)])
    change = psfs_change(before, after)
    assert [c.label for c in change.activities] == ["Your rating for 'stairs'"]
    assert change.only_before == ("running",)
    assert change.only_after == ("swimming",)


def test_psfs_lower_rating_is_a_worsening() -> None:
    change = psfs_change(score_psfs([("stairs", 8)]), score_psfs([("stairs", 4)]))
    assert change.mean.worsened
    assert change.activities[0].worsened
    assert change.activities[0].meaningful


# --- TSK-11 -------------------------------------------------------------------------------------


def test_tsk11_has_no_reverse_scored_items() -> None:
    # Agreeing more with any single item raises the total by exactly that much; a reverse-scored
    # item would lower it instead (MEASURES.md: TSK-11).
    neutral = score_tsk11([2] * 11).total
    for index in range(11):
        answers = [2] * 11
        answers[index] = 3
        assert score_tsk11(answers).total == neutral + 1


def test_tsk11_short_form_drops_the_reverse_worded_tsk17_items() -> None:
    assert len(TSK11_ITEMS_FROM_TSK17) == 11
    assert not {4, 8, 12, 16} & set(TSK11_ITEMS_FROM_TSK17)
    assert not {9, 14} & set(TSK11_ITEMS_FROM_TSK17)


def test_tsk11_score_is_sum_from_11_to_44() -> None:
    assert score_tsk11([1] * 11).total == 11
    assert score_tsk11([4] * 11).total == 44


def test_tsk11_high_fear_from_29_by_default() -> None:
    at_28 = score_tsk11([3] * 6 + [2] * 5)
    at_29 = score_tsk11([3] * 7 + [2] * 4)
    assert (at_28.total, at_29.total) == (28, 29)
    assert not at_28.high_fear
    assert at_29.high_fear


def test_tsk11_high_fear_threshold_is_a_setting() -> None:
    answers = [3] * 6 + [2] * 5  # 28
    assert not score_tsk11(answers).high_fear
    assert score_tsk11(answers, high_fear_from=28).high_fear
    assert not score_tsk11([3] * 11, high_fear_from=36).high_fear


@pytest.mark.parametrize(
    ("items", "field", "message"),
    [
        ([1] * 10, "tsk11.items", "needs 11 answers, got 10"),
        ([1] * 12, "tsk11.items", "needs 11 answers, got 12"),
        ([1, 1, 1, 5, 1, 1, 1, 1, 1, 1, 1], "tsk11.items[3]", "must be 1-4, got 5"),
        ([0] + [1] * 10, "tsk11.items[0]", "must be 1-4, got 0"),
        ([1] * 10 + [None], "tsk11.items[10]", "is missing"),
        ([1] * 10 + [True], "tsk11.items[10]", "must be a whole number 1-4, got True"),
        ("12341234123", "tsk11.items", "must be a list of 11 answers"),
    ],
)
def test_tsk11_rejects_invalid_answers(items: Any, field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        score_tsk11(items)
    assert raised.value.field == field
    assert raised.value.message == message


def test_tsk11_fall_of_4_points_is_meaningful() -> None:
    before = score_tsk11([3] * 11)  # 33
    after = score_tsk11([3] * 7 + [2] * 4)  # 29
    change = tsk11_change(before, after)
    assert change.difference == -4
    assert change.meaningful_improvement
    assert "fell from 33 to 29 (4 points)" in change.explanation


def test_tsk11_fall_of_3_points_is_not_meaningful() -> None:
    change = tsk11_change(score_tsk11([3] * 11), score_tsk11([3] * 8 + [2] * 3))
    assert change.improved
    assert not change.meaningful


def test_tsk11_rise_is_a_worsening() -> None:
    change = tsk11_change(score_tsk11([2] * 11), score_tsk11([3] * 11))
    assert change.worsened
    assert change.meaningful
    assert not change.meaningful_improvement


@given(st.lists(st.integers(1, 4), min_size=11, max_size=11))
def test_tsk11_sum_is_always_within_11_to_44(items: list[int]) -> None:
    score = score_tsk11(items)
    assert 11 <= score.total <= 44
    assert score.total == sum(items)


@given(
    st.lists(st.integers(1, 4), min_size=11, max_size=11),
    st.lists(st.integers(1, 4), min_size=11, max_size=11),
)
def test_tsk11_change_is_meaningful_exactly_when_it_moves_4_or_more(
    first: list[int], second: list[int]
) -> None:
    change = tsk11_change(score_tsk11(first), score_tsk11(second))
    assert change.meaningful == (abs(sum(second) - sum(first)) >= 4)
    assert change.improved == (sum(second) < sum(first))


# --- PGIC ---------------------------------------------------------------------------------------


def test_pgic_uses_one_published_version_of_seven_anchors() -> None:
    assert sorted(PGIC_ANCHORS) == [1, 2, 3, 4, 5, 6, 7]
    assert PGIC_ANCHORS[1] == "No change (or condition has got worse)"
    assert PGIC_ANCHORS[7].startswith("A great deal better")


def test_pgic_responder_from_6() -> None:
    assert not score_pgic(5).responder
    assert score_pgic(6).responder
    assert score_pgic(7).responder
    assert score_pgic(6).anchor == PGIC_ANCHORS[6]


def test_pgic_responder_line_is_a_setting() -> None:
    assert score_pgic(5, responder_from=5).responder
    assert not score_pgic(6, responder_from=7).responder


@pytest.mark.parametrize(
    ("rating", "message"),
    [
        (0, "must be 1-7, got 0"),
        (8, "must be 1-7, got 8"),
        (None, "is missing"),
        (True, "must be a whole number 1-7, got True"),
        ("6", "must be a whole number 1-7, got '6'"),
    ],
)
def test_pgic_rejects_answers_outside_1_to_7(rating: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        score_pgic(rating)
    assert raised.value.field == "pgic.rating"
    assert raised.value.message == message
