"""The raw-TCP ESC/POS backend against a fake printer on a real socket, and the
status parser it relies on: a ticket prints only when the printer said it is
ready, and silence or nonsense is a fault, never "paper OK"."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from printing.backends import PrinterError
from printing.document import BigNumber, Document, Heading, KeyValue, QRCode, Rule
from printing.escpos import render_escpos
from printing.escpos_network import EscposNetworkBackend, EscposPrinterError
from printing.profiles import GENERIC_80MM_203DPI
from printing.status import parse_status
from tests.helpers.escpos import decode
from tests.helpers.fake_printer import FakeEscposPrinter, State

QR_DATA = "https://onestop.example.gov/t/A023"
TICKET = Document(
    "Ticket A023",
    (
        Heading("Registro Civil"),
        BigNumber("A023"),
        Rule(),
        KeyValue("Personas delante", "4"),
        QRCode(QR_DATA),
    ),
)
SHORT_TIMEOUT_S = 0.3  # the printer is on loopback: anything slower is a fault


@pytest.fixture
def printer() -> Iterator[FakeEscposPrinter]:
    with FakeEscposPrinter() as fake:
        yield fake


def backend_for(printer: FakeEscposPrinter, timeout_s: float = 2.0) -> EscposNetworkBackend:
    return EscposNetworkBackend(printer.host, printer.port, GENERIC_80MM_203DPI, timeout_s)


def closed_port() -> int:
    """A loopback port with nothing listening (bound, never listened, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- printing -------------------------------------------------------------------


def test_ready_printer_receives_the_ticket_once_on_one_closed_connection(
    printer: FakeEscposPrinter,
) -> None:
    assert backend_for(printer).print_document(TICKET, "A023") is None

    printer.wait_closed(1)
    assert len(printer.connections) == 1 and printer.connections[0].closed
    assert printer.connections[0].queries == [1, 2, 4]
    assert printer.jobs == [render_escpos(TICKET, GENERIC_80MM_203DPI)]
    out = decode(printer.jobs[0])
    assert "Registro Civil" in out.text_lines and "A023" in out.text_lines
    assert out.qr_payloads == [QR_DATA] and out.cut_kinds == ["partial"]


def test_status_queries_come_before_any_print_data(printer: FakeEscposPrinter) -> None:
    backend_for(printer).print_document(TICKET, "A023")

    printer.wait_closed(1)
    assert printer.raw_log.startswith(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04\x1b@")


def test_paper_near_end_still_prints_and_warns(printer: FakeEscposPrinter) -> None:
    printer.state = "near_end"
    backend = backend_for(printer)

    status = backend.status()
    backend.print_document(TICKET, "A023")

    assert status.ok and status.paper_near_end and "near end" in status.message
    printer.wait_closed(2)
    assert len(printer.jobs) == 1


@pytest.mark.parametrize(
    ("state", "flag", "words"),
    [
        ("paper_out", "paper_out", "paper out"),
        ("cover_open", "cover_open", "cover open"),
        ("offline", "online", "offline"),
    ],
)
def test_printer_in_trouble_gets_no_print_data_and_says_why(
    printer: FakeEscposPrinter, state: State, flag: str, words: str
) -> None:
    printer.state = state

    with pytest.raises(PrinterError) as caught:
        backend_for(printer).print_document(TICKET, "A023")

    assert isinstance(caught.value, EscposPrinterError)
    status = caught.value.status
    assert status is not None and status.answered and not status.ok
    assert getattr(status, flag) is (flag != "online")
    assert words in str(caught.value) and f"127.0.0.1:{printer.port}" in str(caught.value)
    assert caught.value.maybe_printed is False
    printer.wait_closed(1)
    assert printer.jobs == []


@pytest.mark.parametrize("state", ["silent", "garbage"])
def test_printer_that_does_not_answer_properly_is_a_fault(
    printer: FakeEscposPrinter, state: State
) -> None:
    printer.state = state
    backend = backend_for(printer, timeout_s=SHORT_TIMEOUT_S)

    with pytest.raises(PrinterError, match="did not answer") as caught:
        backend.print_document(TICKET, "A023")
    status = backend.status()

    assert isinstance(caught.value, EscposPrinterError)
    assert caught.value.status is not None and not caught.value.status.answered
    assert not status.ok and not status.answered and "did not answer" in status.message
    printer.wait_closed(2)
    assert printer.jobs == []


def test_connection_refused_names_the_printer_address() -> None:
    port = closed_port()
    backend = EscposNetworkBackend("127.0.0.1", port, GENERIC_80MM_203DPI, SHORT_TIMEOUT_S)

    with pytest.raises(PrinterError, match=f"127.0.0.1:{port}") as caught:
        backend.print_document(TICKET, "A023")
    status = backend.status()

    assert "refused" in str(caught.value).lower()
    assert not status.ok and f"127.0.0.1:{port}" in status.detail


def test_paper_out_then_refilled_prints_exactly_once(printer: FakeEscposPrinter) -> None:
    printer.state = "paper_out"
    backend = backend_for(printer)
    with pytest.raises(PrinterError, match="paper out"):
        backend.print_document(TICKET, "A023")

    printer.state = "ready"
    backend.print_document(TICKET, "A023")

    printer.wait_closed(2)
    assert len(printer.connections) == 2
    assert printer.jobs == [render_escpos(TICKET, GENERIC_80MM_203DPI)]


def test_status_of_a_ready_printer_is_ok(printer: FakeEscposPrinter) -> None:
    status = backend_for(printer).status()

    assert status.ok and status.answered and status.message == "ready"
    printer.wait_closed(1)
    assert printer.jobs == []


# --- status bytes --------------------------------------------------------------

OK = b"\x12"


def test_all_fixed_bits_right_and_no_flags_is_ready() -> None:
    status = parse_status(OK, OK, OK)

    assert status.ok and status.online and not status.paper_near_end


@pytest.mark.parametrize(
    "replies",
    [
        (None, OK, OK),
        (OK, None, OK),
        (OK, OK, None),
        (b"", OK, OK),
        (OK, OK, b"\x12\x12"),  # two bytes for one query
        (b"\x13", OK, OK),  # bit 0 set
        (OK, b"\x92", OK),  # bit 7 set
        (OK, OK, b"\x02"),  # bit 4 clear
        (OK, OK, b"\x00"),  # what a misread empty reply looks like
    ],
)
def test_missing_or_malformed_reply_is_a_fault_not_paper_ok(
    replies: tuple[bytes | None, bytes | None, bytes | None],
) -> None:
    status = parse_status(*replies)

    assert not status.ok and not status.answered
    assert "did not answer" in status.message


@pytest.mark.parametrize(
    ("replies", "expected", "ok"),
    [
        ((OK, OK, b"\x1e"), "paper near end", True),
        ((b"\x1a", b"\x32", b"\x72"), "paper out", False),
        ((b"\x1a", b"\x16", OK), "cover open", False),
        ((b"\x1a", OK, OK), "offline", False),
        ((b"\x1a", b"\x52", OK), "printer error", False),
    ],
)
def test_status_bits_mean_what_the_escpos_reference_says(
    replies: tuple[bytes, bytes, bytes], expected: str, ok: bool
) -> None:
    status = parse_status(*replies)

    assert status.answered and status.ok is ok
    assert status.message.startswith(expected)
