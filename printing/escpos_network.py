"""Print to an ESC/POS receipt printer over raw TCP (port 9100).

One TCP connection per job, closed after it: such printers serve one
connection at a time, and a kiosk that keeps one open blocks the office's
other tools. On that connection the printer is asked for its status first,
and the ticket is sent only if it answered and is ready: a job sent while the
paper is out would sit in the printer's buffer and come out later, long
after the citizen was told to ask at the desk (FIELD-NOTES). No answer, or an
answer that is not a valid status byte, counts as a fault.

Every socket operation has a deadline, so a powered-off or unplugged printer
costs at most ``timeout_s`` before the kiosk can tell the citizen.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from printing.backends import EscposPrinterError
from printing.document import Document
from printing.escpos import render_escpos
from printing.profiles import GENERIC_80MM_203DPI, PrinterProfile
from printing.status import PrinterStatus, ask_printer, no_answer

MIN_SEND_RATE_BYTES_PER_S = 8192
"""A printer drains its buffer at print speed; allow this rate on top of timeout_s."""


def _reason(exc: OSError) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    return exc.strerror or str(exc) or exc.__class__.__name__


class EscposNetworkBackend:
    """:class:`~printing.backends.PrintBackend` for a printer at ``host:port``.

    ``status()`` and ``print_document()`` are serialised by a lock, so the
    idle health check never collides with a job on the printer's single
    connection.
    """

    def __init__(
        self,
        host: str,
        port: int = 9100,
        profile: PrinterProfile = GENERIC_80MM_203DPI,
        timeout_s: float = 3.0,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        self.host, self.port, self.profile, self.timeout_s = host, port, profile, timeout_s
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        """``host:port`` as a technician would type it (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def prepare(self) -> None:
        """Load python-escpos's printer database and the renderer before the first job."""
        render_escpos(Document("warm-up"), self.profile)

    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT 1, 2, 4); never raises.

        A printer that cannot be reached is reported as not answered, with
        the address and the reason in ``detail``.
        """
        with self._lock:
            deadline = time.monotonic() + self.timeout_s
            try:
                sock = self._connect(deadline)
            except EscposPrinterError as exc:
                return no_answer(str(exc))
            try:
                status = self._query(sock, deadline)
            finally:
                self._close(sock, time.monotonic())
            if not status.answered:
                return no_answer(f"printer {self.address}: {status.detail}")
            return status

    def print_document(self, doc: Document, job_name: str) -> None:
        """Check the printer, then send ``doc``; raise :class:`EscposPrinterError` if
        it is not ready or the connection fails. Nothing is sent unless the
        printer answered and is ready. ``job_name`` is not sent: raw printers
        have no job names.
        """
        data = render_escpos(doc, self.profile)  # a rendering error must not half-print
        with self._lock:
            deadline = time.monotonic() + self.timeout_s
            sock = self._connect(deadline)
            close_by = time.monotonic()  # not sent: no reason to wait for the printer
            try:
                status = self._query(sock, deadline)
                if not status.ok:
                    raise EscposPrinterError(
                        f"printer {self.address} not ready: {status.message}", status=status
                    )
                sock.settimeout(self.timeout_s + len(data) / MIN_SEND_RATE_BYTES_PER_S)
                try:
                    sock.sendall(data)
                except OSError as exc:
                    raise EscposPrinterError(
                        f"printer {self.address}: sending the job failed ({_reason(exc)}); "
                        "part of it may have printed",
                        status=status,
                        maybe_printed=True,
                    ) from exc
                close_by = time.monotonic() + self.timeout_s
            finally:
                self._close(sock, close_by)

    # --- socket steps -------------------------------------------------------

    def _remaining(self, deadline: float) -> float:
        return max(0.0, deadline - time.monotonic())

    def _connect(self, deadline: float) -> socket.socket:
        try:
            sock = socket.create_connection(
                (self.host, self.port), timeout=max(0.001, self._remaining(deadline))
            )
        except OSError as exc:
            raise EscposPrinterError(
                f"cannot connect to printer {self.address}: {_reason(exc)}"
            ) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # one-byte queries
        return sock

    def _drain(self, sock: socket.socket) -> None:
        """Discard bytes the printer sent unasked (automatic status back, late
        replies) so the next byte read answers the next query."""
        sock.setblocking(False)
        try:
            for _ in range(64):
                if not sock.recv(4096):
                    break
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            sock.setblocking(True)

    def _query(self, sock: socket.socket, deadline: float) -> PrinterStatus:
        """Ask DLE EOT 1, 2, 4 within what is left of the job's deadline."""

        def read_byte(seconds: float) -> bytes:
            sock.settimeout(seconds)
            try:
                return sock.recv(1)
            except TimeoutError:
                return b""

        try:
            self._drain(sock)
            return ask_printer(sock.sendall, read_byte, self._remaining(deadline))
        except OSError as exc:
            return no_answer(f"{_reason(exc)} while asking for status")

    def _close(self, sock: socket.socket, deadline: float) -> None:
        """Send end-of-job (FIN) after everything sent, then wait until ``deadline``
        for the printer to close its side, discarding what it sends: closing
        with unread bytes pending makes the kernel send a reset, which can
        drop data the printer has not read yet. The printer's close also
        tells us it read the whole job."""
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        try:
            while (remaining := self._remaining(deadline)) > 0:
                sock.settimeout(remaining)
                if not sock.recv(4096):
                    break
        except OSError:
            pass
        finally:
            sock.close()
