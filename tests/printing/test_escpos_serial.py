"""ESC/POS over a serial line, against a printer at the end of a real pseudo-terminal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from printing.backends import PrinterError
from printing.document import BigNumber, Document, Heading, QRCode, TextLine
from printing.escpos_serial import EscposSerialBackend
from tests.helpers.escpos import decode
from tests.helpers.fake_printer import FakeSerialPrinter

TICKET = Document(
    "Ticket A023",
    (Heading("Riverside Service Center"), BigNumber("A023"), TextLine("¿Dónde?"), QRCode("t-1")),
)


@pytest.fixture
def printer() -> Iterator[FakeSerialPrinter]:
    with FakeSerialPrinter("ready") as fake:
        yield fake


def backend(printer: FakeSerialPrinter) -> EscposSerialBackend:
    return EscposSerialBackend(printer.device, timeout_s=0.3)


def test_ready_printer_receives_the_ticket_as_text_with_native_qr(
    printer: FakeSerialPrinter,
) -> None:
    backend(printer).print_document(TICKET, "ticket-A023")
    printer.wait_closed(1)

    (job,) = printer.jobs
    paper = decode(job)
    assert "A023" in paper.text_lines and "¿Dónde?" in paper.text_lines
    assert paper.qr_payloads == ["t-1"] and paper.images == []
    assert printer.connections[0].queries[:3] == [1, 2, 4]  # asked before printing


@pytest.mark.parametrize(
    ("state", "reason"),
    [("paper_out", "paper out"), ("cover_open", "cover open"), ("silent", "did not answer")],
)
def test_printer_in_trouble_gets_no_data_and_the_fault_is_named(
    printer: FakeSerialPrinter, state: str, reason: str
) -> None:
    printer.state = state  # type: ignore[assignment]

    with pytest.raises(PrinterError, match=reason) as caught:
        backend(printer).print_document(TICKET, "ticket-A023")

    assert printer.device in str(caught.value)
    assert printer.jobs == []


def test_status_reports_paper_near_end_without_printing(printer: FakeSerialPrinter) -> None:
    printer.state = "near_end"
    status = backend(printer).status()
    assert status.ok and status.paper_near_end
    assert printer.jobs == []


def test_missing_device_is_a_clear_fault() -> None:
    gone = EscposSerialBackend("/dev/onestop-no-such-tty", timeout_s=0.3)

    assert not gone.status().answered
    with pytest.raises(PrinterError, match="cannot open printer on /dev/onestop-no-such-tty"):
        gone.print_document(TICKET, "ticket-A023")
