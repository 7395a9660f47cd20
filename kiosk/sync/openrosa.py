"""The ``openrosa`` connector: each submission as an XForm instance, the way ODK Central
and KoboToolbox receive them (the OpenRosa Form Submission API).

Why it works the way it does:

* The instance carries ``meta/instanceID`` = ``uuid:<submission id>`` and is built the
  same way every time, so a resend after a lost answer is byte-identical: the server
  recognises it and stores nothing new (the same instanceID with other content is a
  409). An attempt without an answer is therefore safe to repeat, never "uncertain".
* Only 201 and 202 mean stored. A 200 is what a login page, a captive portal or a
  proxy answers; counting it as delivered would lose the form without a word.
* Before uploading, a HEAD on the submission URL asks the server's size limit
  (``X-OpenRosa-Accept-Content-Length``) and proves the credentials, so a citizen's
  answers are not uploaded to a server that would refuse them. The limit is kept a few
  minutes per thread.
* Payload keys become element names and are never renamed: the server's XForm decides
  which names it reads, so a renamed answer would be stored where no export looks. A key
  that cannot be an XML element name is refused (a dead letter that names the key);
  :func:`name_problem` lets a pack check find it before a citizen fills the form.
  Nested objects become groups, lists of objects repeats, lists of values
  space-separated (``select_multiple``).
* Messages carry statuses, the server's own ``<message>`` and field names, never the
  answers. The server's XML is parsed by the standard library, whose expat refuses
  entity expansion attacks and never fetches external entities.
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

import requests
from pydantic import ConfigDict, Field, field_validator
from urllib3 import encode_multipart_formdata

from kiosk.sync.connector_spec import ConnectorSpec, HttpUrl
from kiosk.sync.http import agency_session
from kiosk.sync.policy import RETRYABLE_STATUSES, Verdict
from kiosk.sync.protocol import Answer, Delivery

OPENROSA_VERSION = "1.0"
PART_NAME = "xml_submission_file"
SIZE_HEADER = "X-OpenRosa-Accept-Content-Length"
HEAD_TTL_S = 300.0  # how long one thread trusts the server's size limit
DEFAULT_MAX_SIZE = 10_000_000  # the limit when the server states none (Aggregate's old 10 MB)
MESSAGE_CHARS = 300  # of the server's own message
READ_LIMIT = 65_536  # bytes of an answer looked at for that message

_XML_NAME = re.compile(r"[^\W\d][\w.\-]*")  # an NCName: no colon, no namespace prefix
_NOT_XML_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHECK_URL = "check the connector's url"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an XForm element name, or None when it can."""
    if not _XML_NAME.fullmatch(name):
        return "is not an XML element name (a letter or _ first, then letters, digits, _ . -)"
    if name.lower().startswith("xml"):
        return "starts with 'xml', which XML reserves"
    return None


class Spec(ConnectorSpec):
    """An OpenRosa server's settings. ``url`` is the submission URL itself (ODK Central:
    ``https://central.example.org/v1/key/<app user token>/projects/1/submission``;
    KoboToolbox: ``.../submission``); with an app-user token in it, the url is a secret."""

    # The token and a url with a key in it stay out of reprs and validation errors.
    model_config = ConfigDict(hide_input_in_errors=True)

    type: Literal["openrosa"]
    url: HttpUrl = Field(repr=False)
    form_id: Annotated[str, Field(min_length=1, max_length=200)]  # the XForm's id
    form_version: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    root_element: str = "data"
    # Sent in a header: visible ASCII only, so a pasted line break cannot split it.
    bearer_token: Annotated[str, Field(pattern=r"^[\x21-\x7e]+$")] | None = Field(
        default=None, repr=False
    )
    max_size_bytes: Annotated[int, Field(gt=0)] = DEFAULT_MAX_SIZE

    @field_validator("root_element")
    @classmethod
    def _element_name(cls, value: str) -> str:
        problem = name_problem(value)
        if problem:
            raise ValueError(f"the root element {problem}")
        return value

    def build(self) -> OpenRosaConnector:
        return OpenRosaConnector(self)


class Unsendable(ValueError):
    """The payload cannot become an XForm instance; the message names the field only."""


def instance_xml(spec: Spec, delivery: Delivery) -> bytes:
    """The XForm instance for ``delivery``: the same bytes for the same delivery, always."""
    root = ET.Element(spec.root_element, {"id": spec.form_id})
    if spec.form_version is not None:
        root.set("version", spec.form_version)
    if "meta" in delivery.payload:
        raise Unsendable("field 'meta' would clash with the OpenRosa meta block")
    _fill(root, delivery.payload, "")
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "instanceID").text = f"uuid:{delivery.submission_id}"
    ET.SubElement(meta, "instanceName").text = delivery.reference  # the receipt's number
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml


def _fill(parent: ET.Element, values: Mapping[str, object], path: str) -> None:
    for key, value in values.items():
        where = f"{path}{key}"
        problem = name_problem(key)
        if problem:
            raise Unsendable(f"field {where!r} {problem}")
        if isinstance(value, Mapping):  # a group
            _fill(ET.SubElement(parent, key), value, f"{where}/")
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for item in value:  # a repeat: one element per entry
                _fill(ET.SubElement(parent, key), item, f"{where}/")
        else:
            ET.SubElement(parent, key).text = _text(value, where)


def _text(value: object, where: str) -> str | None:
    if value is None:
        return None  # an empty element: the question was not answered
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unsendable(f"field {where!r} holds a number that is not finite")
        return format(Decimal(repr(value)), "f")  # XForm decimals have no exponent
    if isinstance(value, str):
        if _NOT_XML_TEXT.search(value):
            raise Unsendable(f"field {where!r} holds a character XML cannot carry")
        return value
    if isinstance(value, list):
        items = [_text(item, where) for item in value]
        if any(item is None or not re.fullmatch(r"\S+", item) for item in items):
            raise Unsendable(f"field {where!r} has a list item that is empty or holds a space")
        return " ".join(item for item in items if item)
    raise Unsendable(f"field {where!r} holds a {type(value).__name__}, which XML cannot carry")


@dataclass
class _ThreadState:
    session: requests.Session
    limit: int | None = None
    checked_at: float = 0.0


class OpenRosaConnector:
    """Sends each delivery to one OpenRosa submission URL; safe to call from many threads."""

    idempotent = True  # a resent instance (same instanceID, same XML) is stored once

    def __init__(
        self,
        spec: Spec,
        clock: Callable[[], float] = time.monotonic,
        head_ttl_s: float = HEAD_TTL_S,
    ) -> None:
        self.spec = spec
        self._clock = clock
        self._head_ttl_s = head_ttl_s
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sessions: list[requests.Session] = []

    def send(self, delivery: Delivery) -> Answer:
        try:
            xml = instance_xml(self.spec, delivery)
        except Unsendable as exc:
            return Answer(None, f"not sent: {exc}", verdict=Verdict.PERMANENT)
        body, content_type = encode_multipart_formdata(
            {PART_NAME: ("submission.xml", xml, "text/xml")}
        )
        limit = self._size_limit()
        if isinstance(limit, Answer):
            return limit
        if len(body) > limit:
            return Answer(
                413,
                f"not sent: the form is {len(body):,} bytes and the server accepts at most "
                f"{limit:,} ({SIZE_HEADER})",
                verdict=Verdict.PERMANENT,
            )
        try:
            response = self._state().session.post(
                self.spec.url,
                data=body,
                headers={**self._headers(), "Content-Type": content_type},
                timeout=self.spec.timeout,
                allow_redirects=False,  # a redirected POST comes back as a GET: nothing sent
            )
        except requests.RequestException as exc:  # refused, timed out, dropped
            return Answer(None, f"no answer: {type(exc).__name__}")
        return self._read(response, delivery)

    def close(self) -> None:
        """Close every thread's connections (the connector can still be used afterwards)."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    # --- inside -----------------------------------------------------------------------

    def _state(self) -> _ThreadState:
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is None:
            state = self._local.state = _ThreadState(agency_session(self.spec.url))
            with self._lock:
                self._sessions.append(state.session)
        return state

    def _headers(self) -> dict[str, str]:
        headers = {
            "X-OpenRosa-Version": OPENROSA_VERSION,
            "Date": email.utils.formatdate(usegmt=True),
        }
        if self.spec.bearer_token:
            headers["Authorization"] = f"Bearer {self.spec.bearer_token}"
        return headers

    def _size_limit(self) -> int | Answer:
        """The server's size limit from its HEAD pre-check (kept ``head_ttl_s`` per thread),
        or the Answer that ends this attempt: credentials refused, server unwell, no answer."""
        state = self._state()
        now = self._clock()
        if state.limit is not None and now - state.checked_at < self._head_ttl_s:
            return state.limit
        try:
            response = state.session.head(
                self.spec.url, headers=self._headers(), timeout=self.spec.timeout
            )
        except requests.RequestException as exc:
            return Answer(None, f"no answer: {type(exc).__name__}")
        status = response.status_code
        if status in (401, 403):
            return _credentials_refused(response)
        if status in RETRYABLE_STATUSES or (status >= 500 and status != 501):
            return Answer(status, _refusal(response), response.headers.get("Retry-After"))
        # Anything else (a server without the pre-check: 405, 501...) leaves it to the POST.
        limit = self.spec.max_size_bytes
        stated = response.headers.get(SIZE_HEADER, "").strip()
        if 200 <= status < 300 and stated.isdigit() and int(stated) > 0:
            limit = int(stated)
        state.limit, state.checked_at = limit, now
        return limit

    def _read(self, response: requests.Response, delivery: Delivery) -> Answer:
        status = response.status_code
        retry_after = response.headers.get("Retry-After")
        if status in (201, 202):
            return Answer(
                status,
                confirmation=f"uuid:{delivery.submission_id}",
                verdict=Verdict.DELIVERED,
            )
        if 200 <= status < 300:
            return Answer(
                status,
                f"{status}: the server answered without storing the form (a login page or "
                f"a proxy?): {_CHECK_URL}",
                verdict=Verdict.PERMANENT,
            )
        if 300 <= status < 400:
            return Answer(
                status,
                f"{status}: the server sends the form elsewhere: {_CHECK_URL}",
                verdict=Verdict.PERMANENT,
            )
        if status in (401, 403):
            return _credentials_refused(response)
        if status == 413:  # the limit may have changed since the HEAD: ask again next time
            self._state().limit = None
        return Answer(status, _refusal(response), retry_after)


def _credentials_refused(response: requests.Response) -> Answer:
    text = (
        f"{response.status_code}: the server refused the credentials: check the "
        "bearer_token, or the app user's key in the url"
    )
    detail = _server_message(response)
    return Answer(
        response.status_code,
        f"{text} (server: {detail})" if detail else text,
        verdict=Verdict.PERMANENT,
    )


def _refusal(response: requests.Response) -> str:
    detail = _server_message(response)
    if detail:
        return f"{response.status_code}: {detail}"
    return f"{response.status_code} {response.reason}".strip()


def _server_message(response: requests.Response) -> str | None:
    """The server's own words: ``<OpenRosaResponse><message>`` (or Central's JSON
    ``message``), whitespace folded, cut at :data:`MESSAGE_CHARS`."""
    raw = response.content[:READ_LIMIT] if response.content else b""
    if not raw:
        return None
    text: str | None = None
    if "json" in response.headers.get("Content-Type", ""):
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if isinstance(data, dict) and data.get("message") is not None:
            text = str(data["message"])
    else:
        try:
            root = ET.fromstring(raw)
        except ET.ParseError:
            return None
        for element in root.iter():
            if element.tag.rpartition("}")[2] == "message" and element.text:
                text = element.text
                break
    text = " ".join((text or "").split())[:MESSAGE_CHARS]
    return text or None
