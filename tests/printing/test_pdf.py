"""The PDF renderer, judged by what a citizen gets: readable text, a scannable
QR code, nothing off the paper, and hostile input printed literally."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing import fonts
from printing.document import (
    BigNumber,
    Block,
    Document,
    Heading,
    KeyValue,
    QRCode,
    Rule,
    Spacer,
    TextLine,
)
from printing.fonts import get_fonts
from printing.pdf import render_pdf, wrap_text
from printing.qr import qr_matrix
from tests.helpers.pdf import (
    PT_PER_MM,
    char_boxes,
    decode_qr,
    page_size_pt,
    pdf_text,
    pdf_title,
    qr_positions,
    render_page,
)

QR_DATA = "https://onestop.example.gov/t/A023?c=N1"
PAPER_WIDTHS = [80.0, 58.0]

HOSTILE = [
    "<b>bold</b>",
    "Smith & Sons <",
    '<img src="/etc/passwd">',
    "<font size=90>x</font>",
    "AT&T; &amp; &lt;",
]


def ticket(*extra: Block) -> Document:
    return Document(
        title="Ticket A023",
        blocks=(
            Heading("Civil Registry"),
            TextLine("Your number", size="small"),
            BigNumber("A023"),
            Rule(),
            KeyValue("People ahead", "4"),
            KeyValue("Estimated wait", "12 min"),
            Rule(),
            QRCode(QR_DATA),
            TextLine("Scan to follow your turn", size="small"),
            *extra,
        ),
    )


def flat(text: str) -> str:
    """Extracted text with line breaks and spacing collapsed (wrapping moves them)."""
    return " ".join(text.split())


def inside_page(data: bytes) -> list[str]:
    """Characters whose box is not fully on the paper (empty when all is well)."""
    width, height = page_size_pt(data)
    tolerance = 0.5
    outside = []
    for char, (left, bottom, right, top) in char_boxes(data):
        if char.isspace() or (left, bottom, right, top) == (0, 0, 0, 0):
            continue
        if left < -tolerance or right > width + tolerance or bottom < -tolerance or top > height:
            outside.append(char)
    return outside


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_ticket_text_reads_back_heading_number_and_key_values(width_mm: float) -> None:
    text = flat(pdf_text(render_pdf(ticket(), width_mm=width_mm)))

    for expected in ("Civil Registry", "A023", "People ahead", "4", "Estimated wait", "12 min"):
        assert expected in text


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_qr_decoded_from_page_rendered_at_printer_resolution_equals_data(width_mm: float) -> None:
    image = render_page(render_pdf(ticket(), width_mm=width_mm), dpi=203)

    assert decode_qr(image) == [QR_DATA]


@pytest.mark.parametrize("dpi", [203, 300])
def test_qr_modules_are_whole_printer_dots_with_quiet_zone(dpi: int) -> None:
    data = render_pdf(ticket(), dpi=dpi)
    image = render_page(data, dpi=dpi, smooth=False)  # a thermal head burns whole dots
    [(decoded, (left, top, right, bottom))] = qr_positions(image)
    assert decoded == QR_DATA
    raw = image.tobytes()  # one byte per pixel: the image is greyscale

    def gray(x: int, y: int) -> int:
        return raw[y * image.width + x]

    dark = [
        (x, y)
        for y in range(top - 3, bottom + 4)
        for x in range(left - 3, right + 4)
        if gray(x, y) < 128
    ]
    x0, x1 = min(x for x, _ in dark), max(x for x, _ in dark) + 1
    y0, y1 = min(y for _, y in dark), max(y for _, y in dark) + 1
    modules = len(qr_matrix(QR_DATA))

    dots_per_module, remainder = divmod(x1 - x0, modules)
    assert remainder == 0 and (y1 - y0) == x1 - x0
    assert dots_per_module >= 4
    quiet = 4 * dots_per_module
    ring = [
        gray(x, y)
        for y in range(y0 - quiet, y1 + quiet)
        for x in range(x0 - quiet, x1 + quiet)
        if not (x0 <= x < x1 and y0 <= y < y1)
    ]
    assert min(ring) == 255, "something is printed inside the QR quiet zone"


def test_qr_and_rules_are_drawn_as_rectangles_on_the_dot_grid() -> None:
    dpi = 203
    reader = PdfReader(io.BytesIO(render_pdf(ticket(), dpi=dpi)))
    page = reader.pages[0]
    operations = ContentStream(page.get_contents(), reader).operations
    rects = [operands for operands, op in operations if op == b"re"]

    assert len(rects) > 20  # modules, not one scaled image
    assert b"Do" not in [op for _, op in operations]  # no image XObject drawn
    for operand in (float(v) for rect in rects for v in rect):
        dots = operand * dpi / 72
        assert abs(dots - round(dots)) < 0.01


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_page_width_equals_paper_width_in_points(width_mm: float) -> None:
    width, _ = page_size_pt(render_pdf(ticket(), width_mm=width_mm))

    assert width == pytest.approx(width_mm * PT_PER_MM, abs=0.01)


def test_page_height_grows_with_content() -> None:
    short = Document("t", (Heading("Civil Registry"),))
    longer = Document("t", (Heading("Civil Registry"), TextLine("one"), TextLine("two")))

    heights = [page_size_pt(render_pdf(doc))[1] for doc in (short, longer, ticket())]

    assert heights == sorted(heights) and len(set(heights)) == 3
    assert heights[0] < 30 * PT_PER_MM  # fitted to content, not a fixed page


def test_spanish_text_and_title_round_trip() -> None:
    spanish = "¿Señora Muñoz? Atención al público: trámite nº 5"
    doc = Document("Turno — Atención ñ", (Heading("Trámites"), TextLine(spanish)))

    data = render_pdf(doc)

    text = flat(pdf_text(data))
    assert "Trámites" in text and spanish in text
    assert pdf_title(data) == "Turno — Atención ñ"


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_markup_like_text_prints_literally_in_every_text_block(
    hostile: str, width_mm: float
) -> None:
    doc = Document(
        hostile,
        (Heading(hostile), TextLine(hostile), KeyValue(hostile, hostile), TextLine("end")),
    )

    data = render_pdf(doc, width_mm=width_mm)

    text = flat(pdf_text(data))
    assert text.count(hostile) >= 3  # heading, line, key (the bold value may wrap)
    assert inside_page(data) == []


def test_control_characters_are_dropped_and_the_rest_prints() -> None:
    doc = Document("\x00title\x07", (TextLine("A\x00B\x1bC\x07D"), KeyValue("k\x1b", "v\tw\nx")))

    data = render_pdf(doc)

    text = flat(pdf_text(data))
    assert "ABCD" in text and "v w x" in text
    assert not any(c in text for c in "\x00\x1b\x07")
    assert pdf_title(data) == "title"


def test_emoji_prints_as_visible_replacement_without_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = render_pdf(Document("t", (TextLine("Hola 😀 amigo 👨‍👩‍👧"), BigNumber("🎫7"))))

    text = flat(pdf_text(data))
    assert "Hola \ufffd amigo \ufffd\ufffd\ufffd" in text  # joiners are dropped
    assert "\ufffd7" in text
    assert "invalid" not in caplog.text  # pypdf found no malformed ToUnicode entry


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_5000_character_word_is_hard_wrapped_inside_the_paper(width_mm: float) -> None:
    long_word = "START" + "abcdefghij" * 499 + "END"
    doc = Document("t", (TextLine(long_word), KeyValue("Name", long_word), BigNumber(long_word)))

    data = render_pdf(doc, width_mm=width_mm)

    text = "".join(pdf_text(data).split())
    assert text.startswith("START") and text.count("START") == 3 and text.count("END") == 3
    assert long_word in text
    assert inside_page(data) == []


def test_5000_characters_of_prose_wrap_on_spaces() -> None:
    prose = " ".join(f"w{i:04d}" for i in range(1000))[:5000]

    data = render_pdf(Document("t", (TextLine(prose, align="left"),)))

    text = flat(pdf_text(data))
    assert text.startswith("w0000 w0001") and text.endswith(prose[-10:])
    assert inside_page(data) == []


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_big_number_is_large_and_stays_within_margins(width_mm: float) -> None:
    data = render_pdf(Document("t", (BigNumber("A023"),)), width_mm=width_mm)

    boxes = [box for char, box in char_boxes(data) if char in "A023"]
    cap_height_mm = max(top - bottom for _, bottom, _, top in boxes) / PT_PER_MM
    margin = (3 if width_mm < 60 else 4) * PT_PER_MM
    width, _ = page_size_pt(data)
    assert cap_height_mm > (15 if width_mm == 80 else 10)
    assert min(b[0] for b in boxes) >= margin - 0.5
    assert max(b[2] for b in boxes) <= width - margin + 0.5


@pytest.mark.parametrize("number", ["A023", "B777", "W999", "M-104", "1"])
@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_big_number_fitted_to_the_width_stays_on_one_line(number: str, width_mm: float) -> None:
    data = render_pdf(Document("t", (BigNumber(number),)), width_mm=width_mm)

    assert pdf_text(data).split() == [number]


def test_key_value_too_long_for_one_line_puts_value_below_right_aligned() -> None:
    doc = Document("t", (KeyValue("Service requested today", "Renewal of national ID card"),))

    data = render_pdf(doc, width_mm=58)

    boxes = dict(reversed(char_boxes(data)))  # first occurrence of each character
    width, _ = page_size_pt(data)
    key_s, value_r = boxes["S"], boxes["R"]
    assert value_r[3] < key_s[1]  # the value starts on a lower line
    last = [box for char, box in char_boxes(data) if char == "d"][-1]
    assert last[2] == pytest.approx(width - 3 * PT_PER_MM, abs=1.0)


def test_rule_spacer_and_empty_text_take_space_without_error() -> None:
    bare = page_size_pt(render_pdf(Document("t", ())))[1]
    spaced = page_size_pt(render_pdf(Document("t", (Spacer(10),))))[1]
    ruled = page_size_pt(render_pdf(Document("t", (Rule(), TextLine(""), Heading("")))))[1]

    assert spaced - bare == pytest.approx(10 * PT_PER_MM, abs=0.5)
    assert ruled > bare


def test_wrapped_lines_never_exceed_the_width() -> None:
    font = get_fonts().regular
    lines = wrap_text("aaa " * 50 + "b" * 300, font, 10, 100.0)

    assert all(stringWidth(line, font, 10) <= 100.0 + 1e-6 for line in lines)
    assert "".join(lines).replace(" ", "") == "aaa" * 50 + "b" * 300


def test_falls_back_to_reportlabs_vera_when_dejavu_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vera_only = tuple(c for c in fonts._CANDIDATES if c[0] == "Vera")
    monkeypatch.setattr(fonts, "_CANDIDATES", vera_only)
    monkeypatch.setattr(fonts, "_fonts", None)  # restored after the test

    data = render_pdf(ticket(TextLine("¿Señora Muñoz? 中文")))

    assert fonts.get_fonts().family == "Vera"
    text = flat(pdf_text(data))
    assert "¿Señora Muñoz? ??" in text  # Vera lacks U+FFFD, so "?" marks the gap
    assert decode_qr(render_page(data)) == [QR_DATA]


def test_qr_payload_too_long_for_the_paper_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="too long for 58 mm paper"):
        render_pdf(Document("t", (QRCode("x" * 1500),)), width_mm=58)


def test_paper_narrower_than_30_mm_is_rejected() -> None:
    with pytest.raises(ValueError, match="paper width"):
        render_pdf(ticket(), width_mm=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300))
def test_any_text_renders_on_the_paper(text: str) -> None:
    doc = Document(text, (Heading(text), BigNumber(text), TextLine(text), KeyValue(text, text)))

    assert inside_page(render_pdf(doc, width_mm=58)) == []
