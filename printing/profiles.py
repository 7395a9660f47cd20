"""Receipt printer profiles: paper width, resolution, characters per line, code pages.

The ESC/POS renderer wraps text by *characters* (the printer's fonts are
fixed-width) and sizes images and QR codes in printer *dots*, so it needs to
know the printable width in both units, and which character tables (code
pages) it may switch to with ``ESC t``.

Where python-escpos's bundled printer database (escpos-printer-db, read with
``escpos.capabilities``) knows the model, these fields come from it:

- ``dpi``            <- ``media.dpi``
- ``dots_per_line``  <- ``media.width.pixels`` (capped by the paper loaded)
- ``chars_per_line_font_a`` / ``_font_b`` <- ``fonts.0/1.columns`` (rescaled
  when narrower paper is loaded than the model's widest)
- ``code_pages``     <- ``codePages``, filtered to :data:`RENDERABLE_ENCODINGS`
- ``cutter``, ``partial_cut`` <- ``features.paperFullCut/paperPartCut``
- ``native_qr``      <- ``features.qrCode``

Everything else (and every field for an unknown model) comes from the
generic profile for the paper width, which assumes what practically every
Epson-compatible head does: 203 dpi, Font A 12 dots wide, Font B 9 dots.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, replace
from typing import Any

FONT_A_DOTS = 12  # Font A is 12x24 dots on Epson-compatible heads at 180 and 203 dpi
FONT_B_DOTS = 9  # Font B is 9x17 dots

CodePages = tuple[tuple[int, str], ...]
"""``(ESC t slot, encoding name as python-escpos spells it)`` pairs."""

RENDERABLE_ENCODINGS = frozenset(
    {
        "CP437", "CP850", "CP852", "CP857", "CP858", "CP860", "CP861", "CP863",
        "CP865", "CP866", "CP737", "CP775", "CP855", "CP869", "CP1125",
        "CP1250", "CP1251", "CP1252", "CP1253", "CP1254", "CP1257",
        "ISO_8859-2", "ISO_8859-7", "ISO_8859-15",
    }
)  # fmt: skip
"""Single-byte, left-to-right code pages whose characters print one per cell.

Deliberately left out, so such text is rasterised instead of mangled:
right-to-left and shaped scripts (CP720, CP864, CP1256 Arabic; CP862, CP1255
Hebrew) would print unjoined letters in the wrong order; Vietnamese (CP1258,
TCVN-3) needs combining or stacked marks that firmware handles
inconsistently; Thai (CP874) stacks marks too; CP932 is double-byte.
"""

GENERIC_CODE_PAGES: CodePages = (
    (0, "CP437"),
    (2, "CP850"),
    (3, "CP860"),
    (4, "CP863"),
    (5, "CP865"),
    (16, "CP1252"),
    (17, "CP866"),
    (18, "CP852"),
    (19, "CP858"),
)
"""The slots most models in the database agree on (Epson numbering; cheap
58 mm clones keep these low slots too). Covers Spanish, French, Portuguese,
the Nordic languages, Central European Latin and Cyrillic."""


@dataclass(frozen=True)
class PrinterProfile:
    """What the ESC/POS renderer must know about one printer with paper loaded."""

    name: str
    paper_width_mm: int
    dpi: int
    dots_per_line: int
    chars_per_line_font_a: int
    chars_per_line_font_b: int
    code_pages: CodePages = GENERIC_CODE_PAGES
    cutter: bool = True
    partial_cut: bool = True
    native_qr: bool = True
    escpos_model: str | None = None
    """The python-escpos database key this profile was built from, if any."""

    @property
    def mm_per_dot(self) -> float:
        return 25.4 / self.dpi


GENERIC_80MM_203DPI = PrinterProfile("generic-80mm-203dpi", 80, 203, 576, 48, 64)
GENERIC_58MM_203DPI = PrinterProfile("generic-58mm-203dpi", 58, 203, 384, 32, 42)
GENERIC_80MM_180DPI = PrinterProfile("generic-80mm-180dpi", 80, 180, 512, 42, 56)

_GENERIC_BY_WIDTH = {80: GENERIC_80MM_203DPI, 58: GENERIC_58MM_203DPI}
SUPPORTED_PAPER_WIDTHS_MM = tuple(sorted(_GENERIC_BY_WIDTH))


def generic_profile(paper_width_mm: int, dpi: int = 203) -> PrinterProfile:
    """The profile for an unknown printer with ``paper_width_mm`` paper.

    Raises ``ValueError`` for widths other than 58 and 80 mm: guessing the
    printable width of unusual paper would cut text off the edge.
    """
    if paper_width_mm == 80 and dpi == 180:
        return GENERIC_80MM_180DPI
    base = _GENERIC_BY_WIDTH.get(paper_width_mm)
    if base is None:
        widths = ", ".join(str(w) for w in SUPPORTED_PAPER_WIDTHS_MM)
        raise ValueError(f"unsupported paper width {paper_width_mm} mm (use one of {widths})")
    if dpi == base.dpi:
        return base
    dots = round(base.dots_per_line * dpi / base.dpi) // 8 * 8
    return replace(
        base,
        name=f"generic-{paper_width_mm}mm-{dpi}dpi",
        dpi=dpi,
        dots_per_line=dots,
        chars_per_line_font_a=dots // FONT_A_DOTS,
        chars_per_line_font_b=dots // FONT_B_DOTS,
    )


def escpos_capabilities() -> dict[str, Any]:
    """python-escpos's printer database, imported without its logging side effect.

    Importing ``escpos.capabilities`` (python-escpos 3.1) calls
    ``logging.basicConfig()``, which adds a stderr handler to the root logger
    and so turns the application's own later ``basicConfig()`` into a silent
    no-op. The handler it adds is removed again. Everything in printing/ that
    needs python-escpos's printer classes calls this first.
    """
    if "escpos.capabilities" not in sys.modules:
        root = logging.getLogger()
        before = list(root.handlers)
        import escpos.capabilities  # noqa: F401  (loads and caches the JSON database)

        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
    from escpos.capabilities import CAPABILITIES

    return dict(CAPABILITIES)


def _database_entry(model: str) -> tuple[str, dict[str, Any]] | None:
    """``(key, data)`` of ``model`` in python-escpos's database, matched case-insensitively."""
    profiles: dict[str, dict[str, Any]] = escpos_capabilities()["profiles"]
    wanted = model.strip().casefold()
    for key, data in profiles.items():
        if key.casefold() == wanted and key not in ("default", "simple"):
            return key, data
    return None


def _as_int(value: object) -> int | None:
    """Database numbers are ints, or the string "Unknown"."""
    return value if isinstance(value, int) and value > 0 else None


def profile_for(model: str | None, paper_width_mm: int) -> PrinterProfile:
    """The profile for printer ``model`` (e.g. "TM-T88V") with ``paper_width_mm`` paper.

    Uses python-escpos's database where it knows the model (see the module
    docstring for which fields come from it) and the generic profile for the
    paper width otherwise. When the paper is narrower than the model's widest
    (a TM-T20II with the 58 mm guide) the printable width is that of the paper.
    """
    entry = _database_entry(model) if model else None
    if entry is None:
        return generic_profile(paper_width_mm)
    key, data = entry
    media = data.get("media") or {}
    dpi = _as_int(media.get("dpi")) or 203
    generic = generic_profile(paper_width_mm, dpi)
    db_dots = _as_int((media.get("width") or {}).get("pixels"))
    dots = min(db_dots, generic.dots_per_line) if db_dots else generic.dots_per_line
    fonts = data.get("fonts") or {}

    def columns(font: str, dots_per_char: int) -> int:
        computed = dots // dots_per_char
        db_columns = _as_int((fonts.get(font) or {}).get("columns"))
        # Trust the database for the paper it describes, unless it is clearly
        # off (an entry lists 12 columns for 576 dots).
        if db_columns and dots == db_dots and abs(db_columns - computed) <= computed // 5:
            return db_columns
        return computed

    # Lowest slot per encoding: clones list some tables twice, and python-escpos
    # keys its encoder by name, so a duplicate would silently pick the last slot.
    pages: dict[str, int] = {}
    for slot, name in sorted((int(s), n) for s, n in (data.get("codePages") or {}).items()):
        if name in RENDERABLE_ENCODINGS:
            pages.setdefault(name, slot)
    code_pages = tuple(sorted((slot, name) for name, slot in pages.items()))
    features = data.get("features") or {}
    return PrinterProfile(
        name=f"{key}-{paper_width_mm}mm",
        paper_width_mm=paper_width_mm,
        dpi=dpi,
        dots_per_line=dots,
        chars_per_line_font_a=columns("0", FONT_A_DOTS),
        chars_per_line_font_b=columns("1", FONT_B_DOTS),
        code_pages=code_pages or (GENERIC_CODE_PAGES[0],),
        cutter=bool(features.get("paperFullCut") or features.get("paperPartCut")),
        partial_cut=bool(features.get("paperPartCut", False)),
        native_qr=bool(features.get("qrCode", False)),
        escpos_model=key,
    )
