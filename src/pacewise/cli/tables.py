"""Readable terminal output of a protocol replay (rich tables; no colour needed to read it)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from pacewise.domain import History, ProtocolResult
from pacewise.domain.wording import day_words, shown_minutes


def print_result(history: History, result: ProtocolResult, console: Console | None = None) -> None:
    out = console or Console(width=None if Console().is_terminal else 140)
    rx = history.prescription
    out.print(
        f"Condition: {rx.condition.value.replace('_', ' ')}. Start {history.start.isoformat()}, "
        f"shown up to {result.until.isoformat()}. Target {shown_minutes(rx.weekly_target_minutes)}"
        f" min a week, growing at most {rx.progression_rate * 100:g} % a week."
    )
    table = Table(title="Plan, week by week", show_lines=True, expand=False)
    for column in ("Week", "Dates", "Phase", "Plan", "Done", "Decision", "Why"):
        table.add_column(column, overflow="fold")
    for week in result.weeks:
        kinds = ", ".join(
            f"{count} {kind.value.replace('_', ' ')}" for kind, count in week.kinds.items()
        )
        table.add_row(
            str(week.week),
            f"{day_words(week.start)} - {day_words(week.end)}",
            str(week.phase),
            f"{week.sessions_per_week} x {shown_minutes(week.session_minutes)} min = "
            f"{shown_minutes(week.weekly_minutes)} min\n({kinds})",
            f"{shown_minutes(week.done_minutes)} min",
            week.decision.value,
            week.reason,
        )
    out.print(table)
    _print_events(out, result)


def _print_events(out: Console, result: ProtocolResult) -> None:
    if result.alerts:
        out.print("Alerts for the clinician:")
        for alert in result.alerts:
            cleared = (
                f"cleared {day_words(alert.cleared_on)}" if alert.cleared_on else "NOT CLEARED"
            )
            out.print(
                f"  {day_words(alert.date)}  {alert.level.value:<6} {cleared}: {alert.reason}"
            )
    else:
        out.print("Alerts for the clinician: none.")
    if result.flares:
        flares = ", ".join(
            f"{day_words(f.date)} ({f.source.value}{', severe' if f.severe else ''})"
            for f in result.flares
        )
        out.print(f"Flares: {flares}.")
    else:
        out.print("Flares: none.")
    boom = result.boom_bust
    verdict = "boom and bust FLAGGED" if boom.flagged else "no boom-and-bust pattern"
    pain_led = (
        {True: "activity looks pain-led", False: "activity looks plan-led"}.get(
            boom.pain_led, "too few pain ratings to judge pain-led activity"
        )
        if boom.pain_led is not None
        else "too few pain ratings to judge pain-led activity"
    )
    out.print(
        f"Last {(boom.end - boom.start).days + 1} days ({day_words(boom.start)} - "
        f"{day_words(boom.end)}): {verdict}; {len(boom.over_days)} over-days, "
        f"{len(boom.under_days)} under-days; daily minutes vary by {boom.cv:.2f} (CV); {pain_led}."
    )
    if result.acupuncture_window_days:
        days = ", ".join(day_words(day) for day in result.acupuncture_window_days)
        out.print(f"Acupuncture window (good days for planned sessions): {days}.")
