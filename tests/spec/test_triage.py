"""PROTOCOL.md 3: hurt is not harm, the symptom check-in and the alerts it raises.

The table below is written from the protocol's own table, not from the engine's; the first test
checks that the engine offers exactly these answers.
"""

from __future__ import annotations

import pytest

from pacewise.domain import (
    Alert,
    Decision,
    InvalidInput,
    Level,
    Prescription,
    Session,
    run_protocol,
    triage,
)
from pacewise.domain.alerts import alerts_from_sessions, apply_clearances
from pacewise.domain.triage import CHECKIN_LEVELS

from .patients import day, new_history, plan

CONTINUE_SIGNS = {
    "tired_muscles": "tired muscles during effort",
    "mild_pain_increase": "a mild rise in the usual pain",
    "effort_warmth": "feeling of effort and warmth",
    "stiffness_eases": "stiffness after rest that eases with movement",
}
ASSESS_SIGNS = {
    "worsening_during": "pain that gets steadily worse during the exercise",
    "pain_over_24h": "pain lasting more than 24 h after exercise",
    "new_radiation": "new pain spreading into an arm or leg",
    "joint_swelling": "marked joint swelling",
}
STOP_SIGNS = {
    "chest_pain_or_breathless": "chest pain or severe breathlessness",
    "dizziness_or_fainting": "dizziness or fainting",
    "sudden_weakness_or_numbness": "sudden weakness or numbness in a limb",
    "joint_instability": "joint pain with the joint giving way",
    "bladder_bowel_or_saddle_numbness": "red flag: bladder or bowel control, saddle numbness",
}
PROTOCOL_TABLE = (
    dict.fromkeys(CONTINUE_SIGNS, Level.CONTINUE)
    | dict.fromkeys(ASSESS_SIGNS, Level.ASSESS)
    | dict.fromkeys(STOP_SIGNS, Level.STOP)
)

RX = Prescription()


def test_the_check_in_offers_exactly_the_signs_of_the_protocols_table() -> None:
    assert dict(CHECKIN_LEVELS) == PROTOCOL_TABLE


@pytest.mark.parametrize("code", CONTINUE_SIGNS)
def test_normal_effort_sensations_are_continue_with_the_hurt_is_not_harm_card(code: str) -> None:
    result = triage([code])
    assert result.level is Level.CONTINUE
    assert not result.raises_alert
    assert result.card == "hurt_not_harm"
    assert "not harm" in result.advice


@pytest.mark.parametrize("code", ASSESS_SIGNS)
def test_warning_signs_are_assess_and_raise_a_review_alert(code: str) -> None:
    result = triage([code])
    assert result.level is Level.ASSESS
    assert result.raises_alert
    assert not result.urgent
    assert result.card == "see_physician"


@pytest.mark.parametrize("code", STOP_SIGNS)
def test_danger_signs_are_stop_at_once_and_raise_an_urgent_alert(code: str) -> None:
    result = triage([code])
    assert result.level is Level.STOP
    assert result.raises_alert
    assert result.urgent
    assert result.advice.startswith("Stop")


@pytest.mark.parametrize("code", ["chest_pain_or_breathless", "dizziness_or_fainting"])
def test_stop_for_chest_pain_or_fainting_says_to_call_emergency_services(code: str) -> None:
    result = triage([code])
    assert result.emergency
    assert "emergency number" in result.advice


def test_bladder_bowel_or_saddle_numbness_is_stop_with_emergency_care_the_same_day() -> None:
    result = triage(["bladder_bowel_or_saddle_numbness"])
    assert result.level is Level.STOP
    assert result.emergency
    assert "emergency" in result.advice
    assert "today" in result.advice


def test_a_stop_without_an_emergency_sign_does_not_send_the_patient_to_emergency() -> None:
    result = triage(["joint_instability"])
    assert not result.emergency
    assert "emergency" not in result.advice


@pytest.mark.parametrize(
    ("codes", "worst"),
    [
        (["tired_muscles", "worsening_during"], Level.ASSESS),
        (["joint_swelling", "tired_muscles"], Level.ASSESS),
        (["worsening_during", "dizziness_or_fainting"], Level.STOP),
        (["joint_instability", "mild_pain_increase", "new_radiation"], Level.STOP),
        (["effort_warmth", "stiffness_eases"], Level.CONTINUE),
        ([], Level.CONTINUE),
    ],
)
def test_the_worst_answer_wins(codes: list[str], worst: Level) -> None:
    assert triage(codes).level is worst
    assert triage(list(reversed(codes))).level is worst


def test_the_reasons_name_the_answers_that_set_the_level() -> None:
    result = triage(["tired_muscles", "joint_swelling"])
    assert len(result.reasons) == 1
    assert "swollen" in result.reasons[0]


def test_an_unknown_code_is_an_error_that_names_the_valid_ones() -> None:
    with pytest.raises(InvalidInput) as raised:
        triage(["tired_muscles", "sore_toe"])
    assert raised.value.field == "checkin[1]"
    assert "sore_toe" in raised.value.message
    for code in PROTOCOL_TABLE:
        assert code in raised.value.message


# --- Numbers can raise a level ------------------------------------------------------------------


def test_pain_after_minus_pain_before_of_3_points_is_assess() -> None:
    result = triage(["tired_muscles"], pain_before=4, pain_after=7)
    assert result.level is Level.ASSESS
    assert any("4" in reason and "7" in reason for reason in result.reasons)


def test_a_rise_of_2_points_stays_continue() -> None:
    assert triage(["mild_pain_increase"], pain_before=4, pain_after=6).level is Level.CONTINUE


def test_a_pain_rise_never_lowers_a_stop() -> None:
    assert triage(["dizziness_or_fainting"], pain_before=2, pain_after=8).level is Level.STOP


def test_a_fall_in_pain_raises_nothing() -> None:
    assert triage([], pain_before=7, pain_after=2).level is Level.CONTINUE


@pytest.mark.parametrize(("before", "after"), [(None, 9), (1, None), (None, None)])
def test_sessions_without_both_pain_ratings_trigger_no_numeric_rule(
    before: int | None, after: int | None
) -> None:
    assert triage([], pain_before=before, pain_after=after).level is Level.CONTINUE


def test_the_rise_that_counts_is_a_setting() -> None:
    rx = Prescription(assess_pain_rise_points=5)
    assert triage([], 2, 6, rx).level is Level.CONTINUE
    assert triage([], 2, 7, rx).level is Level.ASSESS


def test_a_next_day_rating_2_points_above_the_pain_before_is_assess_dated_the_next_day() -> None:
    session = Session(day(1, 1), 5, pain_before=3, pain_after=4)
    alerts = alerts_from_sessions([session], {day(1, 2): 5}, RX)
    assert [(alert.date, alert.level) for alert in alerts] == [(day(1, 2), Level.ASSESS)]


def test_a_next_day_rating_1_point_above_raises_nothing() -> None:
    session = Session(day(1, 1), 5, pain_before=3, pain_after=4)
    assert alerts_from_sessions([session], {day(1, 2): 4}, RX) == []


def test_the_next_day_rule_needs_the_sessions_pain_before_and_a_rating_the_next_day() -> None:
    unrated = Session(day(1, 1), 5)
    rated = Session(day(1, 3), 5, pain_before=2)
    pain = {day(1, 2): 9, day(1, 3): 2, day(1, 5): 9}  # day 4, the day after `rated`, has none
    assert alerts_from_sessions([unrated, rated], pain, RX) == []


# --- Alerts: raised by check-ins, cleared by a clinician ----------------------------------------


def test_assess_and_stop_check_ins_raise_alerts_on_the_sessions_day() -> None:
    sessions = (
        Session(day(1, 1), 5, checkin=("tired_muscles",)),
        Session(day(1, 3), 5, checkin=("new_radiation",)),
        Session(day(1, 5), 5, checkin=("joint_instability", "joint_swelling")),
    )
    alerts = run_protocol(new_history(sessions=sessions), day(1, 7)).alerts
    assert [(alert.date, alert.level) for alert in alerts] == [
        (day(1, 3), Level.ASSESS),
        (day(1, 5), Level.STOP),
    ]
    assert all(alert.cleared_on is None for alert in alerts)


def test_a_clearance_clears_every_alert_raised_on_or_before_its_date() -> None:
    alerts = [
        Alert(day(1, 1), Level.ASSESS, "first"),
        Alert(day(1, 4), Level.STOP, "second"),
        Alert(day(1, 5), Level.ASSESS, "after the clearance"),
    ]
    cleared = apply_clearances(alerts, [day(1, 4)])
    assert [alert.cleared_on for alert in cleared] == [day(1, 4), day(1, 4), None]


def test_an_alert_takes_the_first_clearance_on_or_after_it() -> None:
    alerts = [Alert(day(1, 2), Level.ASSESS, "a"), Alert(day(2, 2), Level.ASSESS, "b")]
    cleared = apply_clearances(alerts, [day(3, 1), day(1, 6)])
    assert [alert.cleared_on for alert in cleared] == [day(1, 6), day(3, 1)]


def test_a_clearance_record_clears_a_stored_alert_that_names_a_later_clearance() -> None:
    stored = Alert(day(1, 2), Level.ASSESS, "stored", cleared_on=day(2, 3))
    history = new_history(alerts=(stored,), clearances=(day(1, 4),))
    result = run_protocol(history, day(2, 7))
    assert [alert.cleared_on for alert in result.alerts] == [day(1, 4)]
    assert result.weeks[1].decision is not Decision.PAUSED


def test_an_alert_with_a_clearance_already_stored_keeps_it() -> None:
    stored = Alert(day(1, 2), Level.ASSESS, "stored", cleared_on=day(1, 3))
    assert apply_clearances([stored], [day(1, 5)]) == [stored]


# --- Records dated after the day of evaluation are not yet known --------------------------------


def test_check_ins_after_the_day_of_evaluation_are_ignored() -> None:
    later = Session(day(2, 3), 5, checkin=("chest_pain_or_breathless",))
    assert run_protocol(new_history(sessions=(later,)), day(2, 2)).alerts == ()


def test_a_clearance_after_the_day_of_evaluation_is_not_yet_known() -> None:
    history = new_history(
        sessions=(Session(day(1, 3), 5, checkin=("worsening_during",)),),
        clearances=(day(3, 4),),
    )
    on_day_17 = run_protocol(history, day(3, 3))
    assert [alert.cleared_on for alert in on_day_17.alerts] == [None]
    assert on_day_17.weeks[2].decision is Decision.PAUSED
    assert [alert.cleared_on for alert in run_protocol(history, day(3, 4)).alerts] == [day(3, 4)]


def test_a_stored_alert_cleared_after_the_day_of_evaluation_is_still_open_that_day() -> None:
    stored = Alert(day(1, 3), Level.ASSESS, "stored", cleared_on=day(2, 5))
    history = new_history(alerts=(stored,))
    assert run_protocol(history, day(2, 4)).alerts[0].cleared_on is None
    assert run_protocol(history, day(2, 5)).alerts[0].cleared_on == day(2, 5)


def test_the_next_day_alert_waits_for_the_next_days_rating() -> None:
    history = new_history(
        sessions=(Session(day(1, 7), 5, pain_before=3, pain_after=3),),
        daily_pain={day(1, 7): 3, day(2, 1): 6},
    )
    assert run_protocol(history, day(1, 7)).alerts == ()
    assert [alert.date for alert in run_protocol(history, day(2, 1)).alerts] == [day(2, 1)]


def test_a_continue_check_in_neither_pauses_nor_holds() -> None:
    sessions = tuple(
        Session(day(week, weekday), 5, checkin=("mild_pain_increase", "tired_muscles"))
        for week in (1, 2)
        for weekday in (1, 3, 5)
    )
    weeks = plan(new_history(sessions=sessions), 3)
    assert weeks[2].decision is Decision.PROGRESS
