"""Apple's `HKWorkoutActivityType…` names mapped to our kinds (PROTOCOL.md 1).

Activities that are ours by nature map directly (walking, hiking and wheelchair pushing at
walking pace are walks; water fitness is aquatic exercise; Apple's "Mind and Body" holds the
mind-body practices apps log beside yoga, so it counts as yoga; Pilates and barre aim at core
and postural strength, so they count as strength; "Preparation and Recovery" is foam rolling
and stretching). Activities that are real exercise but not one of our kinds (running, dance,
tennis, rowing, ...) and any type Apple adds later map to `other`, so their minutes still count
toward the week (PROTOCOL.md 2) without pretending to be a kind the plan schedules.
"""

from __future__ import annotations

from pacewise.domain.model import Kind

_PREFIX = "HKWorkoutActivityType"

APPLE_KINDS: dict[str, Kind] = {
    "Walking": Kind.WALK,
    "Hiking": Kind.WALK,
    "WheelchairWalkPace": Kind.WALK,
    "Cycling": Kind.CYCLE,
    "HandCycling": Kind.CYCLE,
    "Swimming": Kind.SWIM,
    "WaterFitness": Kind.AQUATIC,
    "Flexibility": Kind.STRETCH,
    "Cooldown": Kind.STRETCH,
    "PreparationAndRecovery": Kind.STRETCH,
    "Yoga": Kind.YOGA,
    "MindAndBody": Kind.YOGA,
    "TaiChi": Kind.TAI_CHI,
    "TraditionalStrengthTraining": Kind.STRENGTH,
    "FunctionalStrengthTraining": Kind.STRENGTH,
    "CoreTraining": Kind.STRENGTH,
    "Barre": Kind.STRENGTH,
    "Pilates": Kind.STRENGTH,
    "Running": Kind.OTHER,
    "Elliptical": Kind.OTHER,
    "Rowing": Kind.OTHER,
    "StairClimbing": Kind.OTHER,
    "Stairs": Kind.OTHER,
    "Dance": Kind.OTHER,
    "SocialDance": Kind.OTHER,
    "CardioDance": Kind.OTHER,
    "HighIntensityIntervalTraining": Kind.OTHER,
    "MixedCardio": Kind.OTHER,
    "WheelchairRunPace": Kind.OTHER,
    "DanceInspiredTraining": Kind.OTHER,
    "MixedMetabolicCardioTraining": Kind.OTHER,
    "WaterSports": Kind.OTHER,
    "PaddleSports": Kind.OTHER,
    "Other": Kind.OTHER,
}


def apple_kind(activity_type: str | None) -> Kind:
    """Our kind for a `workoutActivityType` value; unknown or missing types are `other`."""
    if not activity_type:
        return Kind.OTHER
    return APPLE_KINDS.get(activity_type.removeprefix(_PREFIX), Kind.OTHER)
