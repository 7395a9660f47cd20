"""ESC/POS to a USB printer through the kernel's usblp driver (``/dev/usb/lpN``).

The printer is named by its USB vendor and product id, as on its label; the
device node is found through sysfs, so it does not matter which ``lpN`` the
kernel gave it today. usblp is bidirectional, so the printer is asked for its
status (DLE EOT) before every job, exactly as over TCP or serial, and nothing
is sent unless it answered ready. (python-escpos's own ``Usb`` class talks
libusb and needs the kernel driver detached; the renderer is still
python-escpos's, only the transport is a plain device file.)
"""

from __future__ import annotations

import os
import select
import threading
import time
from pathlib import Path

from printing.backends import EscposPrinterError
from printing.document import Document
from printing.escpos import render_escpos
from printing.profiles import GENERIC_80MM_203DPI, PrinterProfile
from printing.status import PrinterStatus, ask_printer, no_answer

SYSFS_USBMISC = Path("/sys/class/usbmisc")
MIN_USB_RATE_BYTES_PER_S = 2_000  # a slow USB-serial bridge; real printers take far more
DEV_USB = Path("/dev/usb")


def find_usb_printer(
    vendor_id: int, product_id: int, sysfs: Path = SYSFS_USBMISC, dev: Path = DEV_USB
) -> Path | None:
    """The ``/dev/usb/lpN`` of the printer with these ids, or None if none is plugged in."""
    wanted = (f"{vendor_id:04x}", f"{product_id:04x}")
    for entry in sorted(sysfs.glob("lp*")):
        usb_device = (entry / "device").resolve().parent  # interface dir -> device dir
        try:
            ids = (
                (usb_device / "idVendor").read_text().strip().lower(),
                (usb_device / "idProduct").read_text().strip().lower(),
            )
        except OSError:
            continue
        if ids == wanted:
            return dev / entry.name
    return None


class EscposUsbBackend:
    """:class:`~printing.backends.PrintBackend` for a USB printer (vendor:product)."""

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        profile: PrinterProfile = GENERIC_80MM_203DPI,
        timeout_s: float = 3.0,
        sysfs: Path = SYSFS_USBMISC,
        dev: Path = DEV_USB,
    ) -> None:
        self.vendor_id, self.product_id = vendor_id, product_id
        self.profile, self.timeout_s = profile, timeout_s
        self._sysfs, self._dev = sysfs, dev
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"

    def prepare(self) -> None:
        render_escpos(Document("warm-up"), self.profile)

    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                fd = self._open()
            except EscposPrinterError as exc:
                return no_answer(str(exc))
            try:
                return self._query(fd)
            finally:
                os.close(fd)

    def print_document(self, doc: Document, job_name: str) -> None:
        data = render_escpos(doc, self.profile)
        with self._lock:
            fd = self._open()
            try:
                status = self._query(fd)
                if not status.ok:
                    raise EscposPrinterError(
                        f"{self.name} not ready: {status.message}", status=status
                    )
                self._send(fd, data, status)
            finally:
                os.close(fd)

    def _send(self, fd: int, data: bytes, status: PrinterStatus) -> None:
        """Write the job with a deadline: usblp blocks while the printer is stuck
        (paper out mid-job, cover opened), and a stuck write must not hold the
        station's worker. A cut-off job may be half on paper: uncertain."""
        deadline = time.monotonic() + self.timeout_s + len(data) / MIN_USB_RATE_BYTES_PER_S
        view = memoryview(data)
        try:
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([], [fd], [], remaining)[1]:
                    raise TimeoutError("the printer stopped taking data")
                try:
                    view = view[os.write(fd, view) :]
                except BlockingIOError:
                    continue
        except OSError as exc:
            raise EscposPrinterError(
                f"{self.name}: sending the job failed ({exc.strerror or exc}); "
                "part of it may have printed",
                status=status,
                maybe_printed=True,
            ) from exc

    def _open(self) -> int:
        path = find_usb_printer(self.vendor_id, self.product_id, self._sysfs, self._dev)
        if path is None:
            raise EscposPrinterError(f"{self.name} is not plugged in (or usblp is not loaded)")
        try:
            return os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as exc:
            raise EscposPrinterError(f"cannot open {self.name} at {path}: {exc.strerror}") from exc

    def _query(self, fd: int) -> PrinterStatus:
        def read_byte(seconds: float) -> bytes:
            return os.read(fd, 1) if select.select([fd], [], [], seconds)[0] else b""

        try:
            self._drain(fd)
            status = ask_printer(lambda query: os.write(fd, query), read_byte, self.timeout_s)
        except OSError as exc:
            return no_answer(f"{exc.strerror or exc} while asking {self.name} for status")
        if not status.answered:
            return no_answer(f"{self.name}: {status.detail}")
        return status

    def _drain(self, fd: int) -> None:
        """Drop bytes the printer sent unasked, so replies line up with queries."""
        while select.select([fd], [], [], 0)[0]:
            if not os.read(fd, 4096):
                return
