"""Every script prints: English, Spanish, Vietnamese and Chinese on 80 and 58 mm.

reportlab draws a glyph its font lacks as nothing at all, while text
extraction still returns the character (FIELD-NOTES "Printing"). So reading
the text back proves little; these tests render the page to pixels the way
the printer would and check that every character's box has ink in it.

Chinese needs a CJK TrueType font. Where it is missing these tests FAIL with
the package to install: a kiosk that prints Chinese as blanks must not pass.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from printing.document import BigNumber, Document, Heading, KeyValue, QRCode, Rule, TextLine
from printing.fonts import CJK_DEBIAN_PACKAGE, SUBSTITUTE, get_fonts
from printing.pdf import render_pdf
from tests.helpers.pdf import PT_PER_MM, char_boxes, decode_qr, page_size_pt, pdf_text, render_page

DPI = 203
PAPER_WIDTHS = [80.0, 58.0]
QR_DATA = "https://onestop.example.gov/t/A023"
ENGLISH = "Please wait until your number is called"
SPANISH = "¿Dónde está el señor Muñoz?"
VIETNAMESE = "Nguyễn Thị Minh Khai, số điện thoại"
CHINESE = "请在屏幕上等待您的号码"
SAMPLES = [ENGLISH, SPANISH, VIETNAMESE, CHINESE]


@pytest.fixture(scope="module", autouse=True)
def cjk_font_installed() -> None:
    """Fail every test here, with the fix, on a machine without a CJK font."""
    fonts = get_fonts()
    if fonts.font_for("号", fonts.regular) is None:
        pytest.fail(
            "no CJK TrueType font is installed, so Chinese would print as "
            f"{SUBSTITUTE!r}: run `apt-get install -y {CJK_DEBIAN_PACKAGE}` "
            "(CI installs it; reportlab refuses CFF fonts such as Noto Sans CJK)"
        )


def ticket() -> Document:
    return Document(
        "Ticket A023",
        (
            Heading("Civil Registry 民政服务中心"),
            TextLine("Your number / Su número / 您的号码", size="small"),
            BigNumber("A023"),
            Rule(),
            *(TextLine(sample) for sample in SAMPLES),
            KeyValue("姓名", "Nguyễn Văn Ánh"),
            Rule(),
            QRCode(QR_DATA),
        ),
    )


def flat(text: str) -> str:
    return " ".join(text.split())


def ink(image: Image.Image, box: tuple[float, ...], page_height: float) -> int:
    """Dark pixels inside a character's (left, bottom, right, top) box in points."""
    scale = DPI / 72.0
    left, bottom, right, top = box
    region = image.crop(
        (
            int(left * scale),
            int((page_height - top) * scale),
            int(right * scale + 0.999),
            int((page_height - bottom) * scale + 0.999),
        )
    )
    return sum(region.point(lambda v: 255 if v < 128 else 0).histogram()[255:])


def blank_characters(data: bytes, wanted: str) -> list[str]:
    """Characters of ``wanted`` drawn with no ink in their box ([] when all printed).

    Each character of ``wanted`` must also appear on the page at all, so a
    character dropped before drawing is reported too.
    """
    _, height = page_size_pt(data)
    image = render_page(data, dpi=DPI)
    boxes = char_boxes(data)
    blank = []
    for char in set(wanted) - {" "}:
        found = [box for c, box in boxes if c == char]
        if not found or any(ink(image, box, height) < 2 for box in found):
            blank.append(char)
    return sorted(blank)


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_every_sample_reads_back(width_mm: float) -> None:
    text = flat(pdf_text(render_pdf(ticket(), width_mm=width_mm)))

    for sample in [*SAMPLES, "民政服务中心", "您的号码", "姓名", "Nguyễn Văn Ánh"]:
        assert sample in text


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_every_character_of_every_sample_has_ink_on_the_page(width_mm: float) -> None:
    data = render_pdf(ticket(), width_mm=width_mm)

    assert blank_characters(data, "".join(SAMPLES) + "民政服务中心姓名Ánh") == []
    assert decode_qr(render_page(data, dpi=DPI)) == [QR_DATA]


def test_the_ink_check_catches_a_blank_glyph() -> None:
    """The check itself works: Chinese drawn in DejaVu alone is reported blank."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(80 * PT_PER_MM, 20 * PT_PER_MM))
    pdf.setFont(get_fonts().regular, 10)
    pdf.drawString(10, 20, "Muñoz 号码")
    pdf.save()

    assert blank_characters(buffer.getvalue(), "Muñoz号码") == sorted("号码")


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_the_cjk_font_is_embedded(width_mm: float) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(ticket(), width_mm=width_mm)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = {
        str(font["/BaseFont"]).split("+", 1)[-1]
        for font in (ref.get_object() for ref in fonts.values())
        if "/FontFile2" in font.get("/FontDescriptor", {})
    }

    cjk = get_fonts().font_for("号", get_fonts().regular) or ""
    postscript_name = pdfmetrics.getFont(cjk).face.name.decode()  # e.g. WenQuanYiZenHei
    assert any(name.startswith(postscript_name) for name in embedded), embedded
    assert any(name.startswith("DejaVuSans") for name in embedded)


@pytest.mark.parametrize("bold", [False, True])
def test_a_mixed_line_prints_every_glyph_on_one_baseline(bold: bool) -> None:
    line = "Número 龙 Nguyễn"
    data = render_pdf(Document("t", (TextLine(line, bold=bold),)), width_mm=58)

    assert flat(pdf_text(data)) == line
    assert blank_characters(data, line) == []
    boxes = [box for char, box in char_boxes(data) if char in "NmN龙"]
    assert max(b[1] for b in boxes) - min(b[1] for b in boxes) < 2.5  # same line, not wrapped


def test_bold_chinese_is_visibly_heavier_than_regular() -> None:
    def dark(bold: bool) -> int:
        data = render_pdf(Document("t", (TextLine(CHINESE, bold=bold),)))
        return render_page(data, dpi=DPI).point(lambda v: 255 if v < 128 else 0).histogram()[255]

    assert dark(True) > 1.15 * dark(False)


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_chinese_is_centred_and_right_aligned_by_its_real_width(width_mm: float) -> None:
    doc = Document("t", (TextLine(CHINESE), KeyValue("Name", "王小明")))
    data = render_pdf(doc, width_mm=width_mm)
    width, _ = page_size_pt(data)
    margin = (3 if width_mm < 60 else 4) * PT_PER_MM
    boxes = char_boxes(data)

    centred = [box for char, box in boxes if char in CHINESE]
    left, right = min(b[0] for b in centred), max(b[2] for b in centred)
    assert left == pytest.approx(width - right, abs=1.5)
    last = [box for char, box in boxes if char == "明"][-1]
    # The glyph's ink stops a side bearing (~0.1 em) short of its advance.
    assert width - margin - 1.5 <= last[2] <= width - margin


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_a_long_chinese_paragraph_wraps_inside_the_paper(width_mm: float) -> None:
    paragraph = CHINESE * 6
    data = render_pdf(Document("t", (TextLine(paragraph),)), width_mm=width_mm)
    width, _ = page_size_pt(data)

    assert "".join(pdf_text(data).split()) == paragraph
    glyphs = [box for char, box in char_boxes(data) if char in CHINESE]
    assert len({round(b[1]) for b in glyphs}) >= 3  # several lines
    assert all(b[0] >= 0 and b[2] <= width for b in glyphs)
    assert blank_characters(data, paragraph) == []


@pytest.mark.parametrize("width_mm", PAPER_WIDTHS)
def test_a_character_no_font_has_prints_a_visible_substitute(width_mm: float) -> None:
    fonts = get_fonts()
    uncovered = "\u1200" if fonts.font_for("\u1200", fonts.regular) is None else "\u0378"
    line = f"Ref {uncovered} Linear B \U00010000 private \U0010fffd end"
    data = render_pdf(Document("t", (TextLine(line), Heading(line))), width_mm=width_mm)

    text = flat(pdf_text(data))
    expected = f"Ref {SUBSTITUTE} Linear B {SUBSTITUTE} private {SUBSTITUTE} end"
    assert text.count(expected) == 2 or text.replace(" ", "").count(expected.replace(" ", "")) == 2
    substitutes = [box for char, box in char_boxes(data) if char == SUBSTITUTE]
    assert len(substitutes) == 6
    assert blank_characters(data, SUBSTITUTE) == []
