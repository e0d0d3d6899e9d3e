"""Benchmark: reading a large Apple Health export, against a bare lxml parse of the same bytes.

Writes a synthetic `export.zip` shaped like a real one (the internal DTD, `ExportDate`, `Me`,
step counts from a phone and a watch, heart rate with metadata, energy, distance, exercise
minutes, workouts with metadata, events, statistics and routes, activity summaries), streamed
into the zip so the generator's memory stays flat. Then measures, each in its own process so
peak memory is that reader's alone:
- read: inflating the XML out of the zip and discarding it (the I/O and zlib floor);
- baseline: lxml `iterparse` over the same entry, clearing each top-level element and dropping
  the ones before it, nothing else (the parse floor);
- pacewise: `read_records` over the zip, consuming every record.
Prints MB/s (of uncompressed XML), records per second (top-level elements: `Record`, `Workout`,
`ActivitySummary` ...), wall and CPU seconds, peak RSS and the ratio of each to the baseline.
Asserts nothing about time.

    python bench/importers.py [--size-mb 200] [--quick] [--export FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ENTRY = "apple_health_export/export.xml"
TOP_LEVEL = (
    "Record",
    "Workout",
    "Correlation",
    "ActivitySummary",
    "ClinicalRecord",
    "Audiogram",
    "VisionPrescription",
    "Me",
    "ExportDate",
)
DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|
  ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #IMPLIED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level
  records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutEvent EMPTY>
<!ATTLIST WorkoutEvent
  type         CDATA #REQUIRED
  date         CDATA #REQUIRED
  duration     CDATA #IMPLIED
  durationUnit CDATA #IMPLIED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type          CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
  average       CDATA #IMPLIED
  minimum       CDATA #IMPLIED
  maximum       CDATA #IMPLIED
  sum           CDATA #IMPLIED
  unit          CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
"""
PHONE = (
    'sourceName="Alice\u2019s iPhone" sourceVersion="17.4.1" device="&lt;&lt;HKDevice:'
    " 0x281e4c4b0&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone15,2,"
    ' software:17.4.1&gt;"'
)
WATCH = (
    'sourceName="Alice\u2019s Apple Watch" sourceVersion="10.4" device="&lt;&lt;HKDevice:'
    " 0x281e4c5a0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1,"
    ' software:10.4&gt;"'
)
WORKOUT_TYPES = ("Walking", "Walking", "Hiking", "Cycling", "Yoga", "Swimming", "Running")


def _stamp(day: dt.date, minute: int) -> str:
    return f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00 +0100"


def _record(kind: str, source: str, unit: str, value: str, day: dt.date, minute: int) -> str:
    start, end = _stamp(day, minute), _stamp(day, min(minute + 5, 1439))
    return (
        f' <Record type="HKQuantityTypeIdentifier{kind}" {source} unit="{unit}"'
        f' creationDate="{end}" startDate="{start}" endDate="{end}" value="{value}"'
    )


def _day(day: dt.date, rng: random.Random) -> Iterator[str]:
    """One day of an active user's records, as Apple writes them."""
    for minute in range(420, 1320, 9):
        yield _record("StepCount", PHONE, "count", str(rng.randint(5, 900)), day, minute) + "/>\n"
    for minute in range(420, 1320, 11):
        yield _record("StepCount", WATCH, "count", str(rng.randint(5, 900)), day, minute) + "/>\n"
        yield (
            _record("DistanceWalkingRunning", WATCH, "km", f"{rng.random():.6f}", day, minute)
            + "/>\n"
        )
    for minute in range(0, 1440, 4):
        yield (
            _record("HeartRate", WATCH, "count/min", str(rng.randint(52, 140)), day, minute)
            + '>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
            " </Record>\n"
        )
    for minute in range(420, 1320, 7):
        yield (
            _record("ActiveEnergyBurned", WATCH, "Cal", f"{rng.random() * 9:.3f}", day, minute)
            + "/>\n"
        )
    for minute in range(600, 660, 1):
        yield _record("AppleExerciseTime", WATCH, "min", "1", day, minute) + "/>\n"
    yield _workout(day, rng)


def _workout(day: dt.date, rng: random.Random) -> str:
    activity = rng.choice(WORKOUT_TYPES)
    minutes = rng.uniform(12, 75)
    start, end = _stamp(day, 600), _stamp(day, 600 + int(minutes))
    return (
        f' <Workout workoutActivityType="HKWorkoutActivityType{activity}"'
        f' duration="{minutes:.10f}" durationUnit="min" {WATCH}'
        f' creationDate="{end}" startDate="{start}" endDate="{end}">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        '  <MetadataEntry key="HKTimeZone" value="Europe/London"/>\n'
        f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{start}" duration="5"'
        ' durationUnit="min"/>\n'
        f'  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned"'
        f' startDate="{start}" endDate="{end}" sum="{minutes * 4:.2f}" unit="Cal"/>\n'
        f'  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="{start}"'
        f' endDate="{end}" average="104" minimum="80" maximum="131" unit="count/min"/>\n'
        f'  <WorkoutRoute {WATCH} creationDate="{end}" startDate="{start}" endDate="{end}">\n'
        f'   <FileReference path="/workout-routes/route_{day.isoformat()}_10.00am.gpx"/>\n'
        "  </WorkoutRoute>\n"
        " </Workout>\n"
        f' <ActivitySummary dateComponents="{day.isoformat()}"'
        f' activeEnergyBurned="{minutes * 9:.3f}"'
        ' activeEnergyBurnedGoal="400" activeEnergyBurnedUnit="Cal" appleMoveTime="0"'
        ' appleMoveTimeGoal="0" appleExerciseTime="60" appleExerciseTimeGoal="30"'
        ' appleStandHours="12" appleStandHoursGoal="12"/>\n'
    )


def write_export(path: Path, target_bytes: int, *, seed: int = 6) -> int:
    """Write an `export.zip` whose XML is about `target_bytes` long; returns the XML's size."""
    rng = random.Random(seed)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(ENTRY, "w", force_zip64=True) as entry:
            written = _write_xml(entry, target_bytes, rng)
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>\n")
    return written


def _write_xml(entry: Any, target_bytes: int, rng: random.Random) -> int:
    first_day = dt.date(2012, 1, 1)
    written = 0

    def emit(text: str) -> None:
        nonlocal written
        data = text.encode("utf-8")
        entry.write(data)
        written += len(data)

    emit('<?xml version="1.0" encoding="UTF-8"?>\n' + DTD)
    emit('<HealthData locale="en_GB">\n <ExportDate value="2024-06-01 10:00:00 +0100"/>\n')
    emit(
        ' <Me HKCharacteristicTypeIdentifierDateOfBirth="1962-03-04"'
        ' HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"'
        ' HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"'
        ' HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet"/>\n'
    )
    index = 0
    while written < target_bytes:
        day = first_day + dt.timedelta(days=index % 4000)
        emit("".join(_day(day, rng)))
        index += 1
    emit("</HealthData>\n")
    return written


def _measure_read(export: Path) -> dict[str, Any]:
    with zipfile.ZipFile(export) as archive, archive.open(ENTRY) as entry:
        while entry.read(1 << 20):
            pass
    return {"elements": 0}


def _measure_baseline(export: Path) -> dict[str, Any]:
    from lxml import etree  # type: ignore[import-untyped]

    elements = 0
    with zipfile.ZipFile(export) as archive, archive.open(ENTRY) as entry:
        for _, element in etree.iterparse(
            entry, events=("end",), tag=TOP_LEVEL, resolve_entities=False, no_network=True
        ):
            elements += 1
            element.clear(keep_tail=False)
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
    return {"elements": elements}


def _measure_pacewise(export: Path) -> dict[str, Any]:
    from pacewise.adapters.importers import DailyTotal, ImportedSession, read_records

    counts = {"sessions": 0, "daily_totals": 0, "skipped": 0}
    for record in read_records(export, time_zone=ZoneInfo("Europe/London")):
        if isinstance(record, ImportedSession):
            counts["sessions"] += 1
        elif isinstance(record, DailyTotal):
            counts["daily_totals"] += 1
        else:
            counts["skipped"] += 1
    return counts


MEASURES = {"read": _measure_read, "baseline": _measure_baseline, "pacewise": _measure_pacewise}


def measure_here(name: str, export: Path) -> dict[str, Any]:
    """Run one measure in this process: wall and CPU seconds, peak RSS, and its counts.

    Modules are imported before the clock starts: a fixed cost that says nothing of the rate.
    """
    import lxml.etree  # type: ignore[import-untyped]  # noqa: F401  (every measure loads it)

    import pacewise.adapters.importers  # noqa: F401

    started, cpu = time.perf_counter(), time.process_time()
    counts = MEASURES[name](export)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_rss_mb": _peak_rss_kib() / 1024,
        **counts,
    }


def _peak_rss_kib() -> int:
    """This process's own peak resident memory (ru_maxrss can carry the parent's over exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure_apart(name: str, export: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", name, "--export", str(export)]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def _report(xml_bytes: int, zip_bytes: int, results: dict[str, dict[str, Any]]) -> None:
    megabytes = xml_bytes / 1e6
    elements = results["baseline"]["elements"]
    floor = results["baseline"]["seconds"]
    print(f"export: {megabytes:,.0f} MB of XML in a {zip_bytes / 1e6:,.0f} MB zip")
    kept = {key: results["pacewise"][key] for key in ("sessions", "daily_totals", "skipped")}
    print(f"records (top-level elements): {elements:,}; pacewise kept {kept}")
    cpu_floor = results["baseline"]["cpu_seconds"]
    columns = ("seconds", "cpu s", "MB/s", "records/s", "peak RSS", "vs floor", "cpu vs floor")
    print(f"{'measure':<10} " + " ".join(f"{column:>10}" for column in columns))
    for name, result in results.items():
        seconds = result["seconds"]
        print(
            f"{name:<10} {seconds:>10.2f} {result['cpu_seconds']:>10.2f}"
            f" {megabytes / seconds:>10.1f} {elements / seconds:>10,.0f}"
            f" {result['peak_rss_mb']:>8.0f}MB {floor / seconds:>10.0%}"
            f" {cpu_floor / result['cpu_seconds']:>12.0%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=float, default=200.0, help="XML size to generate")
    parser.add_argument("--quick", action="store_true", help="a 20 MB export")
    parser.add_argument("--export", type=Path, help="use (or, with --size-mb, write) this zip")
    parser.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_here(args.measure, args.export)))
        return
    size = 20e6 if args.quick else args.size_mb * 1e6
    with tempfile.TemporaryDirectory(prefix="pacewise-bench-") as scratch:
        export = args.export or Path(scratch) / "export.zip"
        if not export.exists():
            started = time.perf_counter()
            write_export(export, int(size))
            print(f"generated in {time.perf_counter() - started:.1f} s")
        with zipfile.ZipFile(export) as archive:
            xml_bytes = archive.getinfo(ENTRY).file_size
        results = {name: _measure_apart(name, export) for name in ("read", "baseline", "pacewise")}
        _report(xml_bytes, export.stat().st_size, results)
        if args.json:
            args.json.write_text(json.dumps({"xml_bytes": xml_bytes, "results": results}, indent=2))


if __name__ == "__main__":
    main()
