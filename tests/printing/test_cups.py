"""Printing to a CUPS queue, through a real (private) CUPS scheduler."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from printing.backends import PrinterError
from printing.cups import CupsBackend
from printing.document import BigNumber, Document, Heading, QRCode, TextLine
from tests.helpers.cups_server import CupsServer, cups_server
from tests.helpers.pdf import decode_qr, pdf_text, render_page

TICKET = Document(
    "Ticket A023",
    (Heading("Riverside Service Center"), BigNumber("A023"), TextLine("¿Dónde?"), QRCode("t-1")),
)


@pytest.fixture(scope="module")
def cups() -> Iterator[CupsServer]:
    with cups_server() as server:
        yield server


def wait_for(path: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"CUPS never delivered {path.name}"
        time.sleep(0.05)


def test_ticket_pdf_goes_through_cups_to_the_printer(cups: CupsServer) -> None:
    out = cups.add_queue("front-desk")
    backend = CupsBackend("front-desk", width_mm=80, server=cups.socket)

    assert backend.status().ok
    backend.print_document(TICKET, "ticket-A023")

    assert backend.last_request_id and backend.last_request_id.startswith("front-desk-")
    wait_for(out)
    assert "A023" in pdf_text(out) and "¿Dónde?" in pdf_text(out)
    assert decode_qr(render_page(out)) == ["t-1"]


def test_stopped_queue_is_reported_as_not_ready(cups: CupsServer) -> None:
    cups.add_queue("stopped")
    cups.disable("stopped")
    status = CupsBackend("stopped", server=cups.socket).status()

    assert status.answered and not status.ok
    assert "disabled" in status.detail
    with pytest.raises(PrinterError, match="CUPS queue stopped is not printing"):
        CupsBackend("stopped", server=cups.socket).print_document(TICKET, "ticket-A023")
    cups.enable("stopped")
    assert CupsBackend("stopped", server=cups.socket).status().ok


def test_unknown_queue_is_refused_with_cups_own_words(cups: CupsServer) -> None:
    backend = CupsBackend("no-such-queue", server=cups.socket)

    assert not backend.status().answered
    with pytest.raises(PrinterError, match=r"no-such-queue.*Invalid destination"):
        backend.print_document(TICKET, "ticket-A023")


def test_no_scheduler_is_a_fault_not_a_hang(tmp_path: Path) -> None:
    backend = CupsBackend("front-desk", timeout_s=3, server=str(tmp_path / "nobody.sock"))

    assert not backend.status().answered
    with pytest.raises(PrinterError):
        backend.print_document(TICKET, "ticket-A023")
