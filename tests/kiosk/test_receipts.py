"""Receipts and the printer test page, read back from the PDF like a person would."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kiosk.receipts import Answer, Receipt, mask_personal, printer_test_page, receipt_document
from printing.pdf import render_pdf
from tests.helpers.pdf import decode_qr, pdf_text, render_page

SUBMITTED = dt.datetime(2026, 11, 30, 15, 41, tzinfo=dt.UTC)


def sample_receipt(lang: str) -> Receipt:
    spanish = lang == "es"
    return Receipt(
        reference="DMV-7Q4K-2F9D",
        agency="Departamento Estatal de Vehículos Motorizados"
        if spanish
        else "State Department of Motor Vehicles",
        service="Renovar licencia de conducir" if spanish else "Renew a driver's license",
        submitted_at=SUBMITTED,
        language=lang,
        answers=(
            Answer("Nombre" if spanish else "Name", "María José Peña", personal=True),
            Answer(
                "Licencia" if spanish else "Licence number",
                "D1234-56789-01",
                personal=True,
                identifier=True,
            ),
            Answer(
                "Fecha de nacimiento" if spanish else "Date of birth", "1985-03-14", personal=True
            ),
            Answer(
                "Cambio de dirección" if spanish else "Address change", "Sí" if spanish else "No"
            ),
        ),
        next_steps="Le llamaremos por su número en la pantalla."
        if spanish
        else "Wait for your number on the screen; a clerk will check your documents.",
    )


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KIOSK_SCREENSHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_personal_values_never_print_in_full() -> None:
    assert mask_personal("D1234-56789-01", identifier=True) == "********9-01"
    assert mask_personal("  123456789 ", identifier=True) == "********6789"
    assert mask_personal("1234", identifier=True) == "********"  # too short to keep a tail
    assert mask_personal("María José Peña") == "********"  # a name: nothing of it shows
    assert mask_personal("1985-03-14") == "********"  # a date of birth: nothing either


@pytest.mark.parametrize(("lang", "width"), [("en", 80), ("es", 80), ("en", 58), ("es", 58)])
def test_receipt_names_agency_reference_and_masks_personal_answers(
    lang: str, width: int, shots: Path
) -> None:
    receipt = sample_receipt(lang)
    pdf = render_pdf(receipt_document(receipt, center_name="Riverside Service Center"), width)
    text = pdf_text(pdf)

    assert "DMV-7Q4K-2F9D" in text
    assert ("Número de referencia" if lang == "es" else "Reference number") in text
    assert "9-01" in text and "D1234-56789-01" not in text
    assert "1985" not in text and "3-14" not in text
    assert "María José Peña" not in text and "Peña" not in text
    page = render_page(pdf)
    assert decode_qr(page) == ["DMV-7Q4K-2F9D"]
    page.save(shots / f"receipt-{width}mm-{lang}.png")


@pytest.mark.parametrize("width", [80, 58])
def test_printer_test_page_shows_width_ruler_and_a_readable_code(width: int, shots: Path) -> None:
    doc = printer_test_page(
        center_name="Riverside Service Center",
        station="demo-kiosk",
        printer=f"pdf, {width} mm",
        chars_per_line=48 if width == 80 else 32,
        now=SUBMITTED,
    )
    pdf = render_pdf(doc, width)

    text = " ".join(pdf_text(pdf).split())  # lines wrap differently on 58 mm paper
    assert "Printer test page" in text and "¿Dónde está el señor Muñoz?" in text
    page = render_page(pdf)
    assert decode_qr(page) == ["onestop-test:demo-kiosk"]
    page.save(shots / f"test-page-{width}mm.png")


@pytest.mark.parametrize("width", [80, 58])
def test_queue_ticket_fits_both_paper_widths(width: int, shots: Path) -> None:
    from kiosk.queue import IssuedTicket
    from kiosk.tickets import ticket_document

    ticket = IssuedTicket(
        id="0b6f3c52-9a61-4a8e-b7a3-2f1d5c0e9a11",
        label="A023",
        service_id="license-renewal",
        number=23,
        business_date=SUBMITTED.date(),
        priority=True,
        language="es",
        issued_at=SUBMITTED,
        people_ahead=4,
        estimated_wait_minutes=12,
    )
    doc = ticket_document(
        ticket, center_name="Riverside Service Center", service_name="Renovar licencia de conducir"
    )
    pdf = render_pdf(doc, width)

    text = " ".join(pdf_text(pdf).split())
    assert "A023" in text and "Personas delante 4" in text and "Atención prioritaria" in text
    page = render_page(pdf)
    assert decode_qr(page) == [ticket.id]
    page.save(shots / f"ticket-{width}mm-es.png")
