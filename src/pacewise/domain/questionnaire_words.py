"""The questionnaires' words: the statements not kept in `scoring`, what an answer means in
plain words, and how it moved since the last one.

The answers arrive as the API stores them (`{"pain": 4, "enjoyment": 5, "activity": 3}` for the
PEG, `{"activities": [{"activity": ..., "rating": ...}]}` for the PSFS, `{"items": [...]}` for
the TSK-11, `{"rating": 6}` for the PGIC); the scores and the meaningful-change rules are
`scoring`'s (MEASURES.md), never worked out again here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from pacewise.domain.errors import InvalidInput
from pacewise.domain.scoring import (
    PegScore,
    PsfsScore,
    Tsk11Score,
    peg_change,
    psfs_change,
    score_peg,
    score_pgic,
    score_psfs,
    score_tsk11,
    tsk11_change,
)

__all__ = [
    "PSFS_ANCHORS",
    "PSFS_SOURCE",
    "TSK11_ANSWERS",
    "TSK11_SOURCE",
    "TSK11_STATEMENTS",
    "change_words",
    "score_words",
]

TSK11_SOURCE: Final = (
    "Tampa Scale for Kinesiophobia: Miller RP, Kori SH, Todd DD, 1991. Eleven-item version: "
    "Woby SR, Roach NK, Urmston M, Watson PJ. Pain 2005;117:137-144."
)
"""Whom to credit for the TSK-11 (MEASURES.md: free for clinical use, credit the authors)."""

TSK11_STATEMENTS: Final[tuple[str, ...]] = (
    "I'm afraid that I might injure myself if I exercise.",
    "If I were to try to overcome it, my pain would increase.",
    "My body is telling me I have something dangerously wrong.",
    "People aren't taking my medical condition seriously enough.",
    "My accident has put my body at risk for the rest of my life.",
    "Pain always means I have injured my body.",
    "Simply being careful that I do not make any unnecessary movements is the safest thing I "
    "can do to prevent my pain from worsening.",
    "I wouldn't have this much pain if there weren't something potentially dangerous going on "
    "in my body.",
    "Pain lets me know when to stop exercising so that I don't injure myself.",
    "I can't do all the things normal people do because it's too easy for me to get injured.",
    "No one should have to exercise when he/she is in pain.",
)
"""The TSK-11's statements as published, in the order of `scoring.TSK11_ITEMS_FROM_TSK17`
(items 1, 2, 3, 5, 6, 7, 10, 11, 13, 15 and 17 of the 17-item TSK)."""

TSK11_ANSWERS: Final[Mapping[int, str]] = MappingProxyType(
    {1: "Strongly disagree", 2: "Disagree", 3: "Agree", 4: "Strongly agree"}
)
"""The four answers to each TSK-11 statement (MEASURES.md: 1-4, no item reverse scored)."""

PSFS_SOURCE: Final = (
    "Patient-Specific Functional Scale: Stratford P, Gill C, Westaway M, Binkley J. "
    "Physiotherapy Canada 1995;47:258-263."
)
PSFS_ANCHORS: Final[tuple[str, str]] = (
    "Unable to perform the activity",
    "Able to perform the activity at the same level as before the problem",
)
"""What 0 and 10 mean on each PSFS activity (MEASURES.md: 0 unable, 10 able as before)."""


def _peg(answers: Mapping[str, Any]) -> PegScore:
    return score_peg(answers["pain"], answers["enjoyment"], answers["activity"])


def _psfs(answers: Mapping[str, Any]) -> PsfsScore:
    return score_psfs([(entry["activity"], entry["rating"]) for entry in answers["activities"]])


def _tsk11(answers: Mapping[str, Any]) -> Tsk11Score:
    return score_tsk11(answers["items"])


def score_words(instrument: str, answers: Mapping[str, Any]) -> str:
    """The score of one answer and what it means, for the patient and the clinician."""
    if instrument == "PEG":
        peg = _peg(answers)
        return (
            f"Your PEG score is {peg.shown} out of 10: the average of your three answers. "
            "Lower means pain is getting in the way of your life less."
        )
    if instrument == "PSFS":
        psfs = _psfs(answers)
        each = "; ".join(f"{entry.activity}: {entry.rating}" for entry in psfs.ratings)
        return (
            f"Your average activity rating is {psfs.shown} out of 10 ({each}). "
            "10 means able to do it as well as before the problem began."
        )
    if instrument == "TSK11":
        tsk = _tsk11(answers)
        words = (
            f"Your score is {tsk.total}, on a scale from 11 to 44 where higher means more "
            "worry that moving will cause harm."
        )
        if tsk.high_fear:
            words += (
                " Worry like this is common and understandable, and it can keep people from the "
                "movement that helps; the card on the avoidance cycle explains how to break it."
            )
        return words
    if instrument == "PGIC":
        pgic = score_pgic(answers["rating"])
        return f"You chose {pgic.rating} out of 7: \u201c{pgic.anchor}\u201d."
    raise InvalidInput("instrument", f"must be PEG, PSFS, TSK11 or PGIC, got {instrument!r}")


def change_words(
    instrument: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> str | None:
    """How the score moved from `before` to `after`, and whether the move is meaningful
    (MEASURES.md thresholds, through `scoring`); None for the PGIC, which is itself a change."""
    if instrument == "PEG":
        return peg_change(_peg(before), _peg(after)).explanation
    if instrument == "PSFS":
        change = psfs_change(_psfs(before), _psfs(after))
        return " ".join([change.mean.explanation, *(a.explanation for a in change.activities)])
    if instrument == "TSK11":
        return tsk11_change(_tsk11(before), _tsk11(after)).explanation
    return None
