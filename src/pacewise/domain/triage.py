"""Hurt is not harm: triage of the symptom check-in after a session (PROTOCOL.md 3).

Each check-in answer maps to one level, numbers can raise the level, and the worst finding wins.
The result says what to do now and which education card to show, in words a patient understands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pacewise.domain.errors import InvalidInput
from pacewise.domain.model import Level
from pacewise.domain.prescription import Prescription

CHECKIN_LEVELS: Mapping[str, Level] = {
    "tired_muscles": Level.CONTINUE,
    "mild_pain_increase": Level.CONTINUE,
    "effort_warmth": Level.CONTINUE,
    "stiffness_eases": Level.CONTINUE,
    "worsening_during": Level.ASSESS,
    "pain_over_24h": Level.ASSESS,
    "new_radiation": Level.ASSESS,
    "joint_swelling": Level.ASSESS,
    "chest_pain_or_breathless": Level.STOP,
    "dizziness_or_fainting": Level.STOP,
    "sudden_weakness_or_numbness": Level.STOP,
    "joint_instability": Level.STOP,
    "bladder_bowel_or_saddle_numbness": Level.STOP,
}
"""Every check-in answer and the level it sets (PROTOCOL.md 3, table and red flags)."""

CHECKIN_WORDS: Mapping[str, str] = {
    "tired_muscles": "Tired muscles while moving",
    "mild_pain_increase": "My usual pain went up a little",
    "effort_warmth": "I felt the effort and got warm",
    "stiffness_eases": "Stiff at first, easing as I moved",
    "worsening_during": "Pain kept getting worse while I moved",
    "pain_over_24h": "Pain from the session has lasted more than a day",
    "new_radiation": "New pain spreading into an arm or a leg",
    "joint_swelling": "A joint has swollen up a lot",
    "chest_pain_or_breathless": "Chest pain, or badly out of breath",
    "dizziness_or_fainting": "Dizzy, or I fainted",
    "sudden_weakness_or_numbness": "Sudden weakness or numbness in an arm or a leg",
    "joint_instability": "A painful joint gave way",
    "bladder_bowel_or_saddle_numbness": (
        "New trouble controlling bladder or bowels, or numbness around the groin or buttocks"
    ),
}
"""How each answer is offered to the patient: plain words, one line each."""

CALL_EMERGENCY = frozenset({"chest_pain_or_breathless", "dizziness_or_fainting"})
SAME_DAY_EMERGENCY = frozenset({"bladder_bowel_or_saddle_numbness"})

CARD_FOR_LEVEL: Mapping[Level, str] = {
    Level.CONTINUE: "hurt_not_harm",
    Level.ASSESS: "see_physician",
    Level.STOP: "see_physician",
}


@dataclass(frozen=True, slots=True)
class TriageResult:
    """What a check-in means: the level, why, what to do now, and the card to show."""

    level: Level
    reasons: tuple[str, ...]
    advice: str
    card: str
    emergency: bool = False

    @property
    def raises_alert(self) -> bool:
        """ASSESS raises a review alert and STOP an urgent one (PROTOCOL.md 3)."""
        return self.level is not Level.CONTINUE

    @property
    def urgent(self) -> bool:
        return self.level is Level.STOP


def validate_checkin(codes: Iterable[str], field: str = "checkin") -> tuple[str, ...]:
    """The codes in order without repeats; an unknown code is an error naming the valid ones."""
    checked: dict[str, None] = {}
    for index, code in enumerate(codes):
        if code not in CHECKIN_LEVELS:
            valid = ", ".join(CHECKIN_LEVELS)
            raise InvalidInput(
                f"{field}[{index}]", f"unknown check-in code '{code}'; valid: {valid}"
            )
        checked[code] = None
    return tuple(checked)


def triage(
    checkin: Iterable[str],
    pain_before: int | None = None,
    pain_after: int | None = None,
    prescription: Prescription | None = None,
) -> TriageResult:
    """Triage one session's check-in: the worst answer or number wins (PROTOCOL.md 3).

    A rise of `assess_pain_rise_points` or more from before to after the session is ASSESS;
    sessions without both pain ratings trigger no numeric rule.
    """
    rx = prescription or Prescription()
    codes = validate_checkin(checkin)
    findings: list[tuple[Level, str]] = [
        (CHECKIN_LEVELS[code], CHECKIN_WORDS[code]) for code in codes
    ]
    if (
        pain_before is not None
        and pain_after is not None
        and pain_after - pain_before >= rx.assess_pain_rise_points
    ):
        findings.append(
            (
                Level.ASSESS,
                f"Pain rose from {pain_before} to {pain_after} during the session "
                f"({rx.assess_pain_rise_points} points or more)",
            )
        )
    level = max(
        (found for found, _ in findings), key=lambda lv: lv.severity, default=Level.CONTINUE
    )
    reasons = tuple(words for found, words in findings if found is level)
    return TriageResult(
        level=level,
        reasons=reasons,
        advice=_advice(level, codes),
        card=CARD_FOR_LEVEL[level],
        emergency=level is Level.STOP and bool(set(codes) & (CALL_EMERGENCY | SAME_DAY_EMERGENCY)),
    )


def pain_outlasted_a_day(
    pain_before: int | None, next_day_pain: int | None, prescription: Prescription | None = None
) -> bool:
    """True when the next day's rating is still well above the session's starting pain.

    That rise has outlasted 24 h, which is ASSESS (PROTOCOL.md 3, numeric rules).
    """
    rx = prescription or Prescription()
    if pain_before is None or next_day_pain is None:
        return False
    return next_day_pain - pain_before >= rx.assess_next_day_rise_points


def _advice(level: Level, codes: tuple[str, ...]) -> str:
    if level is Level.CONTINUE:
        return (
            "Carry on with your plan. What you felt is the normal feeling of effort from muscles "
            "getting used to moving again: it can hurt, but it is not harm."
        )
    if level is Level.ASSESS:
        return (
            "Keep to light, comfortable activity and talk to your physician before doing more. "
            "Tell them what you noticed and when it started. Your clinician has been told, and "
            "your plan will not step up until they have reviewed it."
        )
    steps = ["Stop exercising now and rest."]
    if CALL_EMERGENCY & set(codes):
        steps.append(
            "If you have chest pain or bad breathlessness, or you fainted, call your local "
            "emergency number now."
        )
    if SAME_DAY_EMERGENCY & set(codes):
        steps.append(
            "New trouble controlling your bladder or bowels, or numbness around the groin or "
            "buttocks, needs emergency care today: go to an emergency department."
        )
    steps.append(
        "Do not exercise again until your physician has checked you. Your clinician has been "
        "alerted urgently."
    )
    return " ".join(steps)
