"""Score the standard questionnaires and judge whether a change between two scores matters.

The instruments and their facts come from MEASURES.md; PROTOCOL.md 7 says when each is asked.
Every threshold is a keyword parameter with a documented default, never a hidden constant, so a
clinician can change it per patient (PROTOCOL.md, preamble). Scores are kept exact: PEG and PSFS
means are computed from whole-number sums with `Fraction`, so a threshold test never fails
because of binary rounding, and they are rounded only when shown.

Validation names the offending field (`InvalidInput("tsk11.items[3]", ...)`) so that every edge
can show one clear line. Booleans are refused wherever a number is expected: `True` is an `int`
in Python, but a tick box is not an answer on a 0-10 scale.

Licences (MEASURES.md): the PEG is public domain, so its item wording is included below. The
TSK-11 wording is not embedded; its items are only numbered. The PGIC anchors are included
because the scale is free to use and its anchors must be shown as published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from pacewise.domain.errors import InvalidInput

__all__ = [
    "PEG_ITEMS",
    "PGIC_ANCHORS",
    "PGIC_RESPONDER_FROM",
    "PGIC_VERSION",
    "PSFS_MAX_ACTIVITIES",
    "TSK11_HIGH_FEAR_FROM",
    "TSK11_ITEMS_FROM_TSK17",
    "Change",
    "PegItem",
    "PegScore",
    "PgicScore",
    "PsfsChange",
    "PsfsRating",
    "PsfsScore",
    "Tsk11Score",
    "peg_change",
    "psfs_change",
    "score_peg",
    "score_pgic",
    "score_psfs",
    "score_tsk11",
    "tsk11_change",
]


# --- validation ---------------------------------------------------------------------------------


def _whole_number(field: str, value: object, low: int, high: int) -> int:
    """Return `value` if it is a whole number in `low`-`high`, else raise naming `field`.

    Why so strict: a missing answer (None), a tick box (bool) or a fraction (2.5) on a scale
    of whole numbers is an input error, and scoring it silently would hide it (MEASURES.md).
    """
    if value is None:
        raise InvalidInput(field, "is missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"must be a whole number {low}-{high}, got {value!r}")
    if not low <= value <= high:
        raise InvalidInput(field, f"must be {low}-{high}, got {value}")
    return value


def _threshold(field: str, value: object, *, low: float, high: float) -> Fraction:
    """Check a clinician-set threshold and return it exactly, so comparisons stay exact."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(field, f"must be a number, got {value!r}")
    if not low <= value <= high:
        raise InvalidInput(field, f"must be {low:g}-{high:g}, got {value:g}")
    return Fraction(value)


# --- change between two scores ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """How one score moved between two occasions, and whether the move matters.

    `difference` is `after - before` in the instrument's own points; `percent` is that
    difference as a percentage of `before` (None when `before` is 0, where it has no meaning).
    `improved` and `worsened` give the direction in the instrument's sense (a lower PEG or
    TSK-11 is better, a higher PSFS is better). `meaningful` says the size of the move passes the
    instrument's meaningful-change threshold (MEASURES.md), in whichever direction; a meaningful
    improvement is `improved and meaningful` (`meaningful_improvement`). `explanation` says all
    of this in plain words for the patient and the clinician (PROTOCOL.md, preamble).
    """

    label: str
    before: float
    after: float
    difference: float
    percent: float | None
    improved: bool
    worsened: bool
    meaningful: bool
    explanation: str

    @property
    def meaningful_improvement(self) -> bool:
        """True for a responder: the score moved the right way, by at least the threshold."""
        return self.improved and self.meaningful


def _show(value: Fraction, decimals: int) -> str:
    return f"{float(value):.{decimals}f}"


def _points(value: Fraction, decimals: int) -> str:
    shown = _show(abs(value), decimals)
    return f"{shown} point" if shown == "1" else f"{shown} points"


def _at_least(points: float) -> str:
    return f"at least {points:g} point{'' if points == 1 else 's'}"


def _change(
    label: str,
    before: Fraction,
    after: Fraction,
    *,
    lower_is_better: bool,
    meaningful: bool,
    rule: str,
    decimals: int,
    percent_in_words: bool = False,
) -> Change:
    """Build a `Change` and its explanation; the caller has already applied its rule.

    The percentage is put into words only where the rule uses it (PEG), so the patient is not
    shown a figure that decides nothing.
    """
    difference = after - before
    better = difference < 0 if lower_is_better else difference > 0
    worse = difference != 0 and not better
    percent = None if before == 0 else float(difference / before * 100)
    if difference == 0:
        explanation = f"{label} stayed at {_show(before, decimals)}."
    else:
        moved = "fell" if difference < 0 else "rose"
        size = _points(difference, decimals)
        if percent_in_words and percent is not None:
            size += f", {abs(percent):.0f} % {'lower' if difference < 0 else 'higher'}"
        direction = "improvement" if better else "worsening"
        verdict = (
            f"a meaningful {direction} ({rule})"
            if meaningful
            else f"{'an' if better else 'a'} {direction}, but smaller than a meaningful change "
            f"({rule})"
        )
        explanation = (
            f"{label} {moved} from {_show(before, decimals)} to {_show(after, decimals)} "
            f"({size}): {verdict}."
        )
    return Change(
        label=label,
        before=float(before),
        after=float(after),
        difference=float(difference),
        percent=percent,
        improved=better,
        worsened=worse,
        meaningful=meaningful,
        explanation=explanation,
    )


# --- PEG ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PegItem:
    """One PEG item as published (Krebs et al. 2009), with the words at both ends of its scale."""

    name: str
    text: str
    zero: str
    ten: str


PEG_ITEMS: Final[tuple[PegItem, PegItem, PegItem]] = (
    PegItem(
        "pain",
        "What number best describes your pain on average in the past week?",
        "No pain",
        "Pain as bad as you can imagine",
    ),
    PegItem(
        "enjoyment",
        "What number best describes how, during the past week, pain has interfered with your "
        "enjoyment of life?",
        "Does not interfere",
        "Completely interferes",
    ),
    PegItem(
        "activity",
        "What number best describes how, during the past week, pain has interfered with your "
        "general activity?",
        "Does not interfere",
        "Completely interferes",
    ),
)
"""The three PEG items (Krebs EE et al., J Gen Intern Med 2009;24:733-738); public domain (VA)."""


@dataclass(frozen=True, slots=True)
class PegScore:
    """A weekly PEG answer: pain, and pain's interference with enjoyment and with activity.

    MEASURES.md: PEG, three items 0-10, score = mean of the three, rounded for display only.
    The answers are checked on construction, so a `PegScore` is always a valid one.
    """

    pain: int
    enjoyment: int
    activity: int

    def __post_init__(self) -> None:
        for item in PEG_ITEMS:
            _whole_number(f"peg.{item.name}", getattr(self, item.name), 0, 10)

    @property
    def exact(self) -> Fraction:
        """The mean as an exact fraction; change rules compare this, never a rounded float."""
        return Fraction(self.pain + self.enjoyment + self.activity, 3)

    @property
    def score(self) -> float:
        """The mean of the three items, 0-10, unrounded (MEASURES.md: PEG)."""
        return float(self.exact)

    @property
    def shown(self) -> str:
        """The score rounded to one decimal, as a patient sees it ("4.3")."""
        return _show(self.exact, 1)


def score_peg(pain: int, enjoyment: int, activity: int) -> PegScore:
    """Validate and score one PEG (MEASURES.md: PEG; PROTOCOL.md 7: weekly, main outcome).

    Each item is a whole number 0-10; the score is their mean (`PegScore.score`).
    """
    return PegScore(pain=pain, enjoyment=enjoyment, activity=activity)


def peg_change(
    before: PegScore,
    after: PegScore,
    *,
    min_percent: float = 30.0,
    min_points: float = 1.0,
) -> Change:
    """Compare two PEG scores; meaningful when the move is both >= 30 % and >= 1 point.

    MEASURES.md gives a meaningful PEG change of "about 1 point (lower bound) to 2 points" and
    names 30 % improvement as the common responder threshold. Why both conditions by default:
    30 % is the responder rule we follow, but on a low baseline 30 % is a tiny move (2.0 to 1.3
    is 0.7 points), well inside the range MEASURES.md calls too small, so the 1-point lower
    bound is required as well. A clinician may set `min_points=2.0` for the stricter end of
    the range, or `min_percent=0` to judge by points alone. The same size is applied to rises,
    so that a marked worsening is reported as plainly as a marked improvement.
    """
    percent = _threshold("peg_change.min_percent", min_percent, low=0, high=100)
    points = _threshold("peg_change.min_points", min_points, low=0, high=10)
    size = abs(after.exact - before.exact)
    meaningful = 0 < size >= points and size * 100 >= percent * before.exact
    return _change(
        "Your PEG score",
        before.exact,
        after.exact,
        lower_is_better=True,
        meaningful=meaningful,
        rule=f"at least {min_percent:g} % of the earlier score and {_at_least(min_points)}",
        decimals=1,
        percent_in_words=True,
    )


# --- PSFS ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PsfsRating:
    """One activity the patient finds hard, rated 0 (unable) to 10 (able as before)."""

    activity: str
    rating: int

    @property
    def key(self) -> str:
        """The name as compared across occasions: case and spacing do not make a new activity."""
        return " ".join(self.activity.split()).casefold()


PSFS_MAX_ACTIVITIES: Final = 5
"""MEASURES.md / PROTOCOL.md 7: the patient names up to five activities."""


@dataclass(frozen=True, slots=True)
class PsfsScore:
    """A Patient-Specific Functional Scale answer (Stratford et al. 1995; MEASURES.md: PSFS).

    One to five activities, each named and rated 0-10; the score is the mean rating, and each
    activity is also tracked alone (PROTOCOL.md 2, phase 4: functional goals). Checked on
    construction, so a `PsfsScore` is always valid.
    """

    ratings: tuple[PsfsRating, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.ratings) <= PSFS_MAX_ACTIVITIES:
            raise InvalidInput(
                "psfs.ratings",
                f"needs 1-{PSFS_MAX_ACTIVITIES} activities, got {len(self.ratings)}",
            )
        seen: set[str] = set()
        for index, entry in enumerate(self.ratings):
            field = f"psfs.ratings[{index}]"
            if not isinstance(entry.activity, str) or not entry.activity.strip():
                raise InvalidInput(f"{field}.activity", "must name an activity")
            _whole_number(f"{field}.rating", entry.rating, 0, 10)
            if entry.key in seen:
                raise InvalidInput(f"{field}.activity", f"names {entry.activity!r} twice")
            seen.add(entry.key)

    @property
    def exact(self) -> Fraction:
        """The mean rating as an exact fraction, for the change rules."""
        return Fraction(sum(entry.rating for entry in self.ratings), len(self.ratings))

    @property
    def score(self) -> float:
        """The mean of the activity ratings, 0-10, unrounded."""
        return float(self.exact)

    @property
    def shown(self) -> str:
        """The mean rounded to one decimal, for display."""
        return _show(self.exact, 1)

    def rating_of(self, activity: str) -> int | None:
        """The rating of one activity (case and spacing ignored), or None if it was not named."""
        wanted = " ".join(activity.split()).casefold()
        return next((entry.rating for entry in self.ratings if entry.key == wanted), None)


def score_psfs(ratings: Sequence[tuple[str, int]]) -> PsfsScore:
    """Validate and score one PSFS answer: (activity, rating) pairs, 1 to 5 of them.

    Why 1-5 and not 3-5: MEASURES.md says the patient names 3-5 activities, but PROTOCOL.md 7
    says "up to 5", and at the first visit a patient may only be able to name one or two hard
    activities; refusing that answer would lose a real goal. Fewer than three is therefore
    accepted; the clinician sees how many were named. Activity names are stripped of outer
    spaces and must be non-empty and distinct (ignoring case), because each one is tracked on
    its own across occasions; ratings are whole numbers 0-10.
    """
    if isinstance(ratings, str | bytes) or not isinstance(ratings, Sequence):
        raise InvalidInput("psfs.ratings", "must be a list of (activity, rating) pairs")
    entries: list[PsfsRating] = []
    for index, pair in enumerate(ratings):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise InvalidInput(f"psfs.ratings[{index}]", "must be an (activity, rating) pair")
        activity, rating = pair
        name = activity.strip() if isinstance(activity, str) else activity
        entries.append(PsfsRating(activity=name, rating=rating))
    return PsfsScore(ratings=tuple(entries))


@dataclass(frozen=True, slots=True)
class PsfsChange:
    """How a PSFS answer moved: the mean, and each activity named on both occasions.

    `only_before` and `only_after` list activities named on one occasion only; they have no
    change of their own, and they make the two means cover different activities, which the
    clinician should know when reading `mean`.
    """

    mean: Change
    activities: tuple[Change, ...]
    only_before: tuple[str, ...]
    only_after: tuple[str, ...]


def psfs_change(
    before: PsfsScore,
    after: PsfsScore,
    *,
    min_mean_points: float = 2.0,
    min_activity_points: float = 3.0,
) -> PsfsChange:
    """Compare two PSFS answers: the mean (>= 2 points) and each shared activity (>= 3 points).

    MEASURES.md: PSFS, meaningful change about 2 points for the mean and 3 for a single
    activity. Activities are matched by name, ignoring case and spacing. The mean is taken over
    each occasion's own activities, as the instrument defines it, even if the patient replaced
    one; `only_before`/`only_after` say when that happened.
    """
    mean_rule = _threshold("psfs_change.min_mean_points", min_mean_points, low=0, high=10)
    activity_rule = _threshold(
        "psfs_change.min_activity_points", min_activity_points, low=0, high=10
    )
    mean_size = abs(after.exact - before.exact)
    mean = _change(
        "Your average activity rating",
        before.exact,
        after.exact,
        lower_is_better=False,
        meaningful=0 < mean_size >= mean_rule,
        rule=_at_least(min_mean_points),
        decimals=1,
    )
    earlier = {entry.key: entry for entry in before.ratings}
    later_keys = {entry.key for entry in after.ratings}
    activities = tuple(
        _change(
            f"Your rating for '{earlier[entry.key].activity}'",
            Fraction(earlier[entry.key].rating),
            Fraction(entry.rating),
            lower_is_better=False,
            meaningful=0 < abs(entry.rating - earlier[entry.key].rating) >= activity_rule,
            rule=_at_least(min_activity_points),
            decimals=0,
        )
        for entry in after.ratings
        if entry.key in earlier
    )
    return PsfsChange(
        mean=mean,
        activities=activities,
        only_before=tuple(e.activity for e in before.ratings if e.key not in later_keys),
        only_after=tuple(e.activity for e in after.ratings if e.key not in earlier),
    )


# --- TSK-11 -------------------------------------------------------------------------------------


TSK11_ITEMS_FROM_TSK17: Final[tuple[int, ...]] = (1, 2, 3, 5, 6, 7, 10, 11, 13, 15, 17)
"""Which items of the 17-item TSK make up the TSK-11, in order (Woby et al. 2005, Pain).

The short form dropped items 4, 8, 9, 12, 14 and 16; 4, 8, 12 and 16 were the reverse-worded
ones, so no TSK-11 item is reverse scored (MEASURES.md: TSK-11). Item wording is not embedded.
"""

TSK11_HIGH_FEAR_FROM: Final = 29
"""Default total from which fear of movement counts as high; a design choice (see `score_tsk11`)."""


@dataclass(frozen=True, slots=True)
class Tsk11Score:
    """A TSK-11 answer: 11 items, each 1 (strongly disagree) to 4 (strongly agree).

    MEASURES.md: TSK-11, score = plain sum, 11-44, higher = more fear of movement; no item is
    reverse scored. `high_fear_from` is the score at which fear of movement counts as high for
    the card picker (PROTOCOL.md 8); see `score_tsk11` for why its default is 29.
    """

    items: tuple[int, ...]
    high_fear_from: int = TSK11_HIGH_FEAR_FROM

    def __post_init__(self) -> None:
        if len(self.items) != len(TSK11_ITEMS_FROM_TSK17):
            raise InvalidInput(
                "tsk11.items",
                f"needs {len(TSK11_ITEMS_FROM_TSK17)} answers, got {len(self.items)}",
            )
        for index, answer in enumerate(self.items):
            _whole_number(f"tsk11.items[{index}]", answer, 1, 4)
        _whole_number("tsk11.high_fear_from", self.high_fear_from, 11, 44)

    @property
    def total(self) -> int:
        """The plain sum of the 11 answers, 11-44 (no reverse scoring: MEASURES.md)."""
        return sum(self.items)

    @property
    def high_fear(self) -> bool:
        """True when the total reaches `high_fear_from`: show the avoidance-cycle card."""
        return self.total >= self.high_fear_from


def score_tsk11(items: Sequence[int], *, high_fear_from: int = TSK11_HIGH_FEAR_FROM) -> Tsk11Score:
    """Validate and score one TSK-11 (MEASURES.md: TSK-11; PROTOCOL.md 7: every 4 weeks).

    Exactly 11 answers in the order of the short form, each a whole number 1-4; the score is
    their sum, 11-44, with no item reversed.

    `high_fear_from` (default 29) is a design choice, not a published standard: there is no
    universally agreed TSK-11 cut-off. 29 is where the "moderate" band begins in the severity
    categories proposed by Chimenti et al. 2021 (Front Pain Res 2:739051; minimal <= 22,
    low 23-28, moderate 29-35, high >= 36), which were derived in Achilles tendinopathy, not in
    chronic pain at large. It is also just above the scale's midpoint (27.5): on balance the
    patient agrees with fear-of-movement statements. We chose the lower, moderate boundary
    rather than 36 on purpose, because all that hangs on the flag is showing the
    avoidance-cycle education card (PROTOCOL.md 8); missing a fearful patient costs more than
    showing a short card to one who is only moderately afraid.
    """
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise InvalidInput("tsk11.items", "must be a list of 11 answers")
    return Tsk11Score(items=tuple(items), high_fear_from=high_fear_from)


def tsk11_change(before: Tsk11Score, after: Tsk11Score, *, min_points: int = 4) -> Change:
    """Compare two TSK-11 totals; a fall of at least 4 points is a meaningful improvement.

    MEASURES.md: TSK-11, "a fall of at least 4 points" (Woby et al. 2005 found a reduction of
    at least 4 points best identified an important fall in fear of movement). The published
    figure is for falls; the same size is applied to rises so that a marked increase in fear is
    flagged for the clinician too.
    """
    points = _whole_number("tsk11_change.min_points", min_points, 1, 33)
    size = abs(after.total - before.total)
    return _change(
        "Your fear-of-movement score (TSK-11)",
        Fraction(before.total),
        Fraction(after.total),
        lower_is_better=True,
        meaningful=size >= points,
        rule=_at_least(points),
        decimals=0,
    )


# --- PGIC ---------------------------------------------------------------------------------------


PGIC_VERSION: Final = (
    "Hurst H, Bolton J. Assessing the clinical significance of change scores recorded on "
    "subjective outcome measures. J Manipulative Physiol Ther 2004;27(1):26-35"
)
"""The one published PGIC version whose anchors we use everywhere (MEASURES.md: PGIC)."""

PGIC_ANCHORS: Final[Mapping[int, str]] = MappingProxyType(
    {
        1: "No change (or condition has got worse)",
        2: "Almost the same, hardly any change at all",
        3: "A little better, but no noticeable change",
        4: "Somewhat better, but the change has not made any real difference",
        5: "Moderately better, and a slight but noticeable change",
        6: "Better, and a definite improvement that has made a real and worthwhile difference",
        7: "A great deal better, and a considerable improvement that has made all the difference",
    }
)
"""PGIC answer labels, 1-7, as published in `PGIC_VERSION` (Hurst & Bolton 2004)."""

PGIC_RESPONDER_FROM: Final = 6
"""Default lowest PGIC answer that counts as a responder (MEASURES.md: "6-7")."""


@dataclass(frozen=True, slots=True)
class PgicScore:
    """A Patient Global Impression of Change answer, 1-7 (MEASURES.md: PGIC).

    `responder_from` is the lowest answer that counts as a responder; the default 6 is the
    "much better or more (6-7)" line of MEASURES.md, which in this version means "Better, and a
    definite improvement..." or "A great deal better...".
    """

    rating: int
    responder_from: int = PGIC_RESPONDER_FROM

    def __post_init__(self) -> None:
        _whole_number("pgic.rating", self.rating, 1, 7)
        _whole_number("pgic.responder_from", self.responder_from, 1, 7)

    @property
    def anchor(self) -> str:
        """The published label of the answer given."""
        return PGIC_ANCHORS[self.rating]

    @property
    def responder(self) -> bool:
        """True when the patient reports at least the responder level of improvement."""
        return self.rating >= self.responder_from


def score_pgic(rating: int, *, responder_from: int = PGIC_RESPONDER_FROM) -> PgicScore:
    """Validate one PGIC answer, 1-7 (PROTOCOL.md 7: week 12 and later); responder when >= 6.

    The anchors are those of Hurst & Bolton 2004 (`PGIC_ANCHORS`), where 1 is "no change or
    worse" and 7 "a great deal better". Other published versions run the other way (1 = very
    much improved), so an imported PGIC must be mapped to this version before scoring.
    """
    return PgicScore(rating=rating, responder_from=responder_from)
