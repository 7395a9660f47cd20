"""ESC/POS over a serial line (RS-232, or a USB adapter that shows up as one).

The same contract as the network backend: ask the printer first (DLE EOT
1, 2, 4, one byte each, within the timeout), send nothing unless it is
ready, one open/close of the device per job. Serial printers are slow
(38,400 baud is ~3.8 KB/s), which is why tickets go as native text.
"""

from __future__ import annotations

import threading

import serial

from printing.backends import EscposPrinterError
from printing.document import Document
from printing.escpos import render_escpos
from printing.profiles import GENERIC_80MM_203DPI, PrinterProfile
from printing.status import PrinterStatus, ask_printer, no_answer


class EscposSerialBackend:
    """:class:`~printing.backends.PrintBackend` for a printer on ``device``."""

    def __init__(
        self,
        device: str,
        baudrate: int = 38_400,
        profile: PrinterProfile = GENERIC_80MM_203DPI,
        timeout_s: float = 3.0,
    ) -> None:
        self.device, self.baudrate, self.profile, self.timeout_s = (
            device,
            baudrate,
            profile,
            timeout_s,
        )
        self._lock = threading.Lock()

    def prepare(self) -> None:
        render_escpos(Document("warm-up"), self.profile)

    def status(self) -> PrinterStatus:
        """Ask the printer; never raises (an unusable device is "not answered")."""
        with self._lock:
            try:
                with self._open() as port:
                    return self._query(port)
            except EscposPrinterError as exc:
                return no_answer(str(exc))

    def print_document(self, doc: Document, job_name: str) -> None:
        """Check, then send; nothing is sent unless the printer answered ready."""
        data = render_escpos(doc, self.profile)
        with self._lock, self._open() as port:
            status = self._query(port)
            if not status.ok:
                raise EscposPrinterError(
                    f"printer on {self.device} not ready: {status.message}", status=status
                )
            # Long enough for the bytes at this speed, plus the usual timeout.
            port.write_timeout = self.timeout_s + len(data) / (self.baudrate / 10)
            try:
                port.write(data)
                port.flush()
            except (serial.SerialException, OSError) as exc:
                raise EscposPrinterError(
                    f"printer on {self.device}: sending the job failed ({exc}); "
                    "part of it may have printed",
                    status=status,
                    maybe_printed=True,
                ) from exc

    def _open(self) -> serial.Serial:
        try:
            return serial.Serial(
                self.device, self.baudrate, timeout=self.timeout_s, write_timeout=self.timeout_s
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise EscposPrinterError(f"cannot open printer on {self.device}: {exc}") from exc

    def _query(self, port: serial.Serial) -> PrinterStatus:
        def read_byte(seconds: float) -> bytes:
            port.timeout = seconds
            return bytes(port.read(1))

        try:
            port.reset_input_buffer()  # drop unasked bytes so replies line up
            status = ask_printer(port.write, read_byte, self.timeout_s)
        except (serial.SerialException, OSError) as exc:
            return no_answer(f"{exc} while asking for status")
        if not status.answered:
            return no_answer(f"printer on {self.device}: {status.detail}")
        return status
