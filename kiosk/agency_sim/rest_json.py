"""The reference agency server: the rest_json contract (docs/agency-api.yaml) on loopback.

A real HTTP server (the standard library's), so the demo station and the
tests sync over real sockets. It stores submissions in memory and honours
idempotency keys (same key and body: the original response again; same key,
other body: 422). How a replay is answered is a setting, because agencies
differ: the original receipt with 200 (``replay="original"``), 409 "already
received" (``"conflict"``), or an empty 201 (``"empty_201"``).

Credentials, any of them switched on by setting it (none set: no check):
``token`` (bearer), ``api_key`` (in ``api_key_header``), ``basic`` (user name,
password) and ``oauth_clients`` (OAuth2 client credentials: ``POST
/oauth/token`` swaps a client's id and secret, in HTTP Basic or in the form
body, for a bearer token that lives ``token_lifetime_s``; :meth:`revoke_tokens`
makes every issued token fail with 401, as an agency rotating keys does).

Faults (:mod:`kiosk.agency_sim.faults`): :attr:`AgencySim.script` for the next
submission requests, :attr:`AgencySim.token_script` for the token endpoint,
:meth:`AgencySim.fail_randomly` for a seeded share of 500s, and
:meth:`AgencySim.go_down` / :meth:`AgencySim.come_up` to close the listening
socket (connections refused) and reopen it on the same port.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit

from kiosk.agency_sim.faults import Fault, Faults, Plan
from kiosk.agency_sim.server import LoopbackServer

PATH = "/v1/submissions"
TOKEN_PATH = "/oauth/token"
HEARD_LIMIT = 1000  # requests remembered in AgencySim.heard


@dataclass
class Stored:
    body: Any  # the JSON object received (OneStop's envelope, or a bare payload)
    raw: bytes
    confirmation: str
    received_at: str
    times_sent: int = 1


@dataclass(frozen=True)
class Heard:
    """One submission request as it arrived, for tests that check what was sent."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class AgencySim:
    """Start with :meth:`start` (or ``with``); ``url`` is then the submissions endpoint."""

    token: str | None = None  # requests need "Authorization: Bearer <token>"
    api_key: str | None = None  # ...or this key in api_key_header
    api_key_header: str = "X-API-Key"
    basic: tuple[str, str] | None = None  # ...or HTTP Basic with this user and password
    oauth_clients: dict[str, str] = field(default_factory=dict)  # ...or a token from these
    token_lifetime_s: int = 3600  # the expires_in of each token issued
    replay: Literal["original", "conflict", "empty_201"] = "original"
    # The body of a stored submission's answer, when an agency's shape is wanted instead
    # of OneStop's receipt: (idempotency key, stored) -> JSON object.
    receipt: Callable[[str, Stored], Any] | None = None
    # Refuse (422) any submission with this payload key, quoting its value back, as
    # agencies' validators do ("address 12 Oak Ave is not in the city").
    refuse_quoting: str | None = None
    script: deque[Fault] = field(default_factory=deque)
    token_script: deque[Fault] = field(default_factory=deque)
    stored: dict[str, Stored] = field(default_factory=dict)  # by idempotency key
    heard: deque[Heard] = field(default_factory=lambda: deque(maxlen=HEARD_LIMIT))
    requests: int = 0  # to the submissions endpoint, answered or not
    token_requests: int = 0
    _faults: Faults = field(init=False)
    _token_faults: Faults = field(init=False)
    _issued: dict[str, float] = field(default_factory=dict)  # token -> monotonic expiry
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: LoopbackServer | None = None
    _address: tuple[str, int] | None = None
    _reopen: threading.Timer | None = None

    def __post_init__(self) -> None:
        self._faults = Faults(self.script)
        self._token_faults = Faults(self.token_script)

    @property
    def base_url(self) -> str:
        assert self._address is not None, "start() the server first"
        return f"http://{self._address[0]}:{self._address[1]}"

    @property
    def url(self) -> str:
        return self.base_url + PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    # --- lifecycle -------------------------------------------------------------------

    def start(self, port: int = 0) -> AgencySim:
        self._listen(port)
        return self

    def stop(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
        self._close()

    def go_down(self, for_s: float | None = None) -> None:
        """Refuse connections (nothing listens on the port) until :meth:`come_up`, or for
        ``for_s`` seconds."""
        self._close()
        if for_s is not None:
            self._reopen = threading.Timer(for_s, self.come_up)
            self._reopen.daemon = True
            self._reopen.start()

    def come_up(self) -> None:
        """Listen again on the same port, keeping everything stored."""
        assert self._address is not None, "start() the server first"
        if self._server is None:
            self._listen(self._address[1])

    def fail_randomly(self, share: float, seed: int = 0) -> None:
        """Answer a seeded random ``share`` of submission requests 500, storing nothing."""
        with self._lock:
            self._faults.fail_randomly(share, seed)

    def revoke_tokens(self) -> None:
        """Every OAuth2 token issued so far gets 401 from now on."""
        with self._lock:
            self._issued.clear()

    def _listen(self, port: int) -> None:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                sim.handle(self)

            def do_PUT(self) -> None:
                sim.handle(self)

            def do_GET(self) -> None:
                sim.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests' output, not the server's chatter

        server = LoopbackServer(("127.0.0.1", port), Handler)
        host, bound = server.server_address[:2]
        self._server, self._address = server, (str(host), int(bound))
        # A short poll: stop() and go_down() wait for the loop to notice (0.5 s by default).
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def _close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> AgencySim:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- one request -----------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        url = urlsplit(request.path)
        method = request.command
        if url.path == TOKEN_PATH and method == "POST":
            return self._issue_token(request, raw)
        key_in_path = None
        if url.path.startswith(PATH + "/"):
            key_in_path = unquote(url.path[len(PATH) + 1 :])
        submitting = (url.path == PATH and method == "POST") or (
            key_in_path is not None and method == "PUT"
        )
        if not submitting and not (key_in_path is not None and method == "GET"):
            return _reply(request, 404, _errors("not_found", "no such endpoint"))
        with self._lock:
            self.requests += 1
            self.heard.append(
                Heard(method, url.path, parse_qs(url.query), dict(request.headers.items()))
            )
            plan = self._faults.next() if submitting else Plan()
        if plan.delay_s:
            time.sleep(plan.delay_s)
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal()
        if plan.status is not None:
            message = "too many" if plan.status == 429 else "simulated failure"
            code = "slow_down" if plan.status == 429 else "fault"
            moved = {"Location": PATH + "/elsewhere"} if 300 <= plan.status < 400 else None
            return _reply(request, plan.status, _errors(code, message), plan.retry_after, moved)
        if not submitting:
            with self._lock:
                known = self.stored.get(key_in_path or "")
            if known is None:
                return _reply(request, 404, _errors("not_found", "not received"))
            return _reply(request, 200, self._receipt(key_in_path or "", known))
        return self._store(request, raw, key_in_path, plan.drop)

    def _store(
        self, request: BaseHTTPRequestHandler, raw: bytes, key_in_path: str | None, drop: bool
    ) -> None:
        key = request.headers.get("Idempotency-Key") or key_in_path or ""
        try:
            body = json.loads(raw)
        except ValueError:
            return _reply(request, 400, _errors("bad_json", "the body is not JSON"))
        if not isinstance(body, dict):
            return _reply(request, 400, _errors("bad_body", "the body must be a JSON object"))
        payload = body.get("payload", body)
        if self.refuse_quoting and isinstance(payload, dict) and self.refuse_quoting in payload:
            value = payload[self.refuse_quoting]
            refused = f"{self.refuse_quoting} {value} is not in the city"
            return _reply(request, 422, _errors("invalid", refused))
        named = body.get("submission_id", key)  # in OneStop's envelope; a bare payload: none
        if not key or named != key or (key_in_path is not None and key_in_path != key):
            return _reply(request, 400, _errors("bad_key", "Idempotency-Key must be sent"))
        with self._lock:  # nothing is written to the socket while holding it
            known = self.stored.get(key)
            if known is not None and known.raw != raw:
                status = 422
            elif known is not None:
                known.times_sent += 1
                status = 200
            else:
                now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                known = Stored(body, raw, f"AG-{uuid.uuid4().hex[:8]}", now)
                self.stored[key] = known
                status = 201
        if status == 422:
            return _reply(request, 422, _errors("key_reused", "key used for another body"))
        if drop:  # stored, but the station never hears so
            request.close_connection = True
            request.connection.close()
            return None
        if status == 200 and self.replay == "conflict":
            answer = _errors("duplicate", "already received")
            answer["confirmation_number"] = known.confirmation
            return _reply(request, 409, answer)
        if status == 200 and self.replay == "empty_201":
            return _reply(request, 201, None)
        return _reply(request, status, self._receipt(key, known))

    def _receipt(self, key: str, known: Stored) -> Any:
        if self.receipt is not None:
            return self.receipt(key, known)
        return {
            "submission_id": key,
            "confirmation_number": known.confirmation,
            "received_at": known.received_at,
        }

    # --- credentials -----------------------------------------------------------------

    def _refusal(self, request: BaseHTTPRequestHandler) -> Callable[[], None] | None:
        """None when the request carries any credential the agency accepts (or it asks for
        none); else what answering the 401 takes."""
        given = request.headers.get("Authorization") or ""
        checks: list[tuple[bool, str, str]] = []  # (accepted, message, WWW-Authenticate)
        if self.token:
            checks.append((given == f"Bearer {self.token}", "wrong or missing token", "Bearer"))
        if self.api_key:
            accepted = request.headers.get(self.api_key_header) == self.api_key
            checks.append((accepted, "wrong or missing API key", ""))
        if self.basic:
            accepted = _basic_pair(given) == self.basic
            checks.append((accepted, "wrong user name or password", 'Basic realm="agency"'))
        if self.oauth_clients:
            token = given.removeprefix("Bearer ") if given.startswith("Bearer ") else ""
            with self._lock:
                expiry = self._issued.get(token)
            accepted = expiry is not None and time.monotonic() < expiry
            message = "the access token is missing, expired or revoked"
            checks.append((accepted, message, 'Bearer error="invalid_token"'))
        if not checks or any(accepted for accepted, _, _ in checks):
            return None
        _, message, challenge = checks[0]
        headers = {"WWW-Authenticate": challenge} if challenge else {}
        return lambda: _reply(request, 401, _errors("unauthorized", message), headers=headers)

    def _issue_token(self, request: BaseHTTPRequestHandler, raw: bytes) -> None:
        """RFC 6749 §4.4: client credentials in HTTP Basic (form-encoded, §2.3.1) or in
        the body; a bearer token with ``expires_in`` back."""
        with self._lock:
            self.token_requests += 1
            plan = self._token_faults.next()
        if plan.delay_s:
            time.sleep(plan.delay_s)
        if plan.drop:
            request.close_connection = True
            request.connection.close()
            return None
        if plan.status is not None:
            return _reply(request, plan.status, _oauth_error("temporarily_unavailable"))
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        pair = _basic_pair(request.headers.get("Authorization") or "", form_encoded=True)
        if pair is None and "client_id" in form:
            pair = (form["client_id"], form.get("client_secret", ""))
        if form.get("grant_type") != "client_credentials":
            return _reply(request, 400, _oauth_error("unsupported_grant_type"))
        if pair is None or self.oauth_clients.get(pair[0]) != pair[1]:
            return _reply(
                request,
                401,
                _oauth_error("invalid_client", "unknown client or wrong secret"),
                headers={"WWW-Authenticate": 'Basic realm="agency"'},
            )
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = time.monotonic()
            self._issued = {t: e for t, e in self._issued.items() if e > now}
            self._issued[token] = now + self.token_lifetime_s
        answer = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_s,
        }
        return _reply(request, 200, answer, headers={"Cache-Control": "no-store"})


def _basic_pair(header: str, form_encoded: bool = False) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        user, sep, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not sep:
        return None
    if form_encoded:
        return unquote_plus(user), unquote_plus(password)
    return user, password


def _errors(code: str, description: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "description": description}]}


def _oauth_error(error: str, description: str | None = None) -> dict[str, Any]:
    return {"error": error, **({"error_description": description} if description else {})}


def _reply(
    request: BaseHTTPRequestHandler,
    status: int,
    body: Any,
    retry_after: float | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    data = b"" if body is None else json.dumps(body).encode("utf-8")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    request.send_response(status, phrase)
    if body is not None:
        request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(data)))
    if retry_after is not None:
        request.send_header("Retry-After", str(int(retry_after)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(data)
