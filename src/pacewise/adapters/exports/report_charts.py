"""The visit report's charts, drawn with matplotlib as 200-dpi PNG images.

A report is often printed in black and white, so no chart carries meaning by colour alone:
planned and done minutes differ by fill and hatching, step-back and paused weeks are labelled,
flares and acupuncture visits have their own marker shapes and a legend, and every axis says its
unit (issue 7). The charts only draw the numbers in `ReportContent`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: the charts are drawn on a server or in a CLI

import matplotlib.dates as mdates
from matplotlib import pyplot
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pacewise.adapters.exports.report_content import MonthRow, WeekRow

DPI = 200
INK = "#000000"
GREY = "#777777"
STYLE: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
}


def _png(figure: Figure) -> bytes:
    """The figure as PNG bytes, with no timestamp in it, so the same report draws the same."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    pyplot.close(figure)
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return pyplot.figure(figsize=(width, height), layout="constrained")


def minutes_chart(weeks: Sequence[WeekRow], width: float = 7.0, height: float = 2.3) -> bytes:
    """Planned (hatched outline) against done (solid grey) minutes per plan week; weeks that
    stepped back or paused are named above their bars."""
    with matplotlib.rc_context(STYLE):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        positions = range(len(weeks))
        planned = [w.planned_minutes for w in weeks]
        done = [w.done_minutes for w in weeks]
        axes.bar(
            [p - 0.2 for p in positions],
            planned,
            0.4,
            label="planned",
            facecolor="white",
            edgecolor=INK,
            hatch="///",
        )
        axes.bar(
            [p + 0.2 for p in positions],
            done,
            0.4,
            label="done",
            facecolor=GREY,
            edgecolor=INK,
        )
        top = max([*planned, *done, 1])
        for position, week in zip(positions, weeks, strict=True):
            if week.mark:
                axes.annotate(
                    week.mark,
                    (position, max(week.planned_minutes, week.done_minutes)),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                    fontweight="bold",
                )
        axes.set_ylim(0, top * 1.22)
        axes.set_xticks(list(positions), [f"wk {w.week}" for w in weeks])
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("minutes per week")
        axes.set_title("Planned and done minutes per plan week")
        axes.legend(loc="upper left", ncols=2)
        axes.spines[["top", "right"]].set_visible(False)
        return _png(figure)


def pain_chart(
    daily_pain: Sequence[tuple[dt.date, int]],
    flares: Sequence[dt.date],
    visits: Sequence[dt.date],
    start: dt.date,
    end: dt.date,
    width: float = 7.0,
    height: float = 2.1,
) -> bytes:
    """Daily pain (0-10) as a line with dots; flares as filled triangles at the top, acupuncture
    visits as open diamonds at the bottom, each in the legend."""
    with matplotlib.rc_context(STYLE):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        if daily_pain:
            days = [d for d, _ in daily_pain]
            axes.plot(
                _x(days),
                [p for _, p in daily_pain],
                color=INK,
                linewidth=0.9,
                marker="o",
                markersize=2,
                label="daily pain",
            )
        if flares:
            axes.plot(
                _x(flares),
                [10.6] * len(flares),
                linestyle="none",
                marker="v",
                markersize=6,
                color=INK,
                label="flare",
            )
        if visits:
            axes.plot(
                _x(visits),
                [-0.6] * len(visits),
                linestyle="none",
                marker="D",
                markersize=4,
                markerfacecolor="white",
                markeredgecolor=INK,
                label="acupuncture visit",
            )
        axes.set_ylim(-1.2, 11.2)
        axes.set_yticks(range(0, 11, 2))
        axes.set_xlim(_x(start - dt.timedelta(days=1)), _x(end + dt.timedelta(days=1)))
        _date_axis(axes)
        axes.set_ylabel("pain 0-10")
        axes.set_title("Daily pain, flares and acupuncture visits")
        if not daily_pain:
            _say(axes, "No daily pain ratings in this period")
        if daily_pain or flares or visits:
            axes.legend(loc="upper left", ncols=3, bbox_to_anchor=(0, 1.0))
        axes.spines[["top", "right"]].set_visible(False)
        return _png(figure)


def peg_chart(
    peg: Sequence[tuple[dt.date, float]],
    start: dt.date,
    end: dt.date,
    width: float = 3.4,
    height: float = 2.0,
) -> bytes:
    """The PEG score (0-10, lower is better) over the period, dashed with square markers."""
    with matplotlib.rc_context(STYLE):
        figure = _figure(width, height)
        axes = figure.add_subplot()
        axes.plot(
            _x([d for d, _ in peg]),
            [s for _, s in peg],
            color=INK,
            linestyle="--",
            marker="s",
            markersize=3.5,
        )
        if not peg:
            _say(axes, "No PEG answers in this period")
        for day, score in peg[-1:]:
            axes.annotate(
                f"{score:.1f}",
                (_x(day), score),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
            )
        axes.set_ylim(0, 10.5)
        axes.set_xlim(_x(start - dt.timedelta(days=1)), _x(end + dt.timedelta(days=1)))
        _date_axis(axes)
        axes.set_ylabel("PEG 0-10 (lower is better)")
        axes.set_title("PEG score")
        axes.spines[["top", "right"]].set_visible(False)
        return _png(figure)


def acupuncture_chart(months: Sequence[MonthRow], width: float = 3.4, height: float = 2.0) -> bytes:
    """Visits per month (hatched bars, left axis) against activity minutes per month (solid line
    with dots, right axis): is activity taking over the relief? (PROTOCOL.md 6)"""
    with matplotlib.rc_context(STYLE):
        figure = _figure(width, height)
        visits_axes = figure.add_subplot()
        positions = list(range(len(months)))
        visits_axes.bar(
            positions,
            [m.visits for m in months],
            0.5,
            facecolor="white",
            edgecolor=INK,
            hatch="xx",
            label="acupuncture visits",
        )
        visits_axes.set_ylabel("visits")
        visits_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        visits_axes.set_ylim(0, max([m.visits for m in months] + [1]) * 1.3)
        visits_axes.set_xticks(positions, [m.label.split()[0] for m in months])
        minutes_axes = visits_axes.twinx()
        minutes_axes.plot(
            positions,
            [m.activity_minutes for m in months],
            color=INK,
            marker="o",
            markersize=3.5,
            label="activity minutes",
        )
        minutes_axes.set_ylabel("activity minutes")
        minutes_axes.set_ylim(0, max([m.activity_minutes for m in months] + [1]) * 1.3)
        handles = visits_axes.get_legend_handles_labels()
        more = minutes_axes.get_legend_handles_labels()
        visits_axes.legend(
            handles[0] + more[0],
            handles[1] + more[1],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncols=2,
        )
        visits_axes.set_title("Acupuncture and activity by month")
        return _png(figure)


def _date_axis(axes: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]


def _say(axes: Axes, words: str) -> None:
    """A plain sentence in an empty chart, so a blank chart is never mistaken for zeros."""
    axes.text(0.5, 0.5, words, transform=axes.transAxes, ha="center", va="center", fontsize=8)


def _x(days: Any) -> Any:
    """Dates as matplotlib takes them (its type hints know only numbers, though it plots dates)."""
    return days
