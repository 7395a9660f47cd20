"""The reference agency server: the rest_json contract (docs/agency-api.yaml) on loopback.

A real HTTP server (the standard library's), so the demo station and the
tests sync over real sockets. It stores submissions in memory, honours
idempotency keys (same key and body: the original response again; same key,
other body: 422) and can be told to misbehave the way agency systems do:
:attr:`AgencySim.script` holds faults for the next requests, in order:

* an int status (``503``, ``500``...): answered without storing;
* ``("429", seconds)``: too many requests, with ``Retry-After``;
* ``"drop"``: the submission is stored, then the connection is closed with
  no answer (the case idempotency keys exist for).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/v1/submissions"
Fault = int | str | tuple[str, int]


@dataclass
class Stored:
    body: dict[str, Any]
    raw: bytes
    confirmation: str
    times_sent: int = 1


@dataclass
class AgencySim:
    """Start with :meth:`start`; ``url`` is then the submissions endpoint."""

    token: str | None = None  # when set, requests need "Authorization: Bearer <token>"
    script: deque[Fault] = field(default_factory=deque)
    stored: dict[str, Stored] = field(default_factory=dict)  # by idempotency key
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{PATH}"

    def start(self, port: int = 0) -> AgencySim:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                sim.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests' output, not the server's chatter

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> AgencySim:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- one request -----------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        with self._lock:
            self.requests += 1
            fault = self.script.popleft() if self.script else None
            if request.path != PATH:
                return _reply(request, 404, _errors("not_found", "no such endpoint"))
            if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
                return _reply(request, 401, _errors("unauthorized", "wrong or missing token"))
            if isinstance(fault, int):
                return _reply(request, fault, _errors("fault", "simulated failure"))
            if isinstance(fault, tuple):
                return _reply(request, 429, _errors("slow_down", "too many"), fault[1])
            key = request.headers.get("Idempotency-Key") or ""
            try:
                body = json.loads(raw)
            except ValueError:
                return _reply(request, 400, _errors("bad_json", "the body is not JSON"))
            if not key or not isinstance(body, dict) or body.get("submission_id") != key:
                return _reply(request, 400, _errors("bad_key", "Idempotency-Key must be sent"))
            known = self.stored.get(key)
            if known is not None and known.raw != raw:
                return _reply(request, 422, _errors("key_reused", "key used for another body"))
            if known is not None:
                known.times_sent += 1
                status = 200
            else:
                known = self.stored[key] = Stored(body, raw, f"AG-{uuid.uuid4().hex[:8]}")
                status = 201
        if fault == "drop":  # stored, but the station never hears so
            request.close_connection = True
            request.connection.close()
            return None
        return _reply(
            request, status, {"submission_id": key, "confirmation_number": known.confirmation}
        )


def _errors(code: str, description: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "description": description}]}


def _reply(
    request: BaseHTTPRequestHandler,
    status: int,
    body: dict[str, Any],
    retry_after: int | None = None,
) -> None:
    data = json.dumps(body).encode("utf-8")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    request.send_response(status, phrase)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(data)))
    if retry_after is not None:
        request.send_header("Retry-After", str(retry_after))
    request.end_headers()
    request.wfile.write(data)
