"""The font chain both renderers draw text with, and per-character coverage.

reportlab has no per-character font fallback: a glyph the font lacks prints
as a blank while text extraction still "passes" (FIELD-NOTES "Printing").
So text is never drawn in one font blindly. :func:`font_runs` splits it into
runs, each drawn with the first font of the *chain* whose cmap really has
every character of the run:

1. DejaVu Sans (Latin incl. Spanish and Vietnamese, Greek, Cyrillic), or
   reportlab's bundled Vera on a bare system;
2. a CJK font with TrueType outlines (Debian ``fonts-wqy-zenhei``; reportlab
   refuses CFF/PostScript-outline fonts such as Noto Sans CJK, so those are
   not candidates);
3. any further fallback installed that adds coverage.

A character no font has becomes a visible substitute (U+FFFD, or ``?``) in
a font that has it, so a gap is seen on paper instead of silently vanishing.
The ESC/POS raster lines (:mod:`printing.escpos_raster`) use the same chain,
files and TTC indexes, so a raster line and a PDF line pick the same font.

Registering a TrueType font costs ~35-60 ms, so the chain is built once per
process, on first use, under a lock.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
VERA_DIR = Path(reportlab.__file__).parent / "fonts"
TRUETYPE_DIR = Path("/usr/share/fonts/truetype")

CJK_DEBIAN_PACKAGE = "fonts-wqy-zenhei"
"""What to install for Chinese (named in the warning when no CJK font is found)."""

SUBSTITUTE = "\ufffd"
"""Printed in place of a character no font covers ("?" where no font has U+FFFD)."""


class FontFile(NamedTuple):
    """A candidate family: its files, the face index inside a TTC, and its role."""

    family: str
    regular: Path
    bold: Path | None = None  # None: the family has no bold, renderers embolden the regular
    subfont: int = 0  # face index inside a .ttc collection
    primary: bool = False  # primary families are alternatives: the first installed one wins


_CANDIDATES: tuple[FontFile, ...] = (
    FontFile(
        "DejaVuSans",
        DEJAVU_DIR / "DejaVuSans.ttf",
        DEJAVU_DIR / "DejaVuSans-Bold.ttf",
        primary=True,
    ),
    FontFile("Vera", VERA_DIR / "Vera.ttf", VERA_DIR / "VeraBd.ttf", primary=True),
    # CJK, TrueType outlines only. Index 0 of wqy-zenhei is the proportional face.
    FontFile("WenQuanYiZenHei", TRUETYPE_DIR / "wqy" / "wqy-zenhei.ttc"),
    FontFile("WenQuanYiMicroHei", TRUETYPE_DIR / "wqy" / "wqy-microhei.ttc"),
    FontFile("DroidSansFallback", TRUETYPE_DIR / "droid" / "DroidSansFallbackFull.ttf"),
    FontFile("ARPLUMing", TRUETYPE_DIR / "arphic" / "uming.ttc"),
    FontFile("ARPLUKai", TRUETYPE_DIR / "arphic" / "ukai.ttc"),
    # Broad extra coverage where installed (fonts-freefont-ttf): Ethiopic, Georgian...
    FontFile(
        "FreeSans",
        TRUETYPE_DIR / "freefont" / "FreeSans.ttf",
        TRUETYPE_DIR / "freefont" / "FreeSansBold.ttf",
    ),
)

# DejaVu inherits Vera's metrics: capitals are 0.729 em tall, descenders 0.236 em.
CAP_HEIGHT_EM = 0.729
DESCENT_EM = 0.236

# Whitespace controls become a space; every other control character is dropped.
_SPACE_CONTROLS = frozenset("\t\n\r\v\f\x1c\x1d\x1e\x1f\x85")


@dataclass(frozen=True)
class Face:
    """One registered reportlab font: where it came from and what it covers."""

    name: str  # the reportlab font name
    path: Path
    index: int
    bold: bool  # a real bold face; a regular face used for bold text gets emboldened
    coverage: frozenset[int] = field(repr=False, compare=False)


@dataclass(frozen=True)
class FontSet:
    """The registered chain: the primary regular and bold names plus their fallbacks."""

    regular: str
    bold: str
    family: str
    faces: dict[str, Face] = field(repr=False, compare=False)
    chains: dict[str, tuple[str, ...]] = field(repr=False, compare=False)
    _picks: dict[tuple[str, str], str | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def font(self, bold: bool) -> str:
        """Return the primary reportlab font name for the given weight."""
        return self.bold if bold else self.regular

    def covers(self, font_name: str, char: str) -> bool:
        """Whether the face ``font_name`` has a glyph for ``char``."""
        return ord(char) in self.faces[font_name].coverage

    def chain(self, font_name: str) -> tuple[str, ...]:
        """The faces tried, in order, for text set in primary ``font_name``."""
        return self.chains[font_name]

    def font_for(self, char: str, font_name: str) -> str | None:
        """The first face of ``font_name``'s chain that has ``char`` (cached), or None.

        The choice depends on the character alone, never on its neighbours,
        so the width of a word is the same wherever it is measured.
        """
        key = (char, font_name)
        try:
            return self._picks[key]
        except KeyError:
            code = ord(char)
            pick = next((n for n in self.chains[font_name] if code in self.faces[n].coverage), None)
            self._picks[key] = pick  # a racing thread computes the same value
            return pick

    def char_width(self, char: str, font_name: str) -> float:
        """Width at 1 pt of ``char`` in the face of ``font_name``'s chain that draws it."""
        return _glyph_width(char, self.font_for(char, font_name) or font_name)

    def synthetic_bold(self, face_name: str, bold: bool) -> bool:
        """Whether bold text drawn in ``face_name`` must be emboldened by the renderer."""
        return bold and not self.faces[face_name].bold


@lru_cache(maxsize=16384)
def _glyph_width(char: str, face: str) -> float:
    """Width of one character at 1 pt in ``face``. reportlab does not kern: widths add up."""
    return pdfmetrics.stringWidth(char, face, 1.0)


_lock = threading.Lock()
_fonts: FontSet | None = None


def find_font_files() -> tuple[str, Path, Path]:
    """Return ``(family, regular_path, bold_path)`` of the first installed primary pair.

    Raises ``FileNotFoundError`` if neither DejaVu nor reportlab's Vera exist,
    which means the installation itself is broken.
    """
    for cand in _CANDIDATES:
        if cand.primary and cand.bold and cand.regular.is_file() and cand.bold.is_file():
            return cand.family, cand.regular, cand.bold
    looked = ", ".join(str(c.regular) for c in _CANDIDATES if c.primary)
    raise FileNotFoundError(f"no usable TrueType font found; looked for {looked}")


def _register(name: str, path: Path, index: int, bold: bool) -> Face | None:
    """Register one face with reportlab; None if reportlab refuses it (e.g. CFF outlines)."""
    try:
        ttf = TTFont(name, str(path), subfontIndex=index)
    except (TTFError, OSError) as exc:
        log.warning("font %s (index %d) skipped: %s", path, index, exc)
        return None
    pdfmetrics.registerFont(ttf)
    # A cmap entry pointing at glyph 0 (.notdef) is a missing glyph, not coverage.
    coverage = frozenset(c for c, g in ttf.face.charToGlyph.items() if g)
    return Face(name, path, index, bold, coverage)


def _build() -> FontSet:
    """The first installed primary family, then every fallback that adds coverage.

    The bold chain tries each family's bold face, then its regular face (which
    the renderers embolden), so bold text never loses a glyph the regular has.
    """
    family, regular_path, bold_path = find_font_files()
    primary = next(c for c in _CANDIDATES if c.family == family)
    regular = _register(f"OneStop-{family}", regular_path, primary.subfont, False)
    bold = _register(f"OneStop-{family}-Bold", bold_path, primary.subfont, True)
    if regular is None or bold is None:
        raise FileNotFoundError(f"reportlab cannot load {regular_path} / {bold_path}")
    faces = {regular.name: regular, bold.name: bold}
    regular_chain, bold_chain = [regular.name], [bold.name, regular.name]
    covered = set(regular.coverage | bold.coverage)
    for cand in _CANDIDATES:
        if cand.primary or not cand.regular.is_file():
            continue
        face = _register(f"OneStop-{cand.family}", cand.regular, cand.subfont, False)
        if face is None or face.coverage <= covered:
            continue  # adds nothing the chain does not already print
        covered |= face.coverage
        faces[face.name] = face
        regular_chain.append(face.name)
        if cand.bold and cand.bold.is_file():
            bold_face = _register(f"OneStop-{cand.family}-Bold", cand.bold, cand.subfont, True)
            if bold_face is not None:
                faces[bold_face.name] = bold_face
                bold_chain.append(bold_face.name)
        bold_chain.append(face.name)
    if ord("中") not in covered:
        log.warning(
            "no CJK TrueType font found: Chinese prints as %r; install %s",
            SUBSTITUTE,
            CJK_DEBIAN_PACKAGE,
        )
    chains = {regular.name: tuple(regular_chain), bold.name: tuple(bold_chain)}
    return FontSet(regular.name, bold.name, family, faces, chains)


def get_fonts() -> FontSet:
    """Register the font chain on first call and return it (thread-safe)."""
    global _fonts
    with _lock:
        if _fonts is None:
            _fonts = _build()
        return _fonts


def printable_text(text: str, bold: bool = False) -> str:
    """Make ``text`` safe to draw with the chain of the given weight.

    Citizen-supplied text may contain anything. Normalising to NFC joins
    decomposed accents (``n`` + combining tilde -> ``ñ``, and Vietnamese's
    stacked marks) that reportlab would otherwise draw side by side. Control
    characters are removed (whitespace ones become spaces) so they never
    reach the PDF, and so are format characters (zero-width joiners, bidi
    overrides, soft hyphens): they are instructions reportlab cannot honour.
    Characters no font of the chain has become :data:`SUBSTITUTE` (or ``?``)
    so the gap is visible on paper; a missing combining mark is just dropped.

    Characters beyond U+FFFF (emoji) are replaced too, even where a font has
    a glyph: reportlab writes them into the PDF's ToUnicode map as 5-digit
    hex instead of a UTF-16 pair, a malformed entry that breaks text
    extraction and that strict PDF consumers may reject.
    """
    fonts = get_fonts()
    primary = fonts.font(bold)
    replacement = SUBSTITUTE if fonts.font_for(SUBSTITUTE, primary) else "?"
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Cc":
            if char in _SPACE_CONTROLS:
                out.append(" ")
        elif category in ("Zl", "Zp"):
            out.append(" ")
        elif category == "Cf":
            continue
        elif category == "Cs" or ord(char) > 0xFFFF:  # lone surrogate / non-BMP
            out.append(replacement)
        elif fonts.font_for(char, primary) is not None:
            out.append(char)
        elif category not in ("Mn", "Me"):
            out.append(replacement)
    return "".join(out)


def runs_in(text: str, font_name: str) -> list[tuple[str, str]]:
    """Split already-printable ``text`` into ``(run, face)`` along ``font_name``'s chain.

    Every character of a run is in the run's face. A character no face has
    (only possible if ``text`` skipped :func:`printable_text`) is given to the
    primary face rather than dropped, so the caller's count of characters holds.
    """
    fonts = get_fonts()
    runs: list[tuple[str, str]] = []
    for char in text:
        face = fonts.font_for(char, font_name) or font_name
        if runs and runs[-1][1] == face:
            runs[-1] = (runs[-1][0] + char, face)
        else:
            runs.append((char, face))
    return runs


def font_runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """Cleaned ``text`` as ``(run, reportlab font name)`` pairs, each run covered by its font.

    This is the one place that decides which font draws which character, for
    the PDF and the ESC/POS raster alike. Whitespace goes to the first face
    that has it (the primary), so runs break at script changes, not words.
    """
    return runs_in(printable_text(text, bold), get_fonts().font(bold))
