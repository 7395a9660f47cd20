"""ESC/POS to a USB printer through usblp, found by its vendor and product id.

The printer is a FakeSerialPrinter at the end of a pseudo-terminal standing
in for ``/dev/usb/lp0`` (a character device the same code reads and writes),
and sysfs is a small tree laid out like the kernel's. What this does not
exercise is the kernel's usblp driver itself; no USB hardware is attached
to the test machines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from printing.backends import PrinterError
from printing.document import BigNumber, Document, Heading, QRCode
from printing.escpos_usb import EscposUsbBackend, find_usb_printer
from tests.helpers.escpos import decode
from tests.helpers.fake_printer import FakeSerialPrinter

TICKET = Document("Ticket A023", (Heading("Riverside"), BigNumber("A023"), QRCode("t-1")))
EPSON, TM_T20 = 0x04B8, 0x0E15


def fake_sysfs(root: Path, vendor: int, product: int, lp: str = "lp0") -> tuple[Path, Path]:
    """/sys/class/usbmisc/lpN -> .../1-1/1-1:1.0, with idVendor/idProduct on 1-1."""
    device = root / "devices" / "usb1" / "1-1"
    interface = device / "1-1:1.0"
    interface.mkdir(parents=True)
    (device / "idVendor").write_text(f"{vendor:04x}\n")
    (device / "idProduct").write_text(f"{product:04x}\n")
    usbmisc = root / "class" / "usbmisc" / lp
    usbmisc.mkdir(parents=True)
    (usbmisc / "device").symlink_to(interface)
    dev = root / "dev" / "usb"
    dev.mkdir(parents=True)
    return root / "class" / "usbmisc", dev


@pytest.fixture
def printer() -> Iterator[FakeSerialPrinter]:
    with FakeSerialPrinter("ready") as fake:
        yield fake


@pytest.fixture
def backend(tmp_path: Path, printer: FakeSerialPrinter) -> EscposUsbBackend:
    sysfs, dev = fake_sysfs(tmp_path, EPSON, TM_T20)
    (dev / "lp0").symlink_to(printer.device)
    return EscposUsbBackend(EPSON, TM_T20, timeout_s=0.3, sysfs=sysfs, dev=dev)


def test_printer_is_found_by_its_ids_whatever_lp_number_it_got(tmp_path: Path) -> None:
    sysfs, dev = fake_sysfs(tmp_path, EPSON, TM_T20, lp="lp3")
    assert find_usb_printer(EPSON, TM_T20, sysfs, dev) == dev / "lp3"
    assert find_usb_printer(EPSON, 0x0202, sysfs, dev) is None


def test_ready_usb_printer_prints_the_ticket_once(
    backend: EscposUsbBackend, printer: FakeSerialPrinter
) -> None:
    assert backend.status().ok
    backend.print_document(TICKET, "ticket-A023")
    printer.wait_closed(1)

    (job,) = printer.jobs
    assert decode(job).qr_payloads == ["t-1"] and "A023" in decode(job).text_lines


@pytest.mark.parametrize(
    ("state", "reason"), [("paper_out", "paper out"), ("silent", "did not answer")]
)
def test_usb_printer_in_trouble_gets_nothing(
    backend: EscposUsbBackend, printer: FakeSerialPrinter, state: str, reason: str
) -> None:
    printer.state = state  # type: ignore[assignment]
    with pytest.raises(PrinterError, match=reason):
        backend.print_document(TICKET, "ticket-A023")
    assert printer.jobs == []


def test_unplugged_printer_says_so(tmp_path: Path) -> None:
    sysfs, dev = fake_sysfs(tmp_path, EPSON, TM_T20)
    backend = EscposUsbBackend(EPSON, 0x0202, timeout_s=0.3, sysfs=sysfs, dev=dev)

    assert not backend.status().answered
    with pytest.raises(PrinterError, match="USB printer 04b8:0202 is not plugged in"):
        backend.print_document(TICKET, "ticket-A023")
