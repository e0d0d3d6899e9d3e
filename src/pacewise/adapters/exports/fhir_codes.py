"""The code systems and codes of pacewise's FHIR bundle, each with its system URL.

Standard codes come from MEASURES.md and the HL7 Physical Activity implementation guide; each
was checked against a public source before use (see the notes). Where no standard code exists
(TSK-11, a flare, a triage level, a session's kind) the code lives in a pacewise system under
`urn:pacewise:`, so a reader can tell our own codes from standard ones at a glance.
"""

from __future__ import annotations

from typing import Final

LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
UCUM: Final = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# LOINC (MEASURES.md; the Physical Activity IG uses 55411-3, 82290-8 and 41950-7)
PAIN_NRS: Final = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
# Displays are given only where the published display was checked; a code without one is
# still the code (a display is optional in FHIR).
EXERCISE_DURATION: Final = "55411-3"
WEEKLY_ACTIVITY_MINUTES: Final = "82290-8"
STEPS_PER_DAY: Final = "41950-7"
PEG_PANEL: Final = "91148-7"
PEG_MEAN: Final = ("91147-9", "Mean score [PEG]")
PEG_ITEMS: Final = {"pain": "75893-8", "enjoyment": "91145-3", "activity": "91146-1"}
"""The PEG's items by the name of their answer: average pain, interference with enjoyment of
life, interference with general activity (Krebs et al. 2009)."""

# SNOMED CT
ACUPUNCTURE: Final = ("44868003", "Acupuncture")
EXERCISE_THERAPY: Final = ("229065009", "Exercise therapy")

# pacewise's own systems
PACEWISE: Final = "urn:pacewise"
OBSERVATION_CODES: Final = f"{PACEWISE}:observation"
"""Our codes for what no standard code names: `flare`, `tsk11-total`, `pgic`, `psfs-mean`,
`daily-exercise-minutes`, and a session's `pain-before`, `pain-after`, `effort`, `kind`."""
KIND_CODES: Final = f"{PACEWISE}:kind"
LEVEL_CODES: Final = f"{PACEWISE}:triage-level"
FLARE_SEVERITY: Final = f"{PACEWISE}:flare-severity"
QUESTIONNAIRE: Final = f"{PACEWISE}:questionnaire"
"""A questionnaire's canonical name is this plus `:` and the instrument (PEG, PSFS, TSK11, PGIC)."""

# Identifiers: `urn:pacewise:<record>` with our row's id, or the session's source and source id.
PATIENT_ID: Final = f"{PACEWISE}:patient"
PRESCRIPTION_ID: Final = f"{PACEWISE}:prescription"
DAILY_PAIN_ID: Final = f"{PACEWISE}:daily-pain"
FLARE_ID: Final = f"{PACEWISE}:flare"
VISIT_ID: Final = f"{PACEWISE}:acupuncture-visit"
QUESTIONNAIRE_ID: Final = f"{PACEWISE}:questionnaire-response"
ALERT_ID: Final = f"{PACEWISE}:alert"
WEEK_ID: Final = f"{PACEWISE}:plan-week"
GOAL_ID: Final = f"{PACEWISE}:goal"
SESSION_SOURCE: Final = f"{PACEWISE}:session-source:"
"""A session's identifier: system = this + its source (`manual`, `apple_health`), value = its
source id, so an import of the same session anywhere finds it again."""
DAILY_ACTIVITY_SOURCE: Final = f"{PACEWISE}:daily-activity-source:"
"""A day's activity totals: system = this + the source, value = the ISO date."""

# Extensions
PRESCRIPTION_EXTENSION: Final = f"{PACEWISE}:extension:prescription"
"""On each CarePlan: what restores the prescription version (sub-extensions `condition`,
`start-date`, `effective-from`, `settings` (the stored overrides as a JSON string), `note`)."""
PHASE_EXTENSION: Final = f"{PACEWISE}:extension:phase"
CHECKIN_EXTENSION: Final = f"{PACEWISE}:extension:checkin"
"""On a session's Observation: the check-in's `code`s, `level`, `reason`s and `card`."""
TIME_ZONE_EXTENSION: Final = f"{PACEWISE}:extension:time-zone"
PAIN_BEFORE_EXTENSION: Final = f"{PACEWISE}:extension:pain-before"
PAIN_AFTER_EXTENSION: Final = f"{PACEWISE}:extension:pain-after"
CLEAR_NOTE_EXTENSION: Final = f"{PACEWISE}:extension:clear-note"
ALERT_SESSION_EXTENSION: Final = f"{PACEWISE}:extension:alert-session"
"""On a Flag: the identifier of the session whose check-in raised it."""


def coding(system: str, code: tuple[str, str] | str, display: str | None = None) -> dict[str, str]:
    """One Coding; `code` may carry its display as a (code, display) pair."""
    if isinstance(code, tuple):
        code, display = code
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found
