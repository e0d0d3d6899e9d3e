"""The server-made SVG charts: data points, markers and a text alternative (issue 5)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from pacewise.web.charts import minutes_chart, pain_chart, score_chart

SVG = "{http://www.w3.org/2000/svg}"
DAY = dt.date(2026, 1, 5)


def svg_of(markup: str) -> ET.Element:
    found = re.search(r"<svg.*</svg>", markup, re.S)
    assert found is not None, markup
    return ET.fromstring(found.group(0))


def point_titles(svg: ET.Element, group: str = "pr-point") -> list[str]:
    return [g.findtext(f"{SVG}title") or "" for g in svg.iter(f"{SVG}g") if g.get("class") == group]


def test_the_minutes_chart_has_one_bar_per_week_with_planned_and_done() -> None:
    html = str(minutes_chart([(1, 15, 15), (2, 15, 10), (3, 16.5, 20)]))
    svg = svg_of(html)
    assert point_titles(svg) == [
        "Week 1: 15 of 15 planned minutes",
        "Week 2: 10 of 15 planned minutes",
        "Week 3: 20 of 17 planned minutes",
    ]
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby", "").split()
    assert svg.find(f"{SVG}title").get("id") == title_id  # type: ignore[union-attr]
    desc = svg.find(f"{SVG}desc")
    assert desc is not None
    assert desc.get("id") == desc_id
    assert "45 done of 47 planned" in (desc.text or "")
    assert "<td>3</td><td>17</td><td>20</td>" in html


def test_the_pain_chart_marks_flares_and_visits_and_lists_them() -> None:
    pain = [(DAY + dt.timedelta(days=n), value) for n, value in enumerate([5, 6, 8, 8, 4])]
    html = str(pain_chart(pain, [DAY + dt.timedelta(days=2)], [DAY + dt.timedelta(days=4)]))
    svg = svg_of(html)
    assert point_titles(svg)[2] == "7 Jan: pain 8 out of 10"
    assert point_titles(svg, "pr-flare") == ["Flare from 7 Jan"]
    assert point_titles(svg, "pr-visit") == ["Acupuncture visit on 9 Jan"]
    assert "1 flare (7 Jan)" in (svg.findtext(f"{SVG}desc") or "")
    assert "<td>7 Jan</td><td>8</td><td>flare</td>" in html
    assert "<td>9 Jan</td><td>4</td><td>acupuncture visit</td>" in html


def test_the_score_chart_shows_each_answer() -> None:
    html = str(score_chart([(DAY, 6.0), (DAY + dt.timedelta(days=7), 4.333333)]))
    svg = svg_of(html)
    assert point_titles(svg) == ["5 Jan: PEG score 6", "12 Jan: PEG score 4.3"]
    assert "first 6, latest 4.3" in (svg.findtext(f"{SVG}desc") or "")


def test_text_is_escaped() -> None:
    html = str(score_chart([(DAY, 3.0)], title="<script>x</script>"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_empty_data_says_so_in_words() -> None:
    assert "no pain ratings yet" in str(pain_chart([]))
    assert "<svg" not in str(minutes_chart([]))


def test_two_charts_on_one_page_have_different_ids() -> None:
    first, second = svg_of(str(score_chart([(DAY, 1.0)]))), svg_of(str(score_chart([(DAY, 1.0)])))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")
