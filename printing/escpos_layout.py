"""Text cleaning and layout shared by both ESC/POS renderers in :mod:`printing.escpos`.

A document is laid out once, as printer rows, and then either sent as native
text (:func:`printing.escpos.render_escpos`) or drawn
(:mod:`printing.escpos_raster`). Both must agree on where every line breaks,
so the wrapping lives here, apart from either output. Wrapping counts
character cells, since the printer fonts are fixed-width.

Citizen text is data: :func:`clean_text` drops control characters before
anything reaches the printer, so a name containing ``ESC @`` or ``GS V`` can
neither reset nor cut.

This module only decides what goes on which line; it neither draws nor
produces printer commands.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import qrcode
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
from printing.profiles import CodePages, PrinterProfile, escpos_capabilities
from printing.qr import QUIET_ZONE_MODULES

BIG_NUMBER_MAX_SCALE = 6  # 6x Font A = 144-dot (18 mm) digits on 80 mm paper
BIG_NUMBER_MAX_SCALE_NARROW = 5  # 15 mm digits on 58 mm paper, like the PDF's scaled number
QR_MIN_DOTS_PER_MODULE = 4  # FIELD-NOTES: fewer scans badly on thermal paper
QR_MAX_DOTS_PER_MODULE = 16  # GS ( k module size limit
QR_MAX_SIDE_MM = 30.0  # bigger adds paper, not scannability (as in the PDF)

_SPACE_CONTROLS = frozenset("\t\v\f\x1c\x1d\x1e\x1f\x85")


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
