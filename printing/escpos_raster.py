"""Lines drawn with PIL for the ESC/POS renderers in :mod:`printing.escpos`.

Native printer text is the rule (see :mod:`printing.escpos`); a line whose
characters no usable code page holds (Chinese, Vietnamese, Arabic, emoji...)
is drawn here and sent as a raster image of just that line, and so is a QR
code on a printer that cannot build one. The same drawing, applied to every
row, gives :func:`printing.escpos.render_escpos_raster`, the all-image
version the benchmark compares to.

Rows come from :mod:`printing.escpos_layout`, so a drawn line breaks exactly
where the native one would.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from printing.document import Document
from printing.escpos_layout import _layout, _line_pitch, _Qr, _Row, _Rule
from printing.fonts import font_runs, get_fonts
from printing.profiles import PrinterProfile
from printing.qr import QUIET_ZONE_MODULES, qr_matrix

FONT_A_CELL = (12, 24)  # dots (width, height) of one Font A character at scale 1
FONT_B_CELL = (9, 17)
RASTER_RULE_DOTS = 2


@lru_cache(maxsize=64)
def _font(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index)


def _runs(text: str, bold: bool, size: int) -> list[tuple[str, ImageFont.FreeTypeFont, int]]:
    """Split ``text`` into runs, each with the font that has all its glyphs.

    The choice is :func:`printing.fonts.font_runs`, the PDF's: same chain,
    same files and TTC faces, same cmap coverage check, same visible
    substitute for a character no font has. So a line drawn here and the
    same line in the PDF use the same font for every character. The third
    item is the stroke that emboldens a face without a bold cut (Chinese).
    """
    fonts = get_fonts()
    runs = []
    for run, name in font_runs(text, bold):
        face = fonts.faces[name]
        stroke = 1 if fonts.synthetic_bold(name, bold) else 0
        runs.append((run, _font(face.path, face.index, size), stroke))
    return runs


def _row_image(row: _Row, profile: PrinterProfile) -> Image.Image:
    """One row drawn full paper width, 1-bit, as tall as a native row of its size."""
    _, cell_h = FONT_B_CELL if row.small else FONT_A_CELL
    width = profile.dots_per_line
    pieces = [(row.text, row.bold, row.align)]
    if row.value is not None:
        pieces = [(row.text, False, "left"), (row.value, True, "right")]
    size = max(8, round(cell_h * row.scale * 0.9))
    while True:  # shrink until the row fits the paper (wide glyphs, long words)
        laid = [(_runs(text, bold, size), align) for text, bold, align in pieces]
        needed = sum(sum(font.getlength(run) for run, font, _ in runs) for runs, _ in laid)
        needed += cell_h if row.value is not None else 0
        if needed <= width or size <= 8:
            break
        size = max(8, math.floor(size * width / needed))
    boxes = [font.getbbox(run or " ", anchor="ls") for runs, _ in laid for run, font, _ in runs]
    top = math.floor(min([b[1] for b in boxes] or [0]))
    bottom = math.ceil(max([b[3] for b in boxes] or [0]))
    height = max(round(max(_line_pitch(profile), cell_h * row.scale)), bottom - top + 4)
    baseline = (height - (bottom - top)) // 2 - top
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for runs, align in laid:
        run_width = sum(font.getlength(run) for run, font, _ in runs)
        x = {"left": 0.0, "right": width - run_width, "center": (width - run_width) / 2}[align]
        for run, font, stroke in runs:
            draw.text(
                (x, baseline),
                run,
                font=font,
                fill=0,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=0,
            )
            x += font.getlength(run)
    return image.point(lambda v: 255 if v >= 128 else 0, mode="1")


def _qr_image(item: _Qr, profile: PrinterProfile) -> Image.Image:
    """The shared QR matrix with whole-dot modules, centred on the paper width."""
    matrix = qr_matrix(item.data)
    side = len(matrix) * item.module_dots
    image = Image.new("1", (profile.dots_per_line, side), 1)
    x0 = (profile.dots_per_line - side) // 2
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x, y = x0 + c * item.module_dots, r * item.module_dots
                draw.rectangle((x, y, x + item.module_dots - 1, y + item.module_dots - 1), fill=0)
    return image


def _blank(profile: PrinterProfile, height: int) -> Image.Image:
    return Image.new("1", (profile.dots_per_line, max(1, height)), 1)


def _raster_page(doc: Document, profile: PrinterProfile) -> Image.Image:
    """The whole document as ONE full-width 1-bit image: the benchmark's all-raster page."""
    pitch = round(_line_pitch(profile))
    parts: list[Image.Image] = []
    for item in _layout(doc, profile):
        if isinstance(item, _Row):
            parts.append(_row_image(item, profile))
        elif isinstance(item, _Qr):
            quiet = _blank(profile, QUIET_ZONE_MODULES * item.module_dots)
            parts += [quiet, _qr_image(item, profile), quiet]
        elif isinstance(item, _Rule):
            rule = _blank(profile, pitch)
            ImageDraw.Draw(rule).rectangle(
                (0, pitch // 2, profile.dots_per_line - 1, pitch // 2 + RASTER_RULE_DOTS - 1),
                fill=0,
            )
            parts.append(rule)
        else:
            parts.append(_blank(profile, pitch * item.lines))
    page = _blank(profile, sum(part.height for part in parts))
    y = 0
    for part in parts:
        page.paste(part, (0, y))
        y += part.height
    return page
