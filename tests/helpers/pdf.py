"""Read printed PDFs back the way a person (or a phone) would.

Tests assert on what a citizen gets, not on renderer internals: the text a
PDF reader extracts, the page as pixels at the printer's resolution, and what
a QR scanner decodes from those pixels. All three libraries are pure wheels
(pypdf, pypdfium2, zxing-cpp), so no system packages are needed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

PdfSource = str | Path | bytes

PT_PER_MM = 72.0 / 25.4

# zxing-cpp 2.x and 3.x both accept a single BarcodeFormat here; 3.x's stubs
# only declare BarcodeFormats, whose constructor 2.x lacks.
_QR_ONLY: Any = zxingcpp.BarcodeFormat.QRCode


def _reader(source: PdfSource) -> pypdf.PdfReader:
    if isinstance(source, bytes):
        return pypdf.PdfReader(io.BytesIO(source))
    return pypdf.PdfReader(Path(source))


def _pdfium_doc(source: PdfSource) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(source if isinstance(source, bytes) else Path(source))


def pdf_text(source: PdfSource) -> str:
    """All text of every page as pypdf extracts it (pages joined by newlines)."""
    return "\n".join(page.extract_text() or "" for page in _reader(source).pages)


def pdf_title(source: PdfSource) -> str | None:
    """The document title from the PDF metadata, if any."""
    metadata = _reader(source).metadata
    return metadata.title if metadata else None


def page_size_pt(source: PdfSource, page: int = 0) -> tuple[float, float]:
    """(width, height) of a page's media box in PDF points (1/72 inch)."""
    box = _reader(source).pages[page].mediabox
    return float(box.width), float(box.height)


def render_page(
    source: PdfSource, dpi: int = 203, page: int = 0, *, smooth: bool = True
) -> Image.Image:
    """Rasterise one page to a greyscale image at ``dpi`` (203 = thermal printer).

    ``smooth=False`` turns off anti-aliasing of shapes, like a thermal head
    that can only burn a dot or not; pdfium's anti-aliasing otherwise greys
    edges even when they lie exactly on pixel boundaries. The image is copied
    out of pdfium's buffer, so it stays valid after the document is closed.
    """
    doc = _pdfium_doc(source)
    try:
        bitmap = doc[page].render(scale=dpi / 72.0, grayscale=True, no_smoothpath=not smooth)
        return bitmap.to_pil().convert("L").copy()
    finally:
        doc.close()


def char_boxes(source: PdfSource, page: int = 0) -> list[tuple[str, tuple[float, ...]]]:
    """Each drawn character with its (left, bottom, right, top) box in points.

    Text extraction reports characters even when they are drawn off the
    paper; these boxes let a test check that nothing lies outside the page.
    """
    doc = _pdfium_doc(source)
    try:
        textpage = doc[page].get_textpage()
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count)
        boxes = [textpage.get_charbox(i) for i in range(count)]
        return [(text[i] if i < len(text) else "", tuple(box)) for i, box in enumerate(boxes)]
    finally:
        doc.close()


def decode_qr(image: Image.Image) -> list[str]:
    """Texts of all QR codes zxing-cpp finds in ``image`` (empty list if none)."""
    results = zxingcpp.read_barcodes(image, formats=_QR_ONLY)
    return [result.text for result in results]


def qr_positions(image: Image.Image) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Each decoded QR code's text and its (left, top, right, bottom) pixel box."""
    found = []
    for result in zxingcpp.read_barcodes(image, formats=_QR_ONLY):
        pos = result.position
        corners = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        xs, ys = [p.x for p in corners], [p.y for p in corners]
        found.append((result.text, (min(xs), min(ys), max(xs), max(ys))))
    return found
