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
fixed-width; :mod:`printing.escpos_layout`), then the rows are emitted
natively here, or drawn (:mod:`printing.escpos_raster`) for
:func:`render_escpos_raster`, the all-image version the benchmark compares to.
This module is the public face of all three: the text helpers are re-exported
from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from escpos.constants import QR_ECLEVEL_M
from PIL import Image

from printing.document import Align, Document
from printing.escpos_layout import (
    _encodable,
    _layout,
    _line_pitch,
    _Qr,
    _Row,
    _Rule,
    cell_width,
    clean_text,
    printable_natively,
    wrap_cells,
)
from printing.escpos_raster import _qr_image, _raster_page, _row_image
from printing.profiles import PrinterProfile, escpos_capabilities
from printing.qr import QUIET_ZONE_MODULES

__all__ = [
    "cell_width",
    "clean_text",
    "printable_natively",
    "render_escpos",
    "render_escpos_raster",
    "wrap_cells",
]

RULE_CHAR, RULE_FALLBACK = "─", "-"


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


def render_escpos_raster(doc: Document, profile: PrinterProfile) -> bytes:
    """The same document as ONE full-width raster image plus the cut.

    Only for the benchmark: it shows what native text saves. python-escpos
    sends an image taller than 960 dots as several ``GS v 0`` bands.
    """
    page = _raster_page(doc, profile)
    writer = _NativeWriter(profile)
    writer.image(page)
    return writer.finish()
