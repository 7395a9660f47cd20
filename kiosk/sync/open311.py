"""The ``open311`` connector: a service request per submission, as GeoReport v2 describes.

One form-encoded ``POST {url}requests.json`` per submission: ``api_key``,
``service_code``, ``jurisdiction_id``, a location, the request fields the
content pack maps from the payload, and ``attribute[CODE]`` (lists as
``attribute[CODE][]``, repeated). The city answers with a
``service_request_id``, or with a ``token`` whose number comes later
(:meth:`Open311Connector.resolve`).

Open311 has no idempotency key, so a request whose answer was lost must not be
sent again blindly: the city may hold it already, and a resend files a second
report for the same pothole. The connector therefore tells apart "nothing
reached the city" (no connection could be made: retry is safe) from "the
request may have arrived" (a read timeout, the connection closed after
sending, an answer that is not Open311): the latter is ``uncertain`` and waits
for a technician. To keep that line sharp every request goes on a fresh
connection (``Connection: close``): a POST written to a kept-alive connection
that the city closed at the same moment would otherwise fail exactly like a
lost answer. Nothing is retried inside ``requests`` either.

Messages carry statuses, the city's own error descriptions and exception type
names, never a payload value, a URL (it may hold the api key) or an
exception's text.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args
from urllib.parse import quote

import requests
from pydantic import Field, field_validator
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError
from urllib3.exceptions import ProxyError as Urllib3ProxyError

from kiosk.sync.connector_spec import ConnectorSpec, HttpUrl
from kiosk.sync.http import agency_session
from kiosk.sync.policy import Verdict
from kiosk.sync.protocol import Answer, Delivery

#: The request fields of GeoReport v2 a payload can fill (besides attributes).
RequestField = Literal[
    "description",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "media_url",
    "device_id",
    "account_id",
]
REQUEST_FIELDS: tuple[RequestField, ...] = get_args(RequestField)
PayloadKey = Annotated[str, Field(min_length=1, max_length=200)]
# A code goes inside attribute[...]: brackets would change the parameter's meaning.
AttributeCode = Annotated[str, Field(min_length=1, max_length=180, pattern=r"^[^\[\]\s]+$")]
MAX_ERROR_CHARS = 500  # of one error description kept in a message


def _same_names() -> dict[RequestField, str | list[str]]:
    return {name: name for name in REQUEST_FIELDS}


class Spec(ConnectorSpec):
    """Settings of an ``open311`` connector, one per service (one ``service_code``).

    ``fields`` maps each Open311 request field to the payload key(s) that fill it;
    a list means the first key with a value (a street address, else the
    intersection). Left out, every request field reads the payload key of its own
    name, which is what the forms made by ``kiosk forms import-open311`` write.
    ``attributes`` maps an attribute code to its payload key. ``service_code_key``
    names a payload key whose value, when given, is the service code: a form that
    asks which problem it is (the sample street problem form) files a streetlight as
    a streetlight even when the visitor started from "Report a pothole".
    """

    type: Literal["open311"]
    url: HttpUrl  # the endpoint base, ending in /v2/ (requests.json is joined onto it)
    service_code: Annotated[str, Field(min_length=1, max_length=200)]
    service_code_key: PayloadKey | None = None
    jurisdiction_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    api_key: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    fields: dict[RequestField, PayloadKey | list[PayloadKey]] = Field(default_factory=_same_names)
    attributes: dict[AttributeCode, PayloadKey] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _base(cls, url: str) -> str:
        """The endpoint base: ``requests.json`` and ``tokens/...`` are joined onto it."""
        return url if url.endswith("/") else url + "/"

    def build(self) -> Open311Connector:
        return Open311Connector(self)


class Open311Connector:
    """Sends submissions as Open311 service requests; resolves tokens. Thread-safe:
    each thread gets its own ``requests.Session``."""

    #: The city cannot recognise a resend: a row caught mid-send by a crash is
    #: ``uncertain`` (:meth:`kiosk.sync.worker.OutboxWorker.recover`), not resent.
    idempotent = False

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            # No retries of any kind inside requests: the worker decides, knowing
            # that a resent POST may file a second report.
            session = agency_session(self.spec.url)
            session.headers["Connection"] = "close"  # see the module's docstring
            session.headers["Accept"] = "application/json"
            self._local.session = session
        return session

    def _common(self) -> dict[str, str]:
        params = {}
        if self.spec.api_key:
            params["api_key"] = self.spec.api_key
        if self.spec.jurisdiction_id:
            params["jurisdiction_id"] = self.spec.jurisdiction_id
        return params

    def form_data(self, payload: Mapping[str, object]) -> list[tuple[str, str]] | None:
        """The request's form fields from a payload; None when it gives no location."""
        key = self.spec.service_code_key
        code = (_text(payload.get(key)) if key else "") or self.spec.service_code
        data = [*self._common().items(), ("service_code", code)]
        values: dict[str, str] = {}
        for name, keys in self.spec.fields.items():
            for key in [keys] if isinstance(keys, str) else keys:
                text = _text(payload.get(key))
                if text:
                    values[name] = text
                    break
        has_point = bool(values.get("lat") and values.get("long"))
        if not (has_point or values.get("address_string") or values.get("address_id")):
            return None
        data += values.items()
        for code, key in self.spec.attributes.items():
            value = payload.get(key)
            if isinstance(value, list | tuple):
                data += [(f"attribute[{code}][]", t) for t in map(_text, value) if t]
            elif text := _text(value):
                data.append((f"attribute[{code}]", text))
        return data

    def send(self, delivery: Delivery) -> Answer:
        data = self.form_data(delivery.payload)
        if data is None:
            return Answer(
                None,
                "the submission has no location (lat and long, address_string or "
                "address_id), which Open311 requires: check the form's output and the "
                "connector's fields",
                verdict=Verdict.PERMANENT,
            )
        try:
            response = self._session().post(
                self.spec.url + "requests.json",
                data=data,
                timeout=self.spec.timeout,
                allow_redirects=False,  # a redirected POST arrives as a GET, or twice
            )
        except requests.RequestException as exc:
            if _never_sent(exc):
                return Answer(None, f"no connection to the agency: {_reason(exc)}")
            return Answer(
                None,
                f"no answer after sending ({_reason(exc)}): the agency may have stored "
                "the request and Open311 cannot recognise a resend, so a technician "
                "decides",
                uncertain=True,
            )
        return _answer(response)

    def resolve(self, token: str) -> Answer:
        """Ask the city for the request number behind ``token``; GETs are safe to repeat."""
        try:
            response = self._session().get(
                f"{self.spec.url}tokens/{quote(token, safe='')}.json",
                params=self._common(),
                timeout=self.spec.timeout,
            )
        except requests.RequestException as exc:
            return Answer(None, f"no answer to the token lookup: {_reason(exc)}")
        if not 200 <= response.status_code < 300:
            return Answer(response.status_code, _message(response), _retry_after(response))
        first = _first(response)
        number = first.get("service_request_id") if first is not None else None
        if number in (None, ""):
            return Answer(response.status_code, "no request number for the token yet")
        return Answer(response.status_code, confirmation=str(number))


def _answer(response: requests.Response) -> Answer:
    status = response.status_code
    if status >= 500 and status != 503:
        # A 500, 502 or 504 may come after the city stored the report (a gateway
        # timing out in front of a slow server): resending could file it twice.
        return Answer(
            status,
            f"{_message(response)}: the city may have stored it; a technician checks "
            "before it is sent again",
            verdict=Verdict.UNCERTAIN,
        )
    if not 200 <= status < 300:  # 503 and 429 say "not now, nothing done": tried again
        return Answer(status, _message(response), _retry_after(response))
    first = _first(response)
    if first is None:  # a proxy's or a login page's 200: did the city get it?
        return Answer(
            status,
            f"{status} but the answer is not an Open311 reply: the request may or may not "
            "have reached the agency, so a technician decides",
            uncertain=True,
            verdict=Verdict.UNCERTAIN,
        )
    number, token = first.get("service_request_id"), first.get("token")
    if number not in (None, ""):
        return Answer(status, confirmation=str(number))
    if token not in (None, ""):
        return Answer(status, "stored; the agency gives its number later", token=str(token))
    # A "blackbox" service: accepted, and no number is ever given.
    return Answer(status, "stored; the agency gives no request number for this service")


def _first(response: requests.Response) -> dict[str, Any] | None:
    """The first element of an Open311 JSON array reply, if that is what came."""
    try:
        data = response.json()
    except ValueError:
        return None
    if isinstance(data, dict):  # some servers answer a single object
        data = [data]
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    return None


def _message(response: requests.Response) -> str:
    """``"400: description"`` from an Open311 error array, else the status and reason."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        data = [data]
    if isinstance(data, list):
        parts = [
            str(item.get("description") or item.get("code"))[:MAX_ERROR_CHARS]
            for item in data
            if isinstance(item, dict) and (item.get("description") or item.get("code"))
        ]
        if parts:
            return f"{response.status_code}: " + "; ".join(parts)
    return f"{response.status_code} {response.reason}".strip()


def _retry_after(response: requests.Response) -> str | None:
    return response.headers.get("Retry-After")


def _never_sent(exc: requests.RequestException) -> bool:
    """True only when no connection to the city could be made, so no byte of the
    request left the station: connection refused, no route, name not found, a
    connect timeout, a URL that cannot be used. Everything else may have arrived."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.InvalidURL):
        return True
    if isinstance(exc, requests.exceptions.MissingSchema | requests.exceptions.InvalidSchema):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.ReadTimeout):
        return False
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    if isinstance(cause, Urllib3ProxyError):  # the proxy itself could not be reached
        cause = cause.original_error
    return isinstance(cause, NewConnectionError | ConnectTimeoutError)


def _reason(exc: requests.RequestException) -> str:
    """The exception's type (and its cause's), never its text: that holds the URL."""
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError) and cause.reason is not None:
        cause = cause.reason
    if isinstance(cause, Exception) and len(cause.args) > 1:
        inner = cause.args[1]  # ProtocolError("Connection aborted.", RemoteDisconnected(...))
        if isinstance(inner, BaseException):
            return f"{type(exc).__name__}: {type(inner).__name__}"
    if isinstance(cause, BaseException):
        return f"{type(exc).__name__}: {type(cause).__name__}"
    return type(exc).__name__


def _text(value: object) -> str:
    """A payload value as Open311 form text; '' for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):  # an address answer: its parts, in order
        return ", ".join(t for t in map(_text, value.values()) if t)
    if isinstance(value, list | tuple):
        return ", ".join(t for t in map(_text, value) if t)
    return str(value).strip()
