"""Real activity documents built as text in the tests, so every value checked is visible here."""

from __future__ import annotations

GPX_NS = "http://www.topografix.com/GPX/1/1"


def gpx_document(
    *,
    times: list[str],
    name: str = "Morning walk",
    track_type: str | None = "walking",
    doctype: str = "",
) -> str:
    """A GPX 1.1 file with one track whose points are a few metres apart at the given times."""
    points = "\n".join(
        f'      <trkpt lat="{51.5 + index * 0.0001:.4f}" lon="-0.1"><time>{time}</time></trkpt>'
        for index, time in enumerate(times)
    )
    kind = f"<type>{track_type}</type>" if track_type else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        f'<gpx version="1.1" creator="test" xmlns="{GPX_NS}">\n'
        f"  <trk><name>{name}</name>{kind}\n    <trkseg>\n{points}\n    </trkseg>\n  </trk>\n"
        "</gpx>\n"
    )


def every_minute(start_hour: int, minutes: int, day: str = "2024-05-02") -> list[str]:
    """ISO UTC times one minute apart from `start_hour`:00 on `day`."""
    return [
        f"{day}T{start_hour + (offset // 60):02d}:{offset % 60:02d}:00Z"
        for offset in range(minutes + 1)
    ]


# The start of the internal DTD real exports carry (abridged), and the malformed variant some
# iOS releases wrote: an ATTLIST declared twice and one with an invalid attribute type.
APPLE_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
"""
MALFORMED_APPLE_DTD = APPLE_DTD.replace(
    "]>",
    """<!ATTLIST Record
  type          CDATA #REQUIRED
  type          CDATA #REQUIRED
>
<!ATTLIST Workout
  duration      NUMBER #IMPLIED
  durationUnit  CDATA #IMPLIED
>
<!ATTLIST InstantaneousBeatsPerMinute bpm CDATA #REQUIRED time CDATA #REQUIRED
]>""",
)


def apple_export(*elements: str, dtd: str = APPLE_DTD) -> str:
    """An `export.xml` with the prolog, `ExportDate` and `Me` of a real one around `elements`."""
    body = "\n".join(f" {element}" for element in elements)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{dtd}"
        '<HealthData locale="en_GB">\n'
        ' <ExportDate value="2024-06-01 10:00:00 +0100"/>\n'
        ' <Me HKCharacteristicTypeIdentifierDateOfBirth="1960-01-01"'
        ' HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>\n'
        f"{body}\n"
        "</HealthData>\n"
    )


def quantity_record(
    record_type: str, value: float, start: str, *, device: str = "Alice's iPhone", unit: str = ""
) -> str:
    """A `<Record>` as Apple writes them, with a metadata entry inside."""
    unit = unit or ("count" if record_type.endswith("StepCount") else "min")
    return (
        f'<Record type="{record_type}" sourceName="{device}" sourceVersion="17.4" unit="{unit}"'
        f' creationDate="{start}" startDate="{start}" endDate="{start}" value="{value}">\n'
        '  <MetadataEntry key="HKWasUserEntered" value="0"/>\n'
        " </Record>"
    )


def steps(value: float, start: str, *, device: str = "Alice's iPhone") -> str:
    return quantity_record("HKQuantityTypeIdentifierStepCount", value, start, device=device)


def exercise(value: float, start: str, *, device: str = "Alice's Apple Watch") -> str:
    return quantity_record("HKQuantityTypeIdentifierAppleExerciseTime", value, start, device=device)


def workout(
    activity: str,
    start: str,
    end: str,
    *,
    duration: str | None = None,
    unit: str = "min",
) -> str:
    """A `<Workout>` with statistics, an event and a route, as recent iOS releases write them."""
    duration_attributes = f' duration="{duration}" durationUnit="{unit}"' if duration else ""
    return (
        f'<Workout workoutActivityType="HKWorkoutActivityType{activity}"{duration_attributes}'
        f' sourceName="Alice&apos;s Apple Watch" sourceVersion="10.4" creationDate="{end}"'
        f' startDate="{start}" endDate="{end}">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{start}" duration="5"'
        ' durationUnit="min"/>\n'
        '  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned"'
        f' startDate="{start}" endDate="{end}" sum="120" unit="Cal"/>\n'
        '  <WorkoutRoute sourceName="Alice&apos;s Apple Watch" sourceVersion="10.4">\n'
        '   <FileReference path="/workout-routes/route_2024-05-02_8.15am.gpx"/>\n'
        "  </WorkoutRoute>\n"
        " </Workout>"
    )


ACTIVITY_SUMMARY = (
    '<ActivitySummary dateComponents="2024-05-02" activeEnergyBurned="300"'
    ' appleExerciseTime="35" appleExerciseTimeGoal="30" appleStandHours="10"/>'
)


TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def tcx_document(
    *,
    activity_id: str = "2024-05-02T07:15:00Z",
    sport: str = "Biking",
    lap_seconds: tuple[float, ...] = (900.0, 1200.5),
    doctype: str = "",
) -> str:
    """A TCX file with one activity whose laps carry trackpoints and their timer seconds."""
    laps = "".join(
        f'<Lap StartTime="{activity_id}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
        "<DistanceMeters>1000</DistanceMeters><Track>"
        f"<Trackpoint><Time>{activity_id}</Time><HeartRateBpm><Value>98</Value></HeartRateBpm>"
        "</Trackpoint></Track></Lap>\n"
        for seconds in lap_seconds
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        f'<TrainingCenterDatabase xmlns="{TCX_NS}">\n<Activities>\n'
        f'<Activity Sport="{sport}"><Id>{activity_id}</Id>\n{laps}</Activity>\n'
        "</Activities>\n</TrainingCenterDatabase>\n"
    )
