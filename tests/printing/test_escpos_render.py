"""The ESC/POS renderer, judged by decoding its bytes the way a printer would:
native text in the printer's code pages, a native QR code, one cut at the
end, images only for lines no code page can hold, and citizen text that can
never become a command."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from printing.escpos import cell_width, render_escpos, render_escpos_raster
from printing.profiles import (
    GENERIC_58MM_203DPI,
    GENERIC_80MM_203DPI,
    PrinterProfile,
    profile_for,
)
from tests.helpers.escpos import Decoded, DecodeError, decode
from tests.helpers.pdf import decode_qr

QR_DATA = "https://onestop.example.gov/t/A023?c=N1"
PROFILES = [
    pytest.param(GENERIC_80MM_203DPI, id="80mm"),
    pytest.param(GENERIC_58MM_203DPI, id="58mm"),
]
SPANISH = "¿Dónde está el trámite? Añada su pingüino: ÁÉÍÓÚÜÑ ¡Gracias!"
CHINESE = "请到三号窗口办理"
VIETNAMESE = "Nguyễn Thị Ệ, vui lòng đợi"


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


def receipt() -> Document:
    return Document(
        title="Recibo R-2024-0042",
        blocks=(
            Heading("Registro Civil"),
            TextLine("Recibo de trámite", bold=True),
            Rule(),
            KeyValue("Referencia", "R-2024-0042"),
            KeyValue("Fecha", "12/03/2025 10:42"),
            KeyValue("Nombre", "José Peña Muñoz"),
            KeyValue("Teléfono", "*** *** 1234"),
            Rule(),
            TextLine(SPANISH, align="left"),
            Spacer(4),
            QRCode("R-2024-0042"),
        ),
    )


def render(doc: Document, profile: PrinterProfile) -> Decoded:
    return decode(render_escpos(doc, profile))


def columns(profile: PrinterProfile, font: int) -> int:
    return profile.chars_per_line_font_b if font else profile.chars_per_line_font_a


def assert_well_formed(out: Decoded, profile: PrinterProfile) -> None:
    """One reset first, one cut last, every line within the paper."""
    assert out.inits == 1 and out.events[0][0] == "init"
    assert out.cut_kinds == ["partial"] and out.events[-1] == ("cut", "partial")
    for line in out.lines:
        assert cell_width(line.text) * line.width <= columns(profile, line.font), line
    assert all(width == profile.dots_per_line for width, _ in out.images)
    assert out.status_queries == []


@pytest.mark.parametrize("profile", PROFILES)
def test_ticket_is_native_text_with_native_qr_and_one_cut(profile: PrinterProfile) -> None:
    out = render(ticket(), profile)

    assert_well_formed(out, profile)
    assert out.images == []
    heading = next(line for line in out.lines if line.text == "Civil Registry")
    assert heading.bold and heading.width >= 2 and heading.align == 1
    number = next(line for line in out.lines if line.text == "A023")
    assert number.width >= 4 and number.height == number.width and number.align == 1
    assert any(t.startswith("People ahead") and t.endswith(" 4") for t in out.text_lines)
    assert any(t.startswith("Estimated wait") and t.endswith(" 12 min") for t in out.text_lines)
    assert out.text_lines.count("─" * profile.chars_per_line_font_a) == 2
    assert out.qr_payloads == [QR_DATA] and out.qr_prints == 1
    assert out.qr_error_levels == ["M"]
    assert out.qr_module_sizes[0] >= 4


@pytest.mark.parametrize("profile", PROFILES)
def test_big_number_fills_a_good_part_of_the_paper(profile: PrinterProfile) -> None:
    number = next(line for line in render(ticket(), profile).lines if line.text == "A023")

    assert len("A023") * number.width >= profile.chars_per_line_font_a // 2


@pytest.mark.parametrize("profile", PROFILES)
def test_spanish_receipt_round_trips_natively(profile: PrinterProfile) -> None:
    out = render(receipt(), profile)

    assert_well_formed(out, profile)
    assert out.images == []
    assert " ".join(" ".join(out.text_lines).split()).find(SPANISH) >= 0
    assert any(t.startswith("Nombre") and t.endswith("José Peña Muñoz") for t in out.text_lines)
    assert "Recibo de trámite" in out.text_lines
    assert out.qr_payloads == ["R-2024-0042"]


@pytest.mark.parametrize("profile", PROFILES)
def test_chinese_and_vietnamese_lines_become_images_and_the_rest_stays_text(
    profile: PrinterProfile,
) -> None:
    out = render(ticket(TextLine(CHINESE), TextLine(VIETNAMESE)), profile)

    assert_well_formed(out, profile)
    assert len(out.images) == 2
    for index in range(2):
        assert out.raster(index).getextrema()[0] == 0  # something is drawn
    assert not any(char in "".join(out.text_lines) for char in CHINESE + "ễỆợ")
    assert "Civil Registry" in out.text_lines and "A023" in out.text_lines
    assert out.qr_payloads == [QR_DATA]


def test_a_key_value_row_with_a_vietnamese_name_is_one_image_line() -> None:
    doc = Document("r", (KeyValue("Name", "Nguyễn Văn Ánh"), KeyValue("Ref", "R-1")))
    out = render(doc, GENERIC_80MM_203DPI)

    assert len(out.images) == 1
    assert [t for t in out.text_lines if t.startswith("Ref")] == ["Ref" + " " * 42 + "R-1"]


HOSTILE = [
    "\x1b@reset",
    "cut\x1dV\x00here",
    "partial\x1dV\x41\x03",
    "status\x10\x04\x01query",
    "codepage\x1bt\x10x",
    "\x00\x07\x7f\x9b\x85nul bell del csi nel",
    "<b>bold</b> & <img src=x> <font size=90>",
    "emoji 😀🎉 and ZWJ 👩‍💻",
    "\u202eright-to-left override",
    "A" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("profile", PROFILES)
def test_hostile_text_never_becomes_a_command(text: str, profile: PrinterProfile) -> None:
    doc = ticket(
        Heading(text), BigNumber(text), TextLine(text), TextLine(text, size="large", bold=True)
    )
    doc = Document(doc.title, (*doc.blocks, KeyValue(text, text), TextLine(text, size="small")))

    out = render(doc, profile)  # decode() raises on any command it does not expect

    assert_well_formed(out, profile)
    assert out.qr_payloads == [QR_DATA]


def test_markup_prints_literally() -> None:
    out = render(Document("m", (TextLine("<b>bold</b> & <img src=x>"),)), GENERIC_80MM_203DPI)

    assert "<b>bold</b> & <img src=x>" in out.text_lines


def test_five_thousand_characters_wrap_without_losing_any() -> None:
    profile = GENERIC_58MM_203DPI
    out = render(Document("long", (TextLine("A" * 5000, align="left"),)), profile)

    assert "".join(out.text_lines).count("A") == 5000
    assert max(len(t) for t in out.text_lines) == profile.chars_per_line_font_a


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=120), key=st.text(max_size=40))
def test_any_text_renders_to_a_well_formed_stream(text: str, key: str) -> None:
    doc = Document("fuzz", (Heading(text), TextLine(text), KeyValue(key, text), BigNumber(key)))

    assert_well_formed(render(doc, GENERIC_58MM_203DPI), GENERIC_58MM_203DPI)


def test_native_ticket_is_under_a_tenth_of_the_all_raster_ticket() -> None:
    native = render_escpos(ticket(), GENERIC_80MM_203DPI)
    raster = render_escpos_raster(ticket(), GENERIC_80MM_203DPI)

    assert len(native) < 0.10 * len(raster)


def test_all_raster_ticket_is_images_and_a_cut_only() -> None:
    out = decode(render_escpos_raster(ticket(), GENERIC_80MM_203DPI))

    assert out.text_lines == [] and out.qr_payloads == []
    assert out.images and out.cut_kinds == ["partial"]
    assert decode_qr(out.raster(0)) == [QR_DATA]


def test_printer_without_native_qr_gets_a_scannable_qr_image() -> None:
    profile = profile_for("NT-5890K", 58)  # database: no qrCode feature, no cutter
    out = render(ticket(), profile)

    assert out.qr_payloads == [] and len(out.images) == 1
    assert decode_qr(out.raster(0)) == [QR_DATA]
    assert out.cuts == 0 and out.feeds > 0


def test_180_dpi_printer_uses_its_own_width() -> None:
    profile = profile_for("TM-T88V", 80)
    out = render(ticket(TextLine(CHINESE)), profile)

    assert_well_formed(out, profile)
    assert out.images == [(512, out.images[0][1])]
    assert "─" * 42 in out.text_lines


def test_the_same_document_renders_to_the_same_bytes() -> None:
    doc = ticket(TextLine(SPANISH), TextLine("Привет, Łódź"))

    assert render_escpos(doc, GENERIC_80MM_203DPI) == render_escpos(doc, GENERIC_80MM_203DPI)


def test_empty_document_is_a_reset_and_a_cut() -> None:
    out = render(Document("empty"), GENERIC_80MM_203DPI)

    assert out.text_lines == [] and out.inits == 1 and out.cut_kinds == ["partial"]


def test_qr_payload_too_long_for_the_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        render_escpos(Document("q", (QRCode("x" * 1500),)), GENERIC_58MM_203DPI)


# --- the decoder the tests above rely on ---------------------------------------


@pytest.mark.parametrize("data", [b"\x1b\x99", b"\x07", b"\x1d\x99\x00", b"\x10\x05\x01", b"\x1bt"])
def test_decoder_refuses_what_it_does_not_know(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(data)


def test_decoder_reads_text_in_the_code_page_selected_and_counts_injected_commands() -> None:
    out = decode(b"\x1b@\x1bt\x02\xb5rbol\n\x1b@\x1dV\x01")

    assert out.text_lines == ["Árbol"]
    assert out.inits == 2 and out.cuts == 1
