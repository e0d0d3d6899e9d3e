"""The visit report as a PDF: two A4 pages for a typical patient, legible in black and white.

fpdf2 lays it out (pure Python, nothing to install beyond PyPI); the text uses the DejaVu Sans
fonts that matplotlib ships inside its package, so any character in a name or a note prints and a
clean machine needs no system fonts. Page 1 is the plan and the weeks; page 2 the measures, the
alerts and the findings. The metadata (title, creation date) come from the report's inputs, so
the same inputs give the same file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from pacewise.adapters.exports import report_charts
from pacewise.adapters.exports.report_content import ReportContent, period_words
from pacewise.domain.wording import day_words

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
MARGIN = 12.0
WIDTH = 210.0 - 2 * MARGIN
NO_RECORDS = "No records in this period: no activity, pain ratings, visits or questionnaires."


class _Report(FPDF):
    """A4 pages with a footer naming the patient and the page, so loose printed pages stay
    together."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.cell(0, 4, f"{self.footer_text} · page {self.page_no()} of {{nb}}", align="C")


def render_pdf(content: ReportContent) -> bytes:
    """The report's PDF bytes."""
    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(content.title)
    pdf.set_author("pacewise")
    pdf.set_creator("pacewise")
    pdf.set_subject(f"Visit report, {period_words(content.start, content.end)}")
    pdf.set_creation_date(dt.datetime.combine(content.end, dt.time(0), tzinfo=dt.UTC))
    pdf.footer_text = f"pacewise visit report: {content.patient}"
    pdf.add_page()
    _header(pdf, content)
    _plan(pdf, content)
    if content.empty:
        _heading(pdf, "Records")
        _text(pdf, NO_RECORDS)
        return bytes(pdf.output())
    _lines(pdf, "At a glance", content.glance)
    _chart(pdf, report_charts.minutes_chart(content.weeks), WIDTH)
    _chart(
        pdf,
        report_charts.pain_chart(
            content.daily_pain, content.flares, content.visits, content.start, content.end
        ),
        WIDTH,
    )
    _weeks_table(pdf, content)
    pdf.add_page()
    _side_by_side(
        pdf,
        report_charts.peg_chart(content.peg, content.start, content.end),
        report_charts.acupuncture_chart(content.months),
    )
    _months_table(pdf, content)
    if content.relief:
        _text(pdf, content.relief)
    _heading(pdf, "Check-ins and alerts")
    _text(pdf, content.checkins)
    for alert in content.alerts or ("No alerts were raised in this period.",):
        _text(pdf, alert)
    _lines(pdf, "Boom and bust (PROTOCOL.md 5)", content.boom_bust)
    _scores_table(pdf, content)
    _goals_table(pdf, content)
    return bytes(pdf.output())


def _header(pdf: FPDF, content: ReportContent) -> None:
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, "Visit report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9.5)
    pdf.cell(0, 5, f"Patient: {content.patient}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(
        0,
        5,
        f"Period: {period_words(content.start, content.end)}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _plan(pdf: FPDF, content: ReportContent) -> None:
    _heading(pdf, "Condition, phase and prescription")
    _text(pdf, f"Condition: {content.condition}. Phase: {content.phase}.")
    for line in content.prescription:
        _text(pdf, line)
    if content.plan_reason:
        _text(pdf, f"Why this week's plan: {content.plan_reason}")


def _heading(pdf: FPDF, words: str) -> None:
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 6, words, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)


def _text(pdf: FPDF, words: str) -> None:
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(WIDTH, 4.2, words, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _lines(pdf: FPDF, heading: str, lines: tuple[str, ...]) -> None:
    _heading(pdf, heading)
    for line in lines:
        _text(pdf, line)


def _chart(pdf: FPDF, png: bytes, width: float) -> None:
    pdf.ln(1)
    pdf.image(io.BytesIO(png), x=MARGIN, w=width)


def _side_by_side(pdf: FPDF, left: bytes, right: bytes) -> None:
    half = (WIDTH - 4) / 2
    top = pdf.get_y()
    placed = pdf.image(io.BytesIO(left), x=MARGIN, y=top, w=half)
    pdf.image(io.BytesIO(right), x=MARGIN + half + 4, y=top, w=half)
    pdf.set_y(top + placed.rendered_height + 1)


def _table(
    pdf: FPDF, widths: tuple[float, ...], header: tuple[str, ...], rows: Sequence[tuple[str, ...]]
) -> None:
    pdf.set_font(FONT, "", 7.5)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        line_height=3.8,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        for values in (header, *rows):
            row = table.row()
            for value in values:
                row.cell(value)


def _weeks_table(pdf: FPDF, content: ReportContent) -> None:
    _heading(pdf, "Plan weeks")
    rows = [
        (
            str(w.week),
            f"{day_words(w.start)}" + ("" if w.complete else " (so far)"),
            str(w.phase),
            str(w.planned_minutes),
            str(w.done_minutes),
            w.decision.value.replace("_", " "),
        )
        for w in content.weeks
    ]
    header = ("week", "from", "phase", "planned min", "done min", "plan decision")
    _table(pdf, (14, 28, 14, 24, 22, 36), header, rows)


def _months_table(pdf: FPDF, content: ReportContent) -> None:
    rows = [
        (
            m.label,
            str(m.visits),
            str(m.activity_minutes),
            "-" if m.pain_average is None else f"{m.pain_average:.1f}",
        )
        for m in content.months
    ]
    header = ("month", "acupuncture visits", "activity minutes", "average daily pain")
    _table(pdf, (28, 32, 32, 34), header, rows)


def _scores_table(pdf: FPDF, content: ReportContent) -> None:
    _heading(pdf, "Questionnaires: change since the start of the period")
    if not content.scores:
        _text(pdf, "No questionnaires were answered in this period.")
        return
    rows = [
        (
            s.title,
            f"{s.first} ({day_words(s.first_on)})",
            f"{s.last} ({day_words(s.last_on)})",
            s.change,
            s.verdict,
        )
        for s in content.scores
    ]
    header = ("instrument", "first", "latest", "change", "meaningful change?")
    _table(pdf, (66, 24, 24, 18, 54), header, rows)


def _goals_table(pdf: FPDF, content: ReportContent) -> None:
    _heading(pdf, "Functional goals (PSFS): then and now")
    if not content.goals or content.goals_dates is None:
        _text(pdf, "No functional goals were rated in this period.")
        return
    then, now = (day_words(day) for day in content.goals_dates)
    rows = [
        (
            g.activity,
            "-" if g.then is None else str(g.then),
            "-" if g.now is None else str(g.now),
        )
        for g in content.goals
    ]
    _table(pdf, (90, 30, 30), ("activity (0 unable - 10 as before)", then, now), rows)
