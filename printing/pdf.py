"""Render a :class:`~printing.document.Document` to a one-page receipt PDF.

The page is exactly as wide as the paper roll and exactly as tall as its
content, so a receipt printer (or CUPS) prints it 1:1 with no blank tail.
Layout runs first (computing every line and rectangle in points measured from
the top of the page), then drawing; that is how the height is known before
the reportlab canvas is created.

Text is drawn as plain text objects and wrapped with ``stringWidth``, never
with ``Paragraph``: citizen-entered names such as ``Smith & Sons <`` must
print literally instead of being parsed as markup (see FIELD-NOTES "Printing").
reportlab has no per-character font fallback, so a line is drawn run by run
(:mod:`printing.fonts`), each character measured and drawn in the face that
really has it: "Número 龙 Nguyễn" prints every glyph, wrapped and aligned.

QR codes are drawn as filled rectangles whose modules are a whole number of
printer dots at ``dpi`` and sit on the dot grid; a scaled bitmap or off-grid
modules blur on thermal heads and stop scanning.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass

from reportlab.pdfgen import canvas

from printing.document import (
    Align,
    BigNumber,
    Block,
    Document,
    Heading,
    KeyValue,
    QRCode,
    Rule,
    Size,
    Spacer,
    TextLine,
)
from printing.fonts import CAP_HEIGHT_EM, DESCENT_EM, FontSet, get_fonts, printable_text, runs_in
from printing.qr import QUIET_ZONE_MODULES, qr_matrix

PT_PER_MM = 72.0 / 25.4

TEXT_SIZES_PT: dict[Size, float] = {"small": 8.0, "normal": 10.0, "large": 13.0}
HEADING_SIZE_PT = 14.0  # ~5 mm line: readable at arm's length, fits a center's name
LINE_HEIGHT_EM = 1.2
ASCENT_EM = 0.95  # room for accents on capitals (Á, Ñ)

BIG_NUMBER_MAX_CAP_MM = 22.0  # on 80 mm paper; narrower paper scales it down
BIG_NUMBER_MIN_PT = 16.0  # below this the "big" number is wrapped instead
BIG_NUMBER_PAD_MM = 2.0

KEY_VALUE_GAP_MM = 3.0
RULE_PAD_MM = 1.5
RULE_DOTS = 2
QR_MIN_DOTS_PER_MODULE = 4  # FIELD-NOTES: fewer dots per module scans badly on thermal paper
QR_MAX_SIDE_MM = 30.0  # bigger adds paper, not scannability
MIN_WIDTH_MM = 30.0
SYNTHETIC_BOLD_EM = 0.04  # outline stroke that emboldens a font without a bold face


@dataclass(frozen=True)
class _Text:
    x: float
    baseline: float  # from the top of the page
    text: str
    font: str
    size: float


@dataclass(frozen=True)
class _Rects:
    rects: tuple[tuple[float, float, float, float], ...]  # x, top, width, height


_Op = _Text | _Rects


def _width(text: str, font: str, size: float) -> float:
    fonts = get_fonts()
    return sum(fonts.char_width(c, font) for c in text) * size


def _split_long_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    """Hard-wrap a word wider than the paper; each piece holds at least one character."""
    max_width += 1e-6
    fonts = get_fonts()
    pieces: list[str] = []
    start, used = 0, 0.0
    for i, char in enumerate(word):
        w = fonts.char_width(char, font) * size
        # Never split a combining mark from its base: it would print on its own.
        if i > start and used + w > max_width and not unicodedata.combining(char):
            pieces.append(word[start:i])
            start, used = i, 0.0
        used += w
    pieces.append(word[start:])
    return pieces


def wrap_text(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap of already-printable ``text`` set in ``font`` (characters it
    lacks measured in the fallback face that draws them); never returns a line wider
    than ``max_width`` (except a single glyph wider than the paper).

    Runs of whitespace collapse to one space: receipts are not typeset prose.
    Always returns at least one (possibly empty) line, so an empty TextLine
    still takes a line of space, as its author intended.
    """
    max_width += 1e-6  # a text sized to fill the width exactly must not wrap on rounding
    lines: list[str] = []
    current, current_w = "", 0.0
    space_w = _width(" ", font, size)
    for word in text.split():
        w = _width(word, font, size)
        if current and current_w + space_w + w <= max_width:
            current, current_w = f"{current} {word}", current_w + space_w + w
            continue
        if current:
            lines.append(current)
        if w <= max_width:
            current, current_w = word, w
        else:
            *full, current = _split_long_word(word, font, size, max_width)
            lines.extend(full)
            current_w = _width(current, font, size)
    if current or not lines:
        lines.append(current)
    return lines


class _Layout:
    """Places blocks top to bottom; ``y`` is the cursor in points from the top."""

    def __init__(self, width_mm: float, dpi: int, fonts: FontSet) -> None:
        self.fonts = fonts
        self.page_width = width_mm * PT_PER_MM
        self.dot = 72.0 / dpi
        margin = (3.0 if width_mm <= 60.0 else 4.0) * PT_PER_MM
        self.left = margin
        self.right = self.page_width - margin
        self.content_width = self.right - self.left
        self.width_mm = width_mm
        self.y = margin
        self.bottom_margin = margin
        self.ops: list[_Op] = []

    @property
    def height(self) -> float:
        """Page height rounded up to whole dots, so the dot grid is the same from
        the top and the bottom of the page."""
        return self.snap(self.y + self.bottom_margin)

    def _x(self, line_width: float, align: Align) -> float:
        if align == "left":
            return self.left
        if align == "right":
            return self.right - line_width
        return self.left + (self.content_width - line_width) / 2

    def lines(self, text: str, *, size: float, bold: bool, align: Align) -> None:
        font = self.fonts.font(bold)
        for line in wrap_text(printable_text(text, bold), font, size, self.content_width):
            self.ops.append(
                _Text(
                    self._x(_width(line, font, size), align),
                    self.y + ASCENT_EM * size,
                    line,
                    font,
                    size,
                )
            )
            self.y += LINE_HEIGHT_EM * size

    def add(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.lines(block.text, size=HEADING_SIZE_PT, bold=True, align="center")
            self.y += 1.0 * PT_PER_MM
        elif isinstance(block, BigNumber):
            self.big_number(block.text)
        elif isinstance(block, TextLine):
            self.lines(
                block.text, size=TEXT_SIZES_PT[block.size], bold=block.bold, align=block.align
            )
        elif isinstance(block, KeyValue):
            self.key_value(block.key, block.value)
        elif isinstance(block, QRCode):
            self.qr(block.data)
        elif isinstance(block, Rule):
            self.rule()
        elif isinstance(block, Spacer):
            self.y += max(0.0, block.mm) * PT_PER_MM
        else:  # pragma: no cover - Block is a closed union
            raise TypeError(f"unknown block type {type(block).__name__}")

    def snap(self, points: float) -> float:
        """Round up to the printer's dot grid, so edges print sharp, not half-dots."""
        return math.ceil(points / self.dot - 1e-6) * self.dot

    def rule(self) -> None:
        """A line of whole dots across the content width."""
        top = self.snap(self.y + RULE_PAD_MM * PT_PER_MM)
        left = self.snap(self.left)
        width = math.floor((self.right - left) / self.dot + 1e-6) * self.dot
        thickness = RULE_DOTS * self.dot
        self.ops.append(_Rects(((left, top, width, thickness),)))
        self.y = top + thickness + RULE_PAD_MM * PT_PER_MM

    def big_number(self, raw: str) -> None:
        """The number as large as the paper allows, measured rather than guessed."""
        font = self.fonts.bold
        text = " ".join(printable_text(raw, bold=True).split())
        unit_width = _width(text, font, 1.0)
        max_cap = BIG_NUMBER_MAX_CAP_MM * min(1.0, self.width_mm / 80.0) * PT_PER_MM
        size = max_cap / CAP_HEIGHT_EM
        if unit_width > 0:
            size = min(size, self.content_width / unit_width)
        size = max(size, BIG_NUMBER_MIN_PT)
        # Capitals and digits need no room for accents or descenders: tighter box.
        plain = text.isascii() and not any(c.islower() for c in text)
        ascent = CAP_HEIGHT_EM if plain else ASCENT_EM
        descent = 0.12 if plain else DESCENT_EM
        self.y += BIG_NUMBER_PAD_MM * PT_PER_MM
        for line in wrap_text(text, font, size, self.content_width):
            self.y += ascent * size
            self.ops.append(
                _Text(self._x(_width(line, font, size), "center"), self.y, line, font, size)
            )
            self.y += descent * size
        self.y += BIG_NUMBER_PAD_MM * PT_PER_MM

    def key_value(self, raw_key: str, raw_value: str) -> None:
        """Key left, value right on one line; if they collide, value on its own lines."""
        size = TEXT_SIZES_PT["normal"]
        key_font, value_font = self.fonts.regular, self.fonts.bold
        key = " ".join(printable_text(raw_key).split())
        value = " ".join(printable_text(raw_value, bold=True).split())
        key_w, value_w = _width(key, key_font, size), _width(value, value_font, size)
        if key_w + KEY_VALUE_GAP_MM * PT_PER_MM + value_w <= self.content_width:
            baseline = self.y + ASCENT_EM * size
            self.ops.append(_Text(self.left, baseline, key, key_font, size))
            self.ops.append(_Text(self.right - value_w, baseline, value, value_font, size))
            self.y += LINE_HEIGHT_EM * size
            return
        for line in wrap_text(key, key_font, size, self.content_width):
            self.ops.append(_Text(self.left, self.y + ASCENT_EM * size, line, key_font, size))
            self.y += LINE_HEIGHT_EM * size
        for line in wrap_text(value, value_font, size, self.content_width):
            x = self.right - _width(line, value_font, size)
            self.ops.append(_Text(x, self.y + ASCENT_EM * size, line, value_font, size))
            self.y += LINE_HEIGHT_EM * size

    def qr(self, data: str) -> None:
        """Centred QR with whole-dot modules on the dot grid and a 4-module quiet zone."""
        matrix = qr_matrix(data)
        modules = len(matrix)
        fits_content = self.content_width / (modules * self.dot)
        fits_quiet = (self.page_width - 2 * self.dot) / (
            (modules + 2 * QUIET_ZONE_MODULES) * self.dot
        )
        fits_cap = QR_MAX_SIDE_MM * PT_PER_MM / (modules * self.dot)
        most = math.floor(min(fits_content, fits_quiet))
        if most < QR_MIN_DOTS_PER_MODULE:
            raise ValueError(
                f"QR payload too long for {self.width_mm:g} mm paper: {modules} modules "
                f"need at least {QR_MIN_DOTS_PER_MODULE} dots each"
            )
        dots = max(QR_MIN_DOTS_PER_MODULE, min(most, math.floor(fits_cap)))
        module = dots * self.dot
        side = modules * module
        quiet = QUIET_ZONE_MODULES * module
        x0 = math.floor((self.page_width - side) / 2 / self.dot) * self.dot
        top = self.snap(self.y + quiet)
        rects: list[tuple[float, float, float, float]] = []
        for r, row in enumerate(matrix):
            c = 0
            while c < modules:  # one rectangle per horizontal run: no seams, small PDF
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < modules and row[c]:
                    c += 1
                rects.append((x0 + start * module, top + r * module, (c - start) * module, module))
        self.ops.append(_Rects(tuple(rects)))
        self.y = top + side + quiet


def _metadata_text(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs"))


def _draw_text(pdf: canvas.Canvas, fonts: FontSet, op: _Text, height: float) -> None:
    """Draw one line run by run, each run in the face that has its glyphs.

    One text object per line: the cursor advances by reportlab's own width of
    each run, the same widths the layout measured. Bold text in a face with no
    bold (the CJK font) is filled and outlined, so a heading stays bold
    throughout instead of switching weight mid-line.
    """
    bold = op.font == fonts.bold
    pdf.saveState()
    pdf.setLineWidth(op.size * SYNTHETIC_BOLD_EM)
    text = pdf.beginText(op.x, height - op.baseline)
    for run, face in runs_in(op.text, op.font):
        text.setFont(face, op.size)
        text.setTextRenderMode(2 if fonts.synthetic_bold(face, bold) else 0)
        text.textOut(run)
    pdf.drawText(text)
    pdf.restoreState()


def warm_up() -> None:
    """Register the fonts now (reportlab is imported with this module), so the
    first job a station prints is not the slow one."""
    get_fonts()


def render_pdf(doc: Document, width_mm: float = 80.0, dpi: int = 203) -> bytes:
    """Render ``doc`` as a single-page PDF ``width_mm`` wide, as tall as its content.

    ``dpi`` is the printer's resolution (203 for most thermal heads); only the
    QR code and rules are aligned to it, text is vector. Raises ``ValueError``
    for paper narrower than 30 mm, a non-positive ``dpi``, or a QR payload too
    long to print with at least 4 dots per module.
    """
    if width_mm < MIN_WIDTH_MM:
        raise ValueError(f"paper width {width_mm:g} mm is below {MIN_WIDTH_MM:g} mm")
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    fonts = get_fonts()
    layout = _Layout(width_mm, dpi, fonts)
    for block in doc.blocks:
        layout.add(block)
    height = layout.height

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(layout.page_width, height))
    pdf.setTitle(_metadata_text(doc.title))
    pdf.setCreator("OneStop kiosk")
    for op in layout.ops:
        if isinstance(op, _Text):
            if op.text:
                _draw_text(pdf, fonts, op, height)
        else:
            path = pdf.beginPath()
            for x, top, w, h in op.rects:
                path.rect(x, height - top - h, w, h)
            pdf.drawPath(path, stroke=0, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
