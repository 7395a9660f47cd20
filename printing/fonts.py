"""Font lookup and one-time registration for the PDF renderer.

Registering a TrueType font with reportlab costs ~35 ms, so it happens once
per process, on first use, and the result is cached. DejaVu Sans is preferred
because it covers Latin (including Spanish and Vietnamese), Greek and Cyrillic;
reportlab's bundled Bitstream Vera is the fallback so a bare system still
prints Western text.

reportlab has no per-character fallback: a glyph the font lacks prints as a
blank while text extraction still "passes". :func:`printable_text` therefore
swaps uncovered characters for a visible replacement, so a missing glyph is
seen on the ticket instead of silently vanishing.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
VERA_DIR = Path(reportlab.__file__).parent / "fonts"

_CANDIDATES: tuple[tuple[str, Path, Path], ...] = (
    ("DejaVuSans", DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"),
    ("Vera", VERA_DIR / "Vera.ttf", VERA_DIR / "VeraBd.ttf"),
)

# DejaVu inherits Vera's metrics: capitals are 0.729 em tall, descenders 0.236 em.
CAP_HEIGHT_EM = 0.729
DESCENT_EM = 0.236

# Whitespace controls become a space; every other control character is dropped.
_SPACE_CONTROLS = frozenset("\t\n\r\v\f\x1c\x1d\x1e\x1f\x85")


@dataclass(frozen=True)
class FontSet:
    """The registered regular and bold font names plus the glyphs they cover."""

    regular: str
    bold: str
    family: str
    _coverage: dict[str, frozenset[int]] = field(repr=False, compare=False)

    def font(self, bold: bool) -> str:
        """Return the registered reportlab font name for the given weight."""
        return self.bold if bold else self.regular

    def covers(self, font_name: str, char: str) -> bool:
        """Whether ``font_name`` has a glyph for ``char``."""
        return ord(char) in self._coverage[font_name]


_lock = threading.Lock()
_fonts: FontSet | None = None


def find_font_files() -> tuple[str, Path, Path]:
    """Return ``(family, regular_path, bold_path)`` for the first installed pair.

    Raises ``FileNotFoundError`` if neither DejaVu nor reportlab's Vera exist,
    which means the installation itself is broken.
    """
    for family, regular, bold in _CANDIDATES:
        if regular.is_file() and bold.is_file():
            return family, regular, bold
    looked = ", ".join(str(p) for _, r, b in _CANDIDATES for p in (r, b))
    raise FileNotFoundError(f"no usable TrueType font found; looked for {looked}")


def get_fonts() -> FontSet:
    """Register the ticket fonts on first call and return them (thread-safe)."""
    global _fonts
    with _lock:
        if _fonts is None:
            family, regular_path, bold_path = find_font_files()
            regular_name, bold_name = f"OneStop-{family}", f"OneStop-{family}-Bold"
            coverage: dict[str, frozenset[int]] = {}
            for name, path in ((regular_name, regular_path), (bold_name, bold_path)):
                ttf = TTFont(name, str(path))
                pdfmetrics.registerFont(ttf)
                coverage[name] = frozenset(ttf.face.charToGlyph)
            _fonts = FontSet(regular_name, bold_name, family, coverage)
        return _fonts


def printable_text(text: str, font_name: str) -> str:
    """Make ``text`` safe to draw with ``font_name``.

    Citizen-supplied text may contain anything. Normalising to NFC joins
    decomposed accents (``n`` + combining tilde -> ``ñ``) that reportlab would
    otherwise draw side by side. Control characters are removed (whitespace
    ones become spaces) so they never reach the PDF, and so are format
    characters (zero-width joiners, bidi overrides, soft hyphens): they are
    instructions reportlab cannot honour. Characters the font lacks — CJK on
    DejaVu — become U+FFFD (or ``?``) so the gap is visible on paper.

    Characters beyond U+FFFF (emoji) are replaced too, even where DejaVu has
    a glyph: reportlab writes them into the PDF's ToUnicode map as 5-digit
    hex instead of a UTF-16 pair, a malformed entry that breaks text
    extraction and that strict PDF consumers may reject.
    """
    fonts = get_fonts()
    replacement = "\ufffd" if fonts.covers(font_name, "\ufffd") else "?"
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Cc":
            if char in _SPACE_CONTROLS:
                out.append(" ")
        elif category == "Cf":
            continue
        elif category == "Cs" or ord(char) > 0xFFFF:  # lone surrogate / non-BMP
            out.append(replacement)
        elif fonts.covers(font_name, char):
            out.append(char)
        elif category not in ("Mn", "Me"):  # a missing combining mark is just dropped
            out.append(replacement)
    return "".join(out)
