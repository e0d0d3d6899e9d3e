"""Charts as server-made SVG: readable on a phone, and each with a text alternative (issue 5).

Every function takes plain data (numbers, dates, sequences of pairs), so the patient's Progress
page and the clinician's patient page draw the same charts from whatever the services give them.
Each returns one `<figure>` as `markupsafe.Markup`, ready for a Jinja template:

- the `<svg>` scales to its container (`viewBox`, width 100%) and is an image to assistive
  technology (`role="img"`, named by its `<title>` and described by its `<desc>`, a sentence
  that sums the data up);
- every data point carries its own `<title>` (a tooltip with its values);
- a `<figcaption>` holds the same summary sentence, and a `<details>` table lists every value,
  so nothing is only in the picture. No script, no inline style: the CSP allows neither.

Markers differ in shape as well as colour (bars, line, triangles, diamonds), so the charts read
without colour vision. All text passes through `escape`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from pacewise.domain.wording import day_words, shown_minutes

__all__ = ["minutes_chart", "pain_chart", "score_chart"]

WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 34, 34
FONT = 15
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 6

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    """A fresh id, so several charts (or the same chart twice) can share a page."""
    return f"{prefix}-{next(_ids)}"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _y(value: float, high: float, low: float = 0.0) -> float:
    span = high - low or 1.0
    return TOP + PLOT_H - (value - low) / span * PLOT_H


def _nice_ceiling(value: float) -> float:
    """The top of the minutes axis: a round number at or above `value` (at least 10)."""
    if value <= 10:
        return 10.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always ends at 10


def _y_axis(high: float, low: float = 0.0, ticks: int = 4) -> str:
    parts = []
    for index in range(ticks + 1):
        value = low + (high - low) * index / ticks
        y = _y(value, high, low)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#c9d2cd" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + FONT / 3:.1f}" text-anchor="end" '
            f'font-size="{FONT}" fill="#4a555c">{escape(_num(value))}</text>'
        )
    return "".join(parts)


def _x_label(x: float, text: str, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}" font-size="{FONT}" '
        f'fill="#4a555c">{escape(text)}</text>'
    )


def _every(count: int) -> int:
    """Label every n-th position so that at most `MAX_X_LABELS` labels fit across a phone."""
    return max(1, math.ceil(count / MAX_X_LABELS))


def _legend(entries: Sequence[tuple[str, str]]) -> str:
    """Shapes with their words along the top: (svg shape at the origin, words)."""
    parts, x = [], float(LEFT)
    for shape, words in entries:
        parts.append(
            f'<g transform="translate({x:.1f},14)">{shape}'
            f'<text x="16" y="5" font-size="{FONT}" fill="#1d2327">{escape(words)}</text></g>'
        )
        x += 26 + len(words) * FONT * 0.55
    return "".join(parts)


def _table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f"<details><summary>{escape(caption)}</summary>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _figure(name: str, title: str, summary: str, drawing: str, table: str) -> Markup:
    title_id, desc_id = _id(f"{name}-title"), _id(f"{name}-desc")
    return Markup(
        f'<figure class="pr-chart pr-chart-{escape(name)}">'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(summary)}</desc>'
        f"{drawing}</svg>"
        f"<figcaption>{escape(summary)}</figcaption>{table}</figure>"
    )


def _empty(name: str, title: str, words: str) -> Markup:
    return Markup(
        f'<figure class="pr-chart pr-chart-{escape(name)} pr-chart-empty">'
        f"<figcaption><strong>{escape(title)}</strong>: {escape(words)}</figcaption></figure>"
    )


def minutes_chart(
    weeks: Sequence[tuple[int, float, float]], *, title: str = "Planned and done minutes"
) -> Markup:
    """Planned against done minutes, one bar per plan week.

    `weeks` holds (plan week number, planned minutes, done minutes), oldest first, such as
    `(s.week.week, s.planned_minutes, s.done_minutes)` for each `domain.summaries.WeekSummary`.
    Done minutes are filled bars; the plan is a dark line across each bar's slot.
    """
    if not weeks:
        return _empty("minutes", title, "no plan weeks yet.")
    high = _nice_ceiling(max(max(planned, done) for _, planned, done in weeks))
    slot = PLOT_W / len(weeks)
    bar = max(2.0, slot * 0.6)
    label_every = _every(len(weeks))
    parts = [_y_axis(high, ticks=5)]
    for index, (week, planned, done) in enumerate(weeks):
        middle = LEFT + slot * (index + 0.5)
        top = _y(done, high)
        plan_y = _y(planned, high)
        tip = f"Week {week}: {shown_minutes(done)} of {shown_minutes(planned)} planned minutes"
        parts.append(
            f'<g class="pr-point"><title>{escape(tip)}</title>'
            f'<rect x="{middle - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" '
            f'height="{TOP + PLOT_H - top:.1f}" fill="#1f5f4a"/>'
            f'<line x1="{middle - slot * 0.45:.1f}" y1="{plan_y:.1f}" '
            f'x2="{middle + slot * 0.45:.1f}" y2="{plan_y:.1f}" stroke="#1d2327" '
            f'stroke-width="3"/></g>'
        )
        is_last = index == len(weeks) - 1
        if is_last or (index % label_every == 0 and len(weeks) - 1 - index >= label_every):
            parts.append(_x_label(middle, f"wk {week}"))
    parts.append(
        _legend(
            [
                ('<rect x="0" y="-6" width="12" height="12" fill="#1f5f4a"/>', "done"),
                ('<line x1="0" y1="0" x2="12" y2="0" stroke="#1d2327" stroke-width="3"/>', "plan"),
            ]
        )
    )
    first, last = weeks[0], weeks[-1]
    done_total = sum(done for _, _, done in weeks)
    planned_total = sum(planned for _, planned, _ in weeks)
    span = f"week {first[0]}" if len(weeks) == 1 else f"weeks {first[0]} to {last[0]}"
    summary = (
        f"Minutes per plan week, {span}: {shown_minutes(done_total)} done of "
        f"{shown_minutes(planned_total)} planned in all. Latest, week {last[0]}: "
        f"{shown_minutes(last[2])} done of {shown_minutes(last[1])} planned."
    )
    rows = [(str(w), str(shown_minutes(p)), str(shown_minutes(d))) for w, p, d in weeks]
    table = _table("The numbers", ("Week", "Planned minutes", "Done minutes"), rows)
    return _figure("minutes", title, summary, "".join(parts), table)


def _date_x(day: dt.date, first: dt.date, last: dt.date) -> float:
    span = (last - first).days or 1
    return LEFT + (day - first).days / span * PLOT_W if last != first else LEFT + PLOT_W / 2


def _date_labels(first: dt.date, last: dt.date) -> str:
    days = (last - first).days
    if days == 0:
        return _x_label(_date_x(first, first, last), day_words(first))
    steps = min(MAX_X_LABELS - 2, days)
    labels = [first + dt.timedelta(days=round(days * i / steps)) for i in range(steps + 1)]
    return "".join(
        _x_label(_date_x(day, first, last), day_words(day), "end" if day == last else "middle")
        for day in labels
    )


def _triangle(x: float, y: float, fill: str) -> str:
    return (
        f'<path d="M{x:.1f} {y - 7:.1f} L{x + 7:.1f} {y + 6:.1f} L{x - 7:.1f} {y + 6:.1f} Z" '
        f'fill="{fill}"/>'
    )


def _diamond(x: float, y: float, fill: str) -> str:
    return (
        f'<path d="M{x:.1f} {y - 7:.1f} L{x + 7:.1f} {y:.1f} L{x:.1f} {y + 7:.1f} '
        f'L{x - 7:.1f} {y:.1f} Z" fill="{fill}"/>'
    )


def pain_chart(
    pain: Sequence[tuple[dt.date, float]],
    flares: Sequence[dt.date] = (),
    visits: Sequence[dt.date] = (),
    *,
    title: str = "Daily pain",
) -> Markup:
    """Daily pain (0-10) over time, with flares (triangles and a dashed line) and acupuncture
    visits (diamonds along the bottom) marked on their days.

    `pain` holds (day, rating) pairs; `flares` and `visits` hold days. The time axis runs from
    the earliest to the latest day given in any of them.
    """
    pain = sorted(pain)
    days = [d for d, _ in pain] + list(flares) + list(visits)
    if not days:
        return _empty("pain", title, "no pain ratings yet.")
    first, last = min(days), max(days)
    parts = [_y_axis(10.0, ticks=5)]
    for day in sorted(set(flares)):
        x = _date_x(day, first, last)
        parts.append(
            f'<g class="pr-flare"><title>{escape(f"Flare from {day_words(day)}")}</title>'
            f'<line x1="{x:.1f}" y1="{TOP:.1f}" x2="{x:.1f}" y2="{TOP + PLOT_H:.1f}" '
            f'stroke="#a11d1d" stroke-width="2" stroke-dasharray="5 4"/>'
            f"{_triangle(x, TOP + 2, '#a11d1d')}</g>"
        )
    for day in sorted(set(visits)):
        x = _date_x(day, first, last)
        parts.append(
            f'<g class="pr-visit"><title>{escape(f"Acupuncture visit on {day_words(day)}")}</title>'
            f"{_diamond(x, TOP + PLOT_H - 8, '#1d5fa8')}</g>"
        )
    if pain:
        points = " ".join(f"{_date_x(d, first, last):.1f},{_y(v, 10):.1f}" for d, v in pain)
        parts.append(f'<polyline points="{points}" fill="none" stroke="#1d2327" stroke-width="2"/>')
        for day, value in pain:
            tip = f"{day_words(day)}: pain {_num(value)} out of 10"
            parts.append(
                f'<g class="pr-point"><title>{escape(tip)}</title>'
                f'<circle cx="{_date_x(day, first, last):.1f}" cy="{_y(value, 10):.1f}" r="4" '
                f'fill="#1d2327"/></g>'
            )
    parts.append(_date_labels(first, last))
    parts.append(
        _legend(
            [
                ('<circle cx="6" cy="0" r="4" fill="#1d2327"/>', "pain"),
                (_triangle(6, 0, "#a11d1d"), "flare"),
                (_diamond(6, 0, "#1d5fa8"), "acupuncture"),
            ]
        )
    )
    summary = _pain_summary(pain, flares, visits, first, last)
    notes: dict[dt.date, list[str]] = {}
    for day in flares:
        notes.setdefault(day, []).append("flare")
    for day in visits:
        notes.setdefault(day, []).append("acupuncture visit")
    ratings = dict(pain)
    rows = [
        (
            day_words(day),
            _num(ratings[day]) if day in ratings else "",
            ", ".join(notes.get(day, [])),
        )
        for day in sorted(set(ratings) | set(notes))
    ]
    table = _table("The numbers", ("Day", "Pain (0-10)", "Marked"), rows)
    return _figure("pain", title, summary, "".join(parts), table)


def _pain_summary(
    pain: Sequence[tuple[dt.date, float]],
    flares: Sequence[dt.date],
    visits: Sequence[dt.date],
    first: dt.date,
    last: dt.date,
) -> str:
    words = [f"Daily pain from {day_words(first)} to {day_words(last)}:"]
    if pain:
        values = [v for _, v in pain]
        average = sum(values) / len(values)
        ratings = "1 rating" if len(values) == 1 else f"{len(values)} ratings"
        words.append(
            f"{ratings}, from {_num(min(values))} to {_num(max(values))} out of 10, "
            f"{_num(average)} on average; the latest, {_num(pain[-1][1])} on "
            f"{day_words(pain[-1][0])}."
        )
    else:
        words.append("no ratings.")
    if flares:
        words.append(
            ("1 flare" if len(set(flares)) == 1 else f"{len(set(flares))} flares")
            + " ("
            + ", ".join(day_words(d) for d in sorted(set(flares)))
            + ")."
        )
    if visits:
        count = len(set(visits))
        words.append(
            ("1 acupuncture visit" if count == 1 else f"{count} acupuncture visits")
            + " ("
            + ", ".join(day_words(d) for d in sorted(set(visits)))
            + ")."
        )
    return " ".join(words)


def score_chart(
    scores: Sequence[tuple[dt.date, float]],
    *,
    title: str = "PEG score",
    low: float = 0.0,
    high: float = 10.0,
    better: str = "lower is better",
) -> Markup:
    """A questionnaire score over time (the PEG by default: 0-10, lower is better).

    `scores` holds (day answered, score) pairs; `low`/`high` are the scale's ends and `better`
    says, in words, which way is good (it goes into the text alternative).
    """
    if not scores:
        return _empty("score", title, "no answers yet.")
    scores = sorted(scores)
    first, last = scores[0][0], scores[-1][0]
    parts = [_y_axis(high, low, ticks=5 if high - low == 10 else 4)]
    line = " ".join(f"{_date_x(d, first, last):.1f},{_y(v, high, low):.1f}" for d, v in scores)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#1f5f4a" stroke-width="3"/>')
    for day, value in scores:
        x, y = _date_x(day, first, last), _y(value, high, low)
        tip = f"{day_words(day)}: {title} {_num(value)}"
        parts.append(
            f'<g class="pr-point"><title>{escape(tip)}</title>'
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#1f5f4a"/></g>'
        )
    parts.append(_date_labels(first, last))
    answers = "1 answer" if len(scores) == 1 else f"{len(scores)} answers"
    summary = (
        f"{title} from {_num(low)} to {_num(high)} ({better}): {answers} from "
        f"{day_words(first)} to {day_words(last)}; first {_num(scores[0][1])}, latest "
        f"{_num(scores[-1][1])}."
    )
    rows = [(day_words(d), _num(v)) for d, v in scores]
    table = _table("The numbers", ("Day", title), rows)
    return _figure("score", title, summary, "".join(parts), table)
