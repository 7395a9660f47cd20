"""A fake ESC/POS network printer: a real TCP server on 127.0.0.1 for tests.

Like a real raw-port printer it serves one connection at a time, answers the
real-time status queries (DLE EOT n) from a scripted state, and keeps
everything else as print data. Tests then decode what it "printed" with
:mod:`tests.helpers.escpos`.

States: ``ready``, ``near_end``, ``paper_out``, ``cover_open``, ``offline``,
``silent`` (reads but never answers), ``garbage`` (answers a byte whose fixed
bits are wrong). Change it at any time: ``printer.state = "ready"``.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Self

State = Literal["ready", "near_end", "paper_out", "cover_open", "offline", "silent", "garbage"]

DLE, EOT = 0x10, 0x04
_OK = 0x12  # fixed bits only: online, no cause, paper present

# Replies to DLE EOT 1 (printer), 2 (offline cause), 3 (error cause), 4 (paper sensor).
_REPLIES: dict[str, dict[int, int]] = {
    "ready": {1: _OK, 2: _OK, 3: _OK, 4: _OK},
    "near_end": {1: _OK, 2: _OK, 3: _OK, 4: _OK | 0x0C},
    "paper_out": {1: _OK | 0x08, 2: _OK | 0x20, 3: _OK, 4: _OK | 0x0C | 0x60},
    "cover_open": {1: _OK | 0x08, 2: _OK | 0x04, 3: _OK, 4: _OK},
    "offline": {1: _OK | 0x08, 2: _OK, 3: _OK, 4: _OK},
    "garbage": {1: 0xFF, 2: 0xFF, 3: 0xFF, 4: 0xFF},
}
POLL_S = 0.02  # how often the server thread checks for shutdown
CUT_TAIL = b"\x1dV"  # GS V: the cut that ends every job


@dataclass
class Connection:
    """One client connection as the printer saw it."""

    raw: bytearray = field(default_factory=bytearray)
    print_data: bytearray = field(default_factory=bytearray)
    queries: list[int] = field(default_factory=list)
    closed: bool = False


class _ScriptedPrinter:
    """What every fake printer shares: the scripted state, the record of what
    arrived per connection, and the answers to DLE EOT queries."""

    def __init__(self, state: State = "ready") -> None:
        self._lock = threading.Condition()
        self._state: State = state
        self._connections: list[Connection] = []
        self._stop = threading.Event()
        self._thread: threading.Thread  # set by each kind: it serves the connection

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._close()

    def _close(self) -> None:
        """Close what the printer listens on (a socket, a pty)."""
        raise NotImplementedError

    # --- test API -------------------------------------------------------------

    @property
    def state(self) -> State:
        with self._lock:
            return self._state

    @state.setter
    def state(self, value: State) -> None:
        if value not in (*_REPLIES, "silent"):
            raise ValueError(f"unknown printer state {value!r}")
        with self._lock:
            self._state = value

    @property
    def connections(self) -> list[Connection]:
        with self._lock:
            return list(self._connections)

    @property
    def jobs(self) -> list[bytes]:
        """Print data of each connection that sent any, status queries stripped."""
        with self._lock:
            return [bytes(c.print_data) for c in self._connections if c.print_data]

    @property
    def raw_log(self) -> bytes:
        """Every byte received, all connections in order."""
        with self._lock:
            return b"".join(bytes(c.raw) for c in self._connections)

    def wait_closed(self, count: int, timeout: float = 5.0) -> None:
        """Block until ``count`` connections have been closed by the client.

        The backend returns once it has closed its socket; the server thread
        notices a moment later. ``timeout`` only guards against a hung test.
        """
        end = time.monotonic() + timeout
        with self._lock:
            while sum(c.closed for c in self._connections) < count:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{count} closed connections expected")
                self._lock.wait(left)

    def _received(self, conn: Connection, pending: bytes, chunk: bytes) -> tuple[bytes, bytes]:
        """Record ``chunk``; return (unfinished tail, replies to send)."""
        with self._lock:
            conn.raw += chunk
            return self._consume(conn, pending + chunk)

    def _closed(self, conn: Connection, pending: bytes) -> None:
        with self._lock:
            conn.print_data += pending
            conn.closed = True
            self._lock.notify_all()

    def _opened(self) -> Connection:
        conn = Connection()
        with self._lock:
            self._connections.append(conn)
        return conn

    def _consume(self, conn: Connection, data: bytes) -> tuple[bytes, bytes]:
        """Split ``data`` into print data and queries; return (unfinished tail, replies)."""
        replies = bytearray()
        i = 0
        while i < len(data):
            if data[i] == DLE and i + 1 < len(data) and data[i + 1] == EOT:
                if i + 2 >= len(data):
                    return data[i:], bytes(replies)
                n = data[i + 2]
                conn.queries.append(n)
                if self._state != "silent":
                    replies.append(_REPLIES[self._state].get(n, _OK))
                i += 3
            elif data[i] == DLE and i + 1 == len(data):
                return data[i:], bytes(replies)
            else:
                conn.print_data.append(data[i])
                i += 1
        return b"", bytes(replies)


class FakeEscposPrinter(_ScriptedPrinter):
    """A network printer on 127.0.0.1; ``port`` is chosen by the OS."""

    def __init__(self, state: State = "ready") -> None:
        super().__init__(state)
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(POLL_S)
        self.host = "127.0.0.1"
        self.port: int = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="fake-escpos", daemon=True)

    def _close(self) -> None:
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with client:
                self._handle(client)

    def _handle(self, client: socket.socket) -> None:
        conn = self._opened()
        client.settimeout(POLL_S)
        pending = b""  # a DLE EOT split across reads
        while not self._stop.is_set():
            try:
                chunk = client.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            pending, answers = self._received(conn, pending, chunk)
            if answers:
                try:
                    client.sendall(answers)
                except OSError:
                    break
        self._closed(conn, pending)


class FakeSerialPrinter(_ScriptedPrinter):
    """A serial printer at the end of a pseudo-terminal: ``device`` is the path
    a station opens (``/dev/pts/N``), as it would open ``/dev/ttyUSB0``.

    A pty has no connections, so one "connection" runs from the first byte
    after the station opened the device to the moment it closed it.
    """

    def __init__(self, state: State = "ready") -> None:
        super().__init__(state)
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # bytes pass untouched, as on a real serial line
        self.device = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._serve, name="fake-serial", daemon=True)

    def _close(self) -> None:
        os.close(self._master)
        os.close(self._slave)

    def _serve(self) -> None:
        conn: Connection | None = None
        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], POLL_S)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                break
            if conn is None:
                conn = self._opened()
            pending, answers = self._received(conn, pending, chunk)
            if answers:
                os.write(self._master, answers)
            if self._job_complete(conn):
                self._closed(conn, pending)
                conn, pending = None, b""
        if conn is not None:
            self._closed(conn, pending)

    def _job_complete(self, conn: Connection) -> bool:
        """A pty cannot tell us the station closed it; a cut ends a job."""
        return CUT_TAIL in conn.print_data[-8:]
