"""Render a :class:`~printing.document.Document` as ESC/POS bytes for a thermal printer.

Why native text: a ticket sent as printer text, a native QR code and a cut is
a couple of kilobytes; the same ticket as one image is tens of kilobytes,
which takes many seconds on a 38,400-baud serial printer (FIELD-NOTES). So
text goes out as text in the printer's own code pages, switched with ``ESC t``
by python-escpos's "magic encoder", and the QR code is built by the printer.
Only a line whose characters no usable code page holds (Chinese, Vietnamese,
Arabic, emoji...) is drawn with PIL and sent as a raster image of just that
line.

Every command is produced by python-escpos's ``Dummy`` printer; nothing here
writes ESC/POS bytes by hand. Citizen text is data: :func:`clean_text` drops
control characters before anything reaches the printer, so a name containing
``ESC @`` or ``GS V`` can neither reset nor cut.

Layout runs first (wrapping by character cells, since the printer fonts are
fixed-width), then the rows are emitted natively, or drawn for
:func:`render_escpos_raster`, the all-image version the benchmark compares to.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import qrcode
from escpos.constants import QR_ECLEVEL_M
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, QRData

from printing.document import (
    Align,
    BigNumber,
    Document,
    Heading,
    KeyValue,
    QRCode,
    Rule,
    Spacer,
    TextLine,
)
from printing.fonts import find_font_files
from printing.profiles import CodePages, PrinterProfile, escpos_capabilities
from printing.qr import QUIET_ZONE_MODULES, qr_matrix

FONT_A_CELL = (12, 24)  # dots (width, height) of one Font A character at scale 1
FONT_B_CELL = (9, 17)
BIG_NUMBER_MAX_SCALE = 6  # 6x Font A = 144-dot (18 mm) digits on 80 mm paper
BIG_NUMBER_MAX_SCALE_NARROW = 5  # 15 mm digits on 58 mm paper, like the PDF's scaled number
QR_MIN_DOTS_PER_MODULE = 4  # FIELD-NOTES: fewer scans badly on thermal paper
QR_MAX_DOTS_PER_MODULE = 16  # GS ( k module size limit
QR_MAX_SIDE_MM = 30.0  # bigger adds paper, not scannability (as in the PDF)
RULE_CHAR, RULE_FALLBACK = "─", "-"
RASTER_RULE_DOTS = 2

CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
"""Fallback fonts for lines DejaVu cannot draw, first found wins (PIL reads TTC/OTF)."""

_SPACE_CONTROLS = frozenset("\t\v\f\x1c\x1d\x1e\x1f\x85")
_NOT_A_CHAR = "\U0010ffff"  # never in a font: draws the font's "missing glyph" box


# --- text -------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Make citizen text printable data: only visible characters, spaces and ``\\n``.

    NFC joins decomposed accents so ``n`` + combining tilde prints as ``ñ``.
    C0/C1 control characters (ESC, GS, DLE, NUL...) are what ESC/POS commands
    are made of: whitespace ones become a space, the rest are removed, so no
    text can inject a command. Format characters (bidi overrides, zero-width
    joiners) are removed too; exotic spaces become plain spaces.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n" or category in ("Zl", "Zp"):
            out.append("\n")
        elif category == "Cc":
            if char in _SPACE_CONTROLS:
                out.append(" ")
        elif category == "Cf":
            continue
        elif category == "Cs":  # a lone surrogate cannot be encoded at all
            out.append("\ufffd")
        elif category == "Zs":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def cell_width(text: str) -> int:
    """Printer character cells ``text`` needs: wide (CJK, emoji) 2, combining marks 0."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _split_word(word: str, columns: int) -> list[str]:
    pieces: list[str] = []
    start, used = 0, 0
    for i, char in enumerate(word):
        w = cell_width(char)
        if i > start and used + w > columns:
            pieces.append(word[start:i])
            start, used = i, 0
        used += w
    pieces.append(word[start:])
    return pieces


def wrap_cells(text: str, columns: int) -> list[str]:
    """Greedy word wrap of cleaned ``text`` to ``columns`` cells per line.

    ``\\n`` starts a new line; other runs of whitespace collapse to one space.
    Words longer than a line are split. Every paragraph yields at least one
    (possibly empty) line, so an empty TextLine still takes its line.
    """
    columns = max(1, columns)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0
        for word in paragraph.split():
            w = cell_width(word)
            if current and used + 1 + w <= columns:
                current, used = f"{current} {word}", used + 1 + w
                continue
            if current:
                lines.append(current)
            *full, current = _split_word(word, columns) if w > columns else [word]
            lines.extend(full)
            used = cell_width(current)
        lines.append(current)
    return lines


@lru_cache(maxsize=4096)
def _encodable(code_pages: CodePages, char: str) -> bool:
    if " " <= char <= "~":
        return True
    encoder = _encoder(code_pages)
    return any(encoder.can_encode(name, char) for _, name in code_pages)


@lru_cache(maxsize=16)
def _encoder(code_pages: CodePages) -> Any:
    escpos_capabilities()  # python-escpos imported without its logging side effect
    from escpos.magicencode import Encoder

    return Encoder({name: str(slot) for slot, name in code_pages})


def printable_natively(text: str, profile: PrinterProfile) -> bool:
    """Whether every character of ``text`` is in one of the profile's code pages.

    Checked before python-escpos sees the text: its encoder would otherwise
    print ``?`` for unknown characters, or send Chinese as raw GB18030.
    """
    return all(_encodable(profile.code_pages, char) for char in text)


# --- layout -----------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One printed line; a key/value row has ``value`` printed bold at the right."""

    text: str
    align: Align = "left"
    scale: int = 1  # character width and height multiplier
    bold: bool = False
    small: bool = False  # Font B
    value: str | None = None


@dataclass(frozen=True)
class _Qr:
    data: str
    module_dots: int


@dataclass(frozen=True)
class _Feed:
    lines: int


@dataclass(frozen=True)
class _Rule:
    pass


_Item = _Row | _Qr | _Feed | _Rule


def _rows(
    raw: str, columns: int, align: Align, scale: int = 1, bold: bool = False, small: bool = False
) -> list[_Item]:
    lines = wrap_cells(clean_text(raw), columns // scale)
    return [_Row(line, align, scale, bold, small) for line in lines]


def _one_line(raw: str) -> str:
    return " ".join(clean_text(raw).split())


def _line_pitch(profile: PrinterProfile) -> float:
    """Dots per default text line (ESC 2: 1/6 inch)."""
    return profile.dpi / 6


def _qr_item(data: str, profile: PrinterProfile) -> _Qr:
    """Whole-dot modules, at least 4 dots, at most 30 mm, quiet zone inside the paper.

    The module count assumes byte mode, the largest symbol the printer could
    choose for ``data``, so the code fits whatever mode its firmware picks.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(QRData(data.encode("utf-8"), mode=MODE_8BIT_BYTE))
    try:
        code.make(fit=True)
    except qrcode.exceptions.DataOverflowError as exc:
        raise ValueError(f"QR payload of {len(data)} characters is too long") from exc
    modules = code.modules_count
    fits_paper = profile.dots_per_line // (modules + 2 * QUIET_ZONE_MODULES)
    fits_cap = int(QR_MAX_SIDE_MM / profile.mm_per_dot) // modules
    if fits_paper < QR_MIN_DOTS_PER_MODULE:
        raise ValueError(
            f"QR payload too long for {profile.paper_width_mm} mm paper: {modules} modules "
            f"need at least {QR_MIN_DOTS_PER_MODULE} dots each"
        )
    dots = min(QR_MAX_DOTS_PER_MODULE, fits_paper, max(QR_MIN_DOTS_PER_MODULE, fits_cap))
    return _Qr(data, dots)


def _layout(doc: Document, profile: PrinterProfile) -> list[_Item]:
    """The document as printer rows, wrapped to the paper's character cells."""
    cols = profile.chars_per_line_font_a
    items: list[_Item] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            items += _rows(block.text, cols, "center", 2, bold=True)
        elif isinstance(block, BigNumber):
            text = _one_line(block.text)
            most = BIG_NUMBER_MAX_SCALE if cols >= 42 else BIG_NUMBER_MAX_SCALE_NARROW
            scale = max(1, min(most, cols // max(1, cell_width(text))))
            items += _rows(text, cols, "center", scale, bold=True)
        elif isinstance(block, TextLine):
            small = block.size == "small"
            columns = profile.chars_per_line_font_b if small else cols
            scale = 2 if block.size == "large" else 1
            items += _rows(block.text, columns, block.align, scale, bold=block.bold, small=small)
        elif isinstance(block, KeyValue):
            key, value = _one_line(block.key), _one_line(block.value)
            if cell_width(key) + 1 + cell_width(value) <= cols:
                items.append(_Row(key, value=value))
            else:  # like the PDF: key lines on the left, then the value on the right
                items += [_Row(line) for line in wrap_cells(key, cols)]
                if value:
                    items += [_Row(line, "right", bold=True) for line in wrap_cells(value, cols)]
        elif isinstance(block, QRCode):
            if block.data:
                items.append(_qr_item(block.data, profile))
        elif isinstance(block, Rule):
            items.append(_Rule())
        elif isinstance(block, Spacer):
            if block.mm > 0:
                lines = max(1, round(block.mm / (_line_pitch(profile) * profile.mm_per_dot)))
                items.append(_Feed(lines))
        else:  # pragma: no cover - Block is a closed union
            raise TypeError(f"unknown block type {type(block).__name__}")
    return items


# --- python-escpos printer --------------------------------------------------


@lru_cache(maxsize=16)
def _escpos_profile(profile: PrinterProfile) -> tuple[type, dict[str, Any]]:
    """A python-escpos profile class describing exactly what ``profile`` allows.

    Its code pages are the only ones the magic encoder may switch to, and its
    media width lets python-escpos check every image against the paper.
    """
    escpos_capabilities()  # python-escpos imported without its logging side effect
    from escpos.capabilities import Profile

    features = {
        "paperFullCut": profile.cutter,
        "paperPartCut": profile.cutter and profile.partial_cut,
        "qrCode": profile.native_qr,
        "bitImageRaster": True,
    }
    data = {
        "name": profile.name,
        "vendor": "OneStop",
        "codePages": {str(slot): name for slot, name in profile.code_pages},
        "fonts": {
            "0": {"name": "Font A", "columns": profile.chars_per_line_font_a},
            "1": {"name": "Font B", "columns": profile.chars_per_line_font_b},
        },
        "media": {
            "dpi": profile.dpi,
            "width": {"mm": profile.paper_width_mm, "pixels": profile.dots_per_line},
        },
        "colors": {"0": "black"},
        "features": features,
    }
    return type("OneStopEscposProfile", (Profile,), {"profile_data": data}), features


def _new_printer(profile: PrinterProfile) -> Any:
    """A fresh ``Dummy`` (fresh encoder state: same document, same bytes), reset with ESC @."""
    profile_class, features = _escpos_profile(profile)
    from escpos.printer import Dummy  # after _escpos_profile(): see escpos_capabilities()

    printer = Dummy(profile=profile_class(features=features))
    printer.hw("INIT")  # a job never inherits modes left by an earlier, aborted job
    return printer


@dataclass
class _Style:
    align: Align = "left"
    bold: bool = False
    small: bool = False
    scale: int = 1


class _NativeWriter:
    """Emits rows through python-escpos, sending only the style changes needed."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.printer = _new_printer(profile)
        self.style = _Style()  # what ESC @ leaves

    def restyle(self, align: Align, bold: bool, small: bool = False, scale: int = 1) -> None:
        changes: dict[str, Any] = {}
        if align != self.style.align:
            changes["align"] = align
        if bold != self.style.bold:
            changes["bold"] = bold
        if small != self.style.small:
            changes["font"] = "b" if small else "a"
        if scale != self.style.scale:
            changes.update(custom_size=True, width=scale, height=scale)
        if changes:
            self.printer.set(**changes)
            self.style = _Style(align, bold, small, scale)

    def row(self, row: _Row) -> None:
        if not printable_natively(row.text + (row.value or ""), self.profile):
            self.image(_row_image(row, self.profile))
            return
        self.restyle(row.align, row.bold, row.small, row.scale)
        if row.value is None:
            self.printer.text(row.text + "\n")
            return
        pad = self.profile.chars_per_line_font_a - cell_width(row.text) - cell_width(row.value)
        self.printer.text(row.text + " " * pad)
        self.restyle(row.align, True)
        self.printer.text(row.value + "\n")

    def image(self, image: Image.Image) -> None:
        self.printer.image(image, impl="bitImageRaster")

    def feed(self, lines: int, align: Align | None = None) -> None:
        """Blank lines at normal size: a feed after 6x digits must not be 6x tall."""
        self.restyle(align or self.style.align, False)
        self.printer.ln(lines)

    def qr(self, item: _Qr) -> None:
        quiet_lines = math.ceil(QUIET_ZONE_MODULES * item.module_dots / _line_pitch(self.profile))
        self.feed(quiet_lines, "center")  # GS ( k follows ESC a; python-escpos's center= cannot
        if self.profile.native_qr:
            self.printer.qr(item.data, ec=QR_ECLEVEL_M, size=item.module_dots, native=True)
        else:
            self.image(_qr_image(item, self.profile))
        self.feed(quiet_lines)

    def rule(self) -> None:
        char = RULE_CHAR if _encodable(self.profile.code_pages, RULE_CHAR) else RULE_FALLBACK
        self.restyle("left", False)
        self.printer.text(char * self.profile.chars_per_line_font_a + "\n")

    def finish(self) -> bytes:
        self.restyle("left", False)
        # cut() feeds 6 lines first so the cut clears the last line; a profile
        # without a cutter only gets the feed (python-escpos checks the features).
        self.printer.cut(mode="PART" if self.profile.partial_cut else "FULL")
        return bytes(self.printer.output)


def render_escpos(doc: Document, profile: PrinterProfile) -> bytes:
    """ESC/POS bytes for ``doc``: native text, native QR, a partial cut at the end.

    Lines no code page of ``profile`` can hold become raster images of just
    that line. Raises ``ValueError`` if a QR payload cannot be printed with
    at least 4 dots per module on this paper.
    """
    writer = _NativeWriter(profile)
    for item in _layout(doc, profile):
        if isinstance(item, _Row):
            writer.row(item)
        elif isinstance(item, _Qr):
            writer.qr(item)
        elif isinstance(item, _Rule):
            writer.rule()
        else:
            writer.feed(item.lines)
    return writer.finish()


# --- raster -------------------------------------------------------------------


@lru_cache(maxsize=2)
def _font_paths(bold: bool) -> tuple[Path, ...]:
    _, regular, bold_path = find_font_files()
    cjk = tuple(path for path in CJK_FONT_CANDIDATES if path.is_file())
    return (bold_path if bold else regular, *cjk)


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _glyph_signature(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


@lru_cache(maxsize=8192)
def _has_glyph(path: Path, char: str) -> bool:
    """PIL has no cmap lookup: a missing glyph draws exactly like the 'not a character' box."""
    font = _font(path, 20)
    return _glyph_signature(font, char) != _glyph_signature(font, _NOT_A_CHAR)


def _runs(text: str, bold: bool, size: int) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """Split ``text`` into runs drawn with the first font that has each glyph.

    A character no font has becomes U+FFFD so the gap is visible on paper.
    """
    paths = _font_paths(bold)
    runs: list[tuple[str, Path]] = []
    for char in text:
        path = paths[0]
        if not char.isspace() and not _has_glyph(path, char):
            path = next((p for p in paths[1:] if _has_glyph(p, char)), paths[0])
            if path == paths[0]:
                char = "\ufffd"
        if runs and runs[-1][1] == path:
            runs[-1] = (runs[-1][0] + char, path)
        else:
            runs.append((char, path))
    return [(run, _font(path, size)) for run, path in runs]


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
        needed = sum(sum(font.getlength(run) for run, font in runs) for runs, _ in laid)
        needed += cell_h if row.value is not None else 0
        if needed <= width or size <= 8:
            break
        size = max(8, math.floor(size * width / needed))
    boxes = [font.getbbox(run or " ", anchor="ls") for runs, _ in laid for run, font in runs]
    top = math.floor(min([b[1] for b in boxes] or [0]))
    bottom = math.ceil(max([b[3] for b in boxes] or [0]))
    height = max(round(max(_line_pitch(profile), cell_h * row.scale)), bottom - top + 4)
    baseline = (height - (bottom - top)) // 2 - top
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for runs, align in laid:
        run_width = sum(font.getlength(run) for run, font in runs)
        x = {"left": 0.0, "right": width - run_width, "center": (width - run_width) / 2}[align]
        for run, font in runs:
            draw.text((x, baseline), run, font=font, fill=0, anchor="ls")
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


def render_escpos_raster(doc: Document, profile: PrinterProfile) -> bytes:
    """The same document as ONE full-width raster image plus the cut.

    Only for the benchmark: it shows what native text saves. python-escpos
    sends an image taller than 960 dots as several ``GS v 0`` bands.
    """
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
    writer = _NativeWriter(profile)
    writer.image(page)
    return writer.finish()
