"""The reference OpenRosa server: the Form Submission API on loopback, answering as ODK
Central and KoboToolbox do, so the demo station and the tests sync over real sockets.

What it implements, from the OpenRosa specification and Central's documented behaviour:

* ``HEAD`` on the submission URL: 204 with ``X-OpenRosa-Version`` and
  ``X-OpenRosa-Accept-Content-Length`` (the size limit for a POST body);
* ``POST`` multipart/form-data with the instance in the ``xml_submission_file`` part and
  an ``X-OpenRosa-Version`` header (Central does not require ``Date``, so neither does
  this); the instance's ``meta/instanceID`` names the submission;
* a new instanceID is stored (201); the byte-identical instance again is 201 and stores
  nothing new; the same instanceID with other content is 409; a body over the limit is
  413; a form id it does not know is 404 (when :attr:`OpenRosaSim.forms` is set);
* answers are ``<OpenRosaResponse><message>`` envelopes.

Credentials: a bearer token, or an app-user key in the path as Central uses
(``/v1/key/<key>/projects/1/submission``); a wrong one is 401 on HEAD and POST.

:attr:`OpenRosaSim.script` holds faults for the next POSTs (HEADs never use them):

* an int status (``503``, ``500``...): answered without storing;
* ``("429", seconds)``: too many requests, with ``Retry-After``;
* ``"drop"``: the submission is stored, then the connection is closed with no answer;
* ``"login"``: a 200 HTML login page, as a proxy or captive portal answers; nothing stored.
"""

from __future__ import annotations

import email.policy
import re
import threading
import xml.etree.ElementTree as ET
from collections import Counter, deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from kiosk.agency_sim.server import LoopbackServer

PATH = "/submission"
KEY_PATH = re.compile(r"/v1/key/([^/]+)/projects/1/submission")
PART_NAME = "xml_submission_file"
RESPONSE_NS = "http://openrosa.org/http/response"
LOGIN_PAGE = b"<!DOCTYPE html><html><body><form action='/login'>Sign in</form></body></html>"
Fault = int | str | tuple[str, int]


@dataclass(frozen=True)
class Posted:
    """One POST as received: the instance and how it came."""

    xml: bytes
    filename: str | None
    content_type: str
    headers: dict[str, str]


@dataclass
class OpenRosaSim:
    """Start with :meth:`start`; ``url`` is then the submission URL."""

    token: str | None = None  # when set, requests need "Authorization: Bearer <token>"
    app_user_key: str | None = None  # when set, the URL carries it as Central's does
    forms: frozenset[str] | None = None  # the form ids it accepts; None: any
    accept_content_length: int = 10_000_000
    answer_head: bool = True  # False: a server without the pre-check (405 to HEAD)
    script: deque[Fault] = field(default_factory=deque)
    stored: dict[str, bytes] = field(default_factory=dict)  # instance XML by instanceID
    received: Counter[str] = field(default_factory=Counter)  # POSTs per instanceID
    posted: list[Posted] = field(default_factory=list)  # every readable POST, in order
    heads: int = 0
    posts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        path = f"/v1/key/{self.app_user_key}/projects/1/submission" if self.app_user_key else PATH
        return f"http://{host!s}:{port}{path}"

    def start(self, port: int = 0) -> OpenRosaSim:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                sim.handle_head(self)

            def do_POST(self) -> None:
                sim.handle_post(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests' output, not the server's chatter

        self._server = LoopbackServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> OpenRosaSim:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- requests ----------------------------------------------------------------------

    def handle_head(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.heads += 1
            refusal = self._refusal(request)
            if refusal is None and not self.answer_head:
                refusal = (405, "HEAD is not supported here")
        if refusal is not None:
            return self._reply(request, *refusal, body=False)
        return self._reply(request, 204, None, body=False)

    def handle_post(self, request: BaseHTTPRequestHandler) -> None:
        raw = _read_body(request)
        with self._lock:
            self.posts += 1
            fault = self.script.popleft() if self.script else None
            status, message = self._receive(request, raw, fault)
        if status == 201 and fault == "drop":  # stored, but the station never hears so
            request.close_connection = True
            request.connection.close()
            return None
        if fault == "login" and status == 200:
            return _login_page(request)
        retry_after = fault[1] if isinstance(fault, tuple) else None
        return self._reply(request, status, message, retry_after=retry_after)

    def _receive(
        self, request: BaseHTTPRequestHandler, raw: bytes, fault: Fault | None
    ) -> tuple[int, str]:
        """Status and message for one POST; stores the instance when it is new."""
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        if request.headers.get("X-OpenRosa-Version") is None:
            return 400, "The X-OpenRosa-Version header is required."
        if isinstance(fault, int):
            return fault, "Simulated failure."
        if isinstance(fault, tuple):
            return 429, "Too many requests; try again later."
        if fault == "login":
            return 200, ""
        if len(raw) > self.accept_content_length:
            return 413, f"The submission is over {self.accept_content_length} bytes."
        found = _xml_part(request.headers.get("Content-Type", ""), raw)
        if found is None:
            return 400, f"No {PART_NAME} part was found in the multipart body."
        part = Posted(*found, headers=dict(request.headers.items()))
        self.posted.append(part)
        try:
            root = ET.fromstring(part.xml)
        except ET.ParseError:
            return 400, "The submission is not well-formed XML."
        if self.forms is not None and root.get("id") not in self.forms:
            return 404, "There is no form with the id this submission names."
        instance_id = _instance_id(root)
        if not instance_id:
            return 400, "The submission has no meta/instanceID."
        self.received[instance_id] += 1
        known = self.stored.get(instance_id)
        if known is not None and known != part.xml:
            return 409, (
                f"A submission with instanceID {instance_id} already exists with different content."
            )
        self.stored.setdefault(instance_id, part.xml)
        return 201, "Full submission upload was successful."

    def _refusal(self, request: BaseHTTPRequestHandler) -> tuple[int, str] | None:
        path = urlsplit(request.path).path
        if self.app_user_key is None:
            if path != PATH:
                return 404, "No such endpoint."
        else:
            match = KEY_PATH.fullmatch(path)
            if match is None:
                return 404, "No such endpoint."
            if match.group(1) != self.app_user_key:
                return 401, "Could not authenticate with the provided credentials."
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return 401, "Could not authenticate with the provided credentials."
        return None

    def _reply(
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        message: str | None,
        body: bool = True,
        retry_after: int | None = None,
    ) -> None:
        data = _envelope(message, "success" if status < 300 else "error") if body else b""
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        request.send_response(status, phrase)
        request.send_header("X-OpenRosa-Version", "1.0")
        request.send_header("X-OpenRosa-Accept-Content-Length", str(self.accept_content_length))
        if retry_after is not None:
            request.send_header("Retry-After", str(retry_after))
        if body:
            request.send_header("Content-Type", "text/xml; charset=utf-8")
            request.send_header("Content-Length", str(len(data)))
        if status == 401:
            request.send_header("WWW-Authenticate", 'Bearer realm="openrosa"')
        request.end_headers()
        if data:
            request.wfile.write(data)


def _read_body(request: BaseHTTPRequestHandler) -> bytes:
    """The request body, sent with a length or chunked (the specification requires both)."""
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return request.rfile.read(int(request.headers.get("Content-Length") or 0))
    chunks = []
    while size := int(request.rfile.readline().split(b";")[0].strip() or b"0", 16):
        chunks.append(request.rfile.read(size))
        request.rfile.readline()  # the CRLF after each chunk
    while request.rfile.readline().strip():  # trailers, up to the blank line
        pass
    return b"".join(chunks)


def _xml_part(content_type: str, raw: bytes) -> tuple[bytes, str | None, str] | None:
    """The ``xml_submission_file`` part of a multipart body, parsed by the standard
    library's email parser (the MIME rules multipart/form-data borrows)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return None
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") != PART_NAME:
            continue
        xml = part.get_payload(decode=True)
        if not isinstance(xml, bytes):
            return None
        return xml, part.get_filename(), part.get_content_type()
    return None


def _instance_id(root: ET.Element) -> str | None:
    """``meta/instanceID``, whether the meta block is plain or in the ``orx`` namespace."""
    for meta in root:
        if meta.tag.rpartition("}")[2] == "meta":
            for child in meta:
                if child.tag.rpartition("}")[2] == "instanceID" and child.text:
                    return child.text.strip()
    return None


def _envelope(message: str | None, nature: str) -> bytes:
    root = ET.Element("OpenRosaResponse", {"xmlns": RESPONSE_NS})
    ET.SubElement(root, "message", {"nature": nature}).text = message
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _login_page(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200, "OK")
    request.send_header("Content-Type", "text/html; charset=utf-8")
    request.send_header("Content-Length", str(len(LOGIN_PAGE)))
    request.end_headers()
    request.wfile.write(LOGIN_PAGE)
