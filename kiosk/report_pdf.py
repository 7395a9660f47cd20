"""A day report as an A4 PDF for the manager: key figures, charts, tables, definitions.

Laid out with reportlab's platypus (flowing tables, page breaks, repeated
headers) and charts from ``reportlab.graphics``. Every text that comes from a
person (center and service names, outcomes) goes through :func:`_markup`:
escaped, so ``Smith & Sons <b>`` prints literally, and split into runs of the
font chain that has each character (FIELD-NOTES "Printing"), so nothing prints
blank. Chart labels are drawn as plain strings, never parsed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as Style

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from kiosk.reports import DayReport, ServiceFigures
from printing.fonts import font_runs, get_fonts, printable_text

NAVY = colors.HexColor("#0b3d91")
INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#3d4551")
RULE = colors.HexColor("#a9aeb1")
ZEBRA = colors.HexColor("#f0f3f8")
# Bar colours: distinct from each other and from the table headers (tests look for them).
ISSUED_COLOR = colors.HexColor("#2378c3")
COMPLETED_COLOR = colors.HexColor("#00a91c")
WAIT_COLOR = colors.HexColor("#e5a000")
SERVICE_COLOR = colors.HexColor("#8168b3")
MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
NAME_WIDTH = 42 * mm
LABEL_WIDTH = 52 * mm  # service names beside the horizontal bars
COUNT_COLUMNS = (
    "issued transferred_in called completed no_shows transferred_out cancelled unfinished"
)
TIME_COLUMNS = (
    "waits mean_wait median_wait p90_wait max_wait median_service mean_service p90_service"
)
DEFINITIONS = ("visit", "wait", "service", "stats", "hours")
ALL_CELLS = ((0, 0), (-1, -1))
TILE_STYLE = Style([("BOX", *ALL_CELLS, 0.75, RULE), ("INNERGRID", *ALL_CELLS, 0.75, RULE),
                    ("BACKGROUND", *ALL_CELLS, ZEBRA), ("TOPPADDING", *ALL_CELLS, 5),
                    ("BOTTOMPADDING", *ALL_CELLS, 6)])  # fmt: skip
CELL_PAD = 3.5
HEAD_SIZE = 7.5  # table headers; smaller when a word would not fit its column


def write_pdf(
    report: DayReport,
    path: Path,
    *,
    center_name: str,
    station_id: str,
    pack: ContentPack,
    lang: str,
    made_at: dt.datetime,
    tz: dt.tzinfo | None,
) -> Path:
    """Write the report to ``path`` in ``lang`` (times of day in ``tz``)."""
    fonts = get_fonts()
    page = _Page(Translator(lang), fonts.regular, fonts.bold)
    tr, day = page.tr, report.day.isoformat()
    story: list[Any] = [
        page.text(center_name, "title", bold=True),
        page.text(f"{tr('report.title')} — {day} · {tr('report.time_zone', tz=report.time_zone)}",
                  "subtitle"),
        page.tiles(report),
        Spacer(1, 6 * mm),
    ]  # fmt: skip
    if report.empty:
        story.append(page.text(tr("report.empty", date=day), "h2"))
    else:
        names = [_name(pack, f, lang) for f in report.services]
        story += page.body(report, names)
    story.append(Spacer(1, 4 * mm))
    notes = [page.text(tr(f"report.pdf.def_{key}"), "note") for key in DEFINITIONS]
    story.append(KeepTogether([page.text(tr("report.pdf.definitions"), "h2"), *notes]))
    local = made_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    footer = printable_text(tr("report.generated", time=local, station=station_id))

    def on_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, tr("report.page", n=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{tr('report.title')} {day}",
        author=printable_text(center_name),
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path


class _Page:
    """The report's parts in one language and one font chain."""

    def __init__(self, tr: Translator, regular: str, bold: str) -> None:
        self.tr, self.font = tr, regular
        self.styles = _styles(regular, bold)

    def text(self, text: str, style: str, bold: bool = False) -> Paragraph:
        return Paragraph(_markup(text, bold), self.styles[style])

    def minutes(self, value: float | None) -> str:
        return self.tr("report.none") if value is None else f"{value:.1f}"

    def body(self, report: DayReport, names: list[str]) -> list[Any]:
        tr, services = self.tr, report.services
        rows = (*services, report.overall)
        names_all = [*names, tr("report.all_services")]
        counts = [[str(getattr(f, c)) for c in COUNT_COLUMNS.split()] for f in rows]
        times = [
            [str(f.wait.count)] + [self.minutes(getattr(t, a)) for t, a in _time_fields(f)]
            for f in rows
        ]
        none = tr("report.none")
        waits = [f.wait.median for f in services]
        served = [f.service_time.median for f in services]
        return [
            self.section("chart_hours", self.hours_chart(report)),
            self.text(tr("report.pdf.tickets"), "h2"),
            self.service_table(COUNT_COLUMNS.split(), counts, names_all),
            self.text(tr("report.pdf.times"), "h2"),
            self.service_table(TIME_COLUMNS.split(), times, names_all),
            self.section("chart_wait", _service_chart(names, waits, WAIT_COLOR, self.font, none)),
            self.section(
                "chart_service", _service_chart(names, served, SERVICE_COLOR, self.font, none)
            ),
            self.section("hours", self.hours_table(report)),
            self.section("outcomes", self.outcomes(report)),
        ]

    def section(self, title: str, content: Any) -> KeepTogether:
        return KeepTogether([self.text(self.tr(f"report.pdf.{title}"), "h2"), content])

    def service_table(self, columns: list[str], values: list[list[str]], names: list[str]) -> Table:
        """A per-service table, the "All services" row last in bold."""
        body = []
        for i, (name, row) in enumerate(zip(names, values, strict=True)):
            last = i == len(names) - 1
            num = self.styles["num_bold" if last else "num"]
            body.append(
                [self.text(name, "cell_bold" if last else "cell", bold=last)]
                + [Paragraph(v, num) for v in row]
            )
        number_width = (CONTENT_WIDTH - NAME_WIDTH) / len(columns)
        heads = [self.tr(f"report.col.{c}") for c in ("service", *columns)]
        table = self.grid(heads, body, [NAME_WIDTH] + [number_width] * len(columns))
        table.setStyle(Style([("LINEABOVE", (0, -1), (-1, -1), 1, NAVY)]))
        return table

    def grid(self, heads: list[str], body: list[list[Any]], widths: list[float]) -> Table:
        """A table with a navy header row (type small enough that no word breaks), zebra rows."""
        size = min(
            _fitting_size(text, width - 2 * CELL_PAD)
            for text, width in zip(heads, widths, strict=True)
        )
        head = [
            Paragraph(
                _markup(text, bold=True),
                ParagraphStyle(f"head{i}", parent=self.styles["head"], fontSize=size,
                               leading=size * 1.2, alignment=TA_RIGHT if i else 0),
            )
            for i, text in enumerate(heads)
        ]  # fmt: skip
        table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), NAVY),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ]
        commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(body) + 1, 2)]
        table.setStyle(Style(commands))
        return table

    def tiles(self, report: DayReport) -> Table:
        o, tr = report.overall, self.tr
        tiles = [
            (str(o.issued), "issued"),
            (str(o.completed), "completed"),
            (str(o.no_shows), "no_shows"),
            (self.minutes(o.wait.median), "median_wait"),
            (self.minutes(o.service_time.median), "median_service"),
        ]
        cells = [
            [
                Paragraph(v, self.styles["tile_value"]),
                self.text(tr(f"report.col.{k}"), "tile_label"),
            ]
            for v, k in tiles
        ]
        table = Table([cells], colWidths=[CONTENT_WIDTH / len(tiles)] * len(tiles))
        table.setStyle(TILE_STYLE)
        return table

    def hours_chart(self, report: DayReport) -> Drawing:
        """Issued and completed tickets per local hour, over the hours with any activity."""
        active = [h.hour for h in report.hours if h.issued or h.called or h.completed]
        hours = [h for h in report.hours if active[0] <= h.hour <= active[-1]]
        drawing = Drawing(CONTENT_WIDTH, 62 * mm)
        chart = VerticalBarChart()
        chart.x, chart.y = 12 * mm, 14 * mm
        chart.width, chart.height = CONTENT_WIDTH - 14 * mm, 44 * mm
        chart.data = [[h.issued for h in hours], [h.completed for h in hours]]
        chart.categoryAxis.categoryNames = [f"{h.hour % 24:02d}" for h in hours]
        _axes(chart, self.font, max(max(row) for row in chart.data), headroom=1.0)
        chart.bars[0].fillColor, chart.bars[1].fillColor = ISSUED_COLOR, COMPLETED_COLOR
        chart.bars.strokeColor = None
        chart.groupSpacing, chart.barSpacing = 4, 1
        drawing.add(chart)
        legend = Legend()
        legend.x, legend.y = 12 * mm, 4 * mm
        legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 8, 8
        legend.fontName, legend.fontSize, legend.deltax = self.font, 8, 90
        legend.colorNamePairs = [
            (ISSUED_COLOR, printable_text(self.tr("report.col.issued"))),
            (COMPLETED_COLOR, printable_text(self.tr("report.col.completed"))),
        ]
        drawing.add(legend)
        return drawing

    def hours_table(self, report: DayReport) -> Table:
        columns = ("hour", "issued", "called", "completed", "mean_wait_hour")
        num = self.styles["num"]
        body = [
            [Paragraph(f"{h.hour % 24:02d}:00", self.styles["cell"])]
            + [Paragraph(str(v), num) for v in (h.issued, h.called, h.completed)]
            + [Paragraph(self.minutes(h.mean_wait), num)]
            for h in report.hours
            if h.issued or h.called or h.completed
        ]
        return self.grid([self.tr(f"report.col.{c}") for c in columns], body, [28 * mm] * 5)

    def outcomes(self, report: DayReport) -> Any:
        if not report.outcomes:
            return self.text(self.tr("report.pdf.no_outcomes"), "note")
        num = self.styles["num"]
        body = [[self.text(text, "cell"), Paragraph(str(n), num)] for text, n in report.outcomes]
        heads = [self.tr("report.col.outcome"), self.tr("report.col.count")]
        return self.grid(heads, body, [112 * mm, 28 * mm])


def _time_fields(f: ServiceFigures) -> list[tuple[Any, str]]:
    w, s = f.wait, f.service_time
    return [(w, "mean"), (w, "median"), (w, "p90"), (w, "max"), (s, "median"), (s, "mean"),
            (s, "p90")]  # fmt: skip


def _service_chart(
    names: Sequence[str], values: Sequence[float | None], color: colors.Color, font: str, none: str
) -> Drawing:
    """One horizontal bar per service, top to bottom in the pack's order, value at its end."""
    row = 8 * mm
    drawing = Drawing(CONTENT_WIDTH, row * len(names) + 14 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y = LABEL_WIDTH + 2 * mm, 8 * mm
    chart.width, chart.height = CONTENT_WIDTH - LABEL_WIDTH - 14 * mm, row * len(names)
    chart.data = [[v if v is not None else 0 for v in reversed(values)]]
    chart.categoryAxis.categoryNames = [_fit(n, font, 8, LABEL_WIDTH) for n in reversed(names)]
    _axes(chart, font, max([v for v in values if v is not None] or [0]), headroom=1.1)
    chart.bars[0].fillColor, chart.bars.strokeColor = color, None
    chart.barLabelFormat = "values"  # "–" for a service with no sample, not a bar of 0
    chart.barLabelArray = [[none if v is None else f"{v:.1f}" for v in reversed(values)]]
    chart.barLabels.fontName, chart.barLabels.fontSize = font, 7.5
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    drawing.add(chart)
    return drawing


def _axes(chart: Any, font: str, top: float, headroom: float) -> None:
    """Axis type, and a value axis from 0 in round steps (about six gridlines)."""
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 8
        axis.strokeColor = MUTED
    chart.categoryAxis.labels.fillColor = INK
    step = next(
        float(s * m) for m in (1, 10, 100, 1000, 10_000, 100_000) for s in (1, 2, 5)
        if top * headroom / (s * m) <= 6 or m == 100_000
    )  # fmt: skip
    value = chart.valueAxis
    value.valueMin, value.valueStep = 0, step
    value.valueMax = max(step, math.ceil(top * headroom / step) * step)
    value.visibleGrid, value.gridStrokeColor = True, RULE


def _fitting_size(text: str, width: float) -> float:
    """The header type size (at most 7.5 pt, at least 5.5) at which each word of
    ``text`` fits ``width``: words wrap between them, never inside one."""
    fonts = get_fonts()
    words = printable_text(text, bold=True).split() or [""]
    widest = max(sum(fonts.char_width(c, fonts.bold) for c in word) for word in words)
    return max(5.5, min(HEAD_SIZE, width / widest if widest else HEAD_SIZE))


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    def style(name: str, font: str, size: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("textColor", INK)
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, **kw)

    return {
        "title": style("title", bold, 20, textColor=NAVY, spaceAfter=2),
        "subtitle": style("subtitle", regular, 11.5, textColor=MUTED, spaceAfter=8),
        "h2": style("h2", bold, 12, textColor=NAVY, spaceBefore=8, spaceAfter=4),
        "note": style("note", regular, 8.5, spaceAfter=3),
        "head": style("head", bold, HEAD_SIZE, textColor=colors.white),
        "cell": style("cell", regular, 8.5),
        "cell_bold": style("cell_bold", bold, 8.5),
        "num": style("num", regular, 8.5, alignment=TA_RIGHT),
        "num_bold": style("num_bold", bold, 8.5, alignment=TA_RIGHT),
        "tile_value": style("tile_value", bold, 18, textColor=NAVY, alignment=1),
        "tile_label": style("tile_label", regular, 8, textColor=MUTED, alignment=1),
    }


def _markup(text: str, bold: bool = False) -> str:
    """``text`` as Paragraph markup that shows it literally, each run in a font that has it."""
    runs = font_runs(text, bold)
    return "".join(f'<font name="{face}">{escape(run)}</font>' for run, face in runs)


def _fit(text: str, font: str, size: float, width: float) -> str:
    """A chart label shortened with an ellipsis to fit ``width`` (drawn as a plain string)."""
    text = printable_text(text)
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _name(pack: ContentPack, figures: ServiceFigures, lang: str) -> str:
    try:
        return pack.text(pack.service(figures.service_id).name, lang)
    except KeyError:  # a service since taken out of the pack
        return figures.name
