"""The ``rest_json`` connector: one request per submission, as docs/agency-api.yaml describes,
or mapped onto an agency's own JSON API by its settings (:class:`Spec`).

The idempotency key (the submission's UUID) goes in a header on every try, so
the agency can answer a replay with its original response. Short explicit
timeouts: a hung agency must not hold the queue. Only the agency's status,
message and confirmation come back; the payload is never logged or kept, and
no message carries a payload value or a credential.

Reading an answer. A ``success_statuses`` status is delivered; a
``duplicate_statuses`` status (and, when ``empty_201_is_duplicate``, a 201 with
an empty body) means "already received", so it is delivered too, with the
agency's number when the body has one. Any other 2xx is not what this agency
promised for a stored submission (a proxy's page, a misread setting): tried
again later rather than counted as delivered. Redirects are not followed: a
redirected POST turns into a GET, and a login page answering it would read as
success. Everything else is left to :mod:`kiosk.sync.policy` (408, 425, 429,
5xx and no answer retry; other 4xx go to the dead letters).

Threads. The worker calls :meth:`RestJsonConnector.send` from several threads
at once, and a ``requests.Session`` is not safe to share, so each thread gets
its own (``threading.local``). Their adapters never retry on their own
(``Retry(total=0)``): a POST resent by urllib3 behind the worker's back would
be an attempt the outbox never recorded. The worker's policy is the only retry.

OAuth2 client credentials (RFC 6749 §4.4). One token serves every thread; it is
fetched under a lock (so ten threads starting together ask once), kept until
shortly before its ``expires_in``, and replaced when a submission comes back
401 (revoked early): that request is then sent once more with the new token,
and never more than once. A token endpoint that refuses the client (400, 401,
403) is a setting a technician must fix, so the submission is permanent with
"the agency refused the client credentials: ..."; a token endpoint that does
not answer is retried like an agency that does not.

Why no OAuth library. Both candidates were read (authlib 1.9, requests-oauthlib
2.0). requests-oauthlib refuses plain http for the token URL and every signed
request unless the process-wide ``OAUTHLIB_INSECURE_TRANSPORT`` is set, which
would switch the check off for everything in the kiosk (our tests and the demo
run over http://127.0.0.1). authlib 1.9's client no longer refuses loopback
http, but its ``OAuth2Session`` *is* a ``requests.Session`` holding its own
token: one per thread means one token per thread, its renewal takes no lock,
it has no answer for a 401 from the resource server, and it reads a non-error
JSON body of any status below 500 (a 429's, say) as a token. We would still
write the shared cache, the lock, the 401 retry and the status reading; what
the library would keep is one form-encoded POST. So the exchange is written
here (about forty lines), without a new dependency, and the libraries'
transport rule is kept per connector instead of per process: credentials go
over plain http only to a loopback host or with ``allow_plain_http: true``.
"""

from __future__ import annotations

import base64
import ipaddress
import math
import threading
import time
import weakref
from collections.abc import Callable, Collection, Mapping
from typing import Annotated, Any, Literal
from urllib.parse import quote, quote_plus, urlsplit

import requests
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kiosk.sync.connector_spec import ConnectorSpec, HttpUrl
from kiosk.sync.policy import RETRYABLE_STATUSES, Verdict
from kiosk.sync.protocol import Answer, Delivery

DEFAULT_TIMEOUT_S = (3.05, 10.0)  # connect, read
DEFAULT_SUCCESS_STATUSES = (200, 201, 202)
SUBMISSION_ID_PLACEHOLDER = "{submission_id}"  # in the url, for agencies that PUT by id
TOKEN_MARGIN_S = 30.0  # a token is renewed this long before the agency says it expires,
TOKEN_MARGIN_SHARE = 0.1  # or a tenth of its life before, for short-lived tokens
CONFIRMATION_LIMIT = 128  # the outbox's confirmation column
AGENCY_WORDS_LIMIT = 500  # characters of an agency's message kept in an answer
AUTH_KINDS = ("bearer", "api_key", "basic", "oauth2")


# --- settings ------------------------------------------------------------------------


class _Hidden:
    """Stands in for a refused value that may be a secret, so the validation error (and
    every problem printed from it) carries ``<hidden>`` instead of the value."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return "<hidden>"


def _refuse_hidden(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    if isinstance(value, _Hidden):
        raise PydanticCustomError("refused_value", value.reason)
    return handler(value)


def _screen_text(value: object, header: bool) -> object:
    """A secret's (or header value's) own checks, done before pydantic sees it so no
    error echoes it. Header-bound values must be visible ASCII: ``http.client``
    cannot send anything else, and a pasted token often drags a line break along."""
    if not isinstance(value, str):
        return _Hidden("must be text (in quotes)")
    if not value:
        return _Hidden("must not be empty")
    if value != value.strip():
        return _Hidden("must not start or end with spaces or line breaks (a paste gone wrong?)")
    if not value.isprintable():
        return _Hidden("must not hold line breaks or control characters")
    if header and not value.isascii():
        return _Hidden("must be plain ASCII characters (it is sent in an HTTP header)")
    return value


def _screen_header_secret(value: object) -> object:
    return _screen_text(value, header=True)


def _screen_text_secret(value: object) -> object:
    return _screen_text(value, header=False)


# Sent as a header value: visible ASCII.
HeaderSecret = Annotated[
    str, WrapValidator(_refuse_hidden), BeforeValidator(_screen_header_secret), Field(repr=False)
]
# Base64- or form-encoded before sending: any printable text.
TextSecret = Annotated[
    str, WrapValidator(_refuse_hidden), BeforeValidator(_screen_text_secret), Field(repr=False)
]
HeaderName = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", min_length=1, max_length=100)
]
QueryName = Annotated[str, Field(pattern=r"^[^\s&=#]+$")]
Name = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]+$", min_length=1, max_length=200)]
StatusCode = Annotated[int, Field(ge=100, le=599)]
ConfirmationPath = Annotated[str, Field(pattern=r"^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$")]


def _screen_url(value: object) -> object:
    """A url with ``user:password@`` in it would print the password in every problem and
    log line that names the url: refused without echoing it."""
    if isinstance(value, str) and "@" in value.partition("://")[2].split("/", 1)[0]:
        return _Hidden("must not hold a user name or password; put credentials under auth")
    return value


AgencyUrl = Annotated[HttpUrl, WrapValidator(_refuse_hidden), BeforeValidator(_screen_url)]


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, hide_input_in_errors=True)


class BearerAuth(_Settings):
    """``Authorization: Bearer <token>``: a token the agency issued to the station."""

    kind: Literal["bearer"]
    token: HeaderSecret


class ApiKeyAuth(_Settings):
    """A key in a header of the agency's choosing."""

    kind: Literal["api_key"]
    header: HeaderName = "X-API-Key"
    api_key: HeaderSecret


class BasicAuth(_Settings):
    """HTTP Basic (RFC 7617): a user name (no colon) and a password."""

    kind: Literal["basic"]
    username: Annotated[str, Field(pattern=r"^[^:\x00-\x1f\x7f]+$")]
    password: TextSecret


class OAuth2Auth(_Settings):
    """OAuth2 client credentials: the station swaps its client id and secret at
    ``token_url`` for short-lived bearer tokens. ``client_auth``: how the client
    authenticates there, HTTP Basic (the RFC's default) or in the form body."""

    kind: Literal["oauth2"]
    token_url: AgencyUrl
    client_id: Name
    client_secret: TextSecret
    scope: Name | None = None
    client_auth: Literal["basic", "body"] = "basic"


def _screen_auth(value: object) -> object:
    """Pydantic's own words for a missing or unknown ``kind`` would quote the whole
    table, secrets included, wherever the error is printed."""
    kinds = ", ".join(AUTH_KINDS)
    if value is None:
        return None
    if not isinstance(value, dict):
        return _Hidden(f"must be a table with a kind ({kinds}) and its credentials")
    if value.get("kind") not in AUTH_KINDS:
        return _Hidden(f"kind must be one of: {kinds}")
    return value


Auth = Annotated[
    BearerAuth | ApiKeyAuth | BasicAuth | OAuth2Auth,
    Field(discriminator="kind"),
]


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Spec(ConnectorSpec):
    """The settings of one ``rest_json`` agency connector (a station config's table).

    ``url`` may hold ``{submission_id}`` (for an agency that wants ``PUT .../{id}``).
    ``body``: ``envelope`` sends OneStop's submission (docs/agency-api.yaml);
    ``payload`` sends only the form's output mapping. ``confirmation_path``: the
    dotted path to the agency's number in its JSON answer (``data.case.id``; a
    number picks a list item), or none when the agency gives no number.
    """

    model_config = ConfigDict(hide_input_in_errors=True)

    type: Literal["rest_json"]
    url: AgencyUrl
    method: Literal["POST", "PUT"] = "POST"
    idempotency_header: HeaderName = "Idempotency-Key"
    headers: dict[HeaderName, HeaderSecret] = Field(default_factory=dict)
    query: dict[QueryName, TextSecret] = Field(default_factory=dict)
    body: Literal["envelope", "payload"] = "envelope"
    auth: Annotated[Auth | None, WrapValidator(_refuse_hidden), BeforeValidator(_screen_auth)] = (
        None
    )
    success_statuses: list[StatusCode] = Field(
        default_factory=lambda: list(DEFAULT_SUCCESS_STATUSES)
    )
    duplicate_statuses: list[StatusCode] = Field(default_factory=list)
    empty_201_is_duplicate: bool = False
    confirmation_path: ConfirmationPath | None = "confirmation_number"
    # Credentials over plain http to another machine can be read by anyone on the way;
    # a closed network that has no TLS may say so here.
    allow_plain_http: bool = False

    @field_validator("headers")
    @classmethod
    def _no_reserved_headers(cls, headers: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        reserved = {
            "authorization": "credentials belong under auth, where they are kept secret",
            "content-type": "the connector sends JSON and says so itself",
        }
        key_header = str(info.data.get("idempotency_header", "")).lower()
        for name in headers:
            if name.lower() in reserved:
                raise PydanticCustomError("reserved_header", f"{name}: {reserved[name.lower()]}")
            if name.lower() == key_header:
                raise PydanticCustomError(
                    "reserved_header",
                    f"{name}: carries the idempotency key; it is set per submission",
                )
        return headers

    @field_validator("success_statuses")
    @classmethod
    def _success_is_2xx(cls, statuses: list[int]) -> list[int]:
        if not statuses:
            raise PydanticCustomError("no_success", "needs at least one status (201, say)")
        wrong = [s for s in statuses if not 200 <= s < 300]
        if wrong:
            raise PydanticCustomError(
                "not_success", f"a success status is a 2xx status, not {_listed(wrong)}"
            )
        return statuses

    @field_validator("duplicate_statuses")
    @classmethod
    def _duplicate_is_final(cls, statuses: list[int], info: ValidationInfo) -> list[int]:
        later = [s for s in statuses if s in RETRYABLE_STATUSES or s >= 500]
        if later:
            raise PydanticCustomError(
                "not_duplicate",
                f"{_listed(later)}: 408, 425, 429 and 5xx mean 'try again later', "
                "never 'already received'",
            )
        refused = [s for s in statuses if s in (401, 403, 407)]
        if refused:
            raise PydanticCustomError(
                "not_duplicate",
                f"{_listed(refused)}: the agency refused the credentials; counting that as "
                "'already received' would lose the submission",
            )
        both = sorted(set(statuses) & set(info.data.get("success_statuses") or ()))
        if both:
            raise PydanticCustomError(
                "ambiguous_status",
                f"{_listed(both)} also listed in success_statuses; list each status once",
            )
        return statuses

    @model_validator(mode="after")
    def _credentials_not_in_clear(self) -> Spec:
        if self.auth is None or self.allow_plain_http:
            return self
        urls = [("url", self.url)]
        if isinstance(self.auth, OAuth2Auth):
            urls.append(("auth.token_url", self.auth.token_url))
        for key, url in urls:
            if url.startswith("http://") and not _is_loopback(url):
                raise PydanticCustomError(
                    "plain_http",
                    f"{key} is plain http to another machine: the credentials would cross "
                    "the network readable; use https (or allow_plain_http: true on a "
                    "closed network)",
                )
        return self

    def build(self) -> RestJsonConnector:
        return RestJsonConnector(
            self.url,
            auth=self.auth,
            method=self.method,
            headers=self.headers,
            query=self.query,
            idempotency_header=self.idempotency_header,
            body=self.body,
            success_statuses=self.success_statuses,
            duplicate_statuses=self.duplicate_statuses,
            empty_201_is_duplicate=self.empty_201_is_duplicate,
            confirmation_path=self.confirmation_path,
            timeout_s=self.timeout,
        )


def _listed(statuses: Collection[int]) -> str:
    return ", ".join(str(s) for s in statuses)


# --- the connector -------------------------------------------------------------------


class _NoToken(Exception):
    """No usable OAuth2 token: carries the answer the submission gets instead."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.message)
        self.answer = answer


class _ClientCredentials:
    """One OAuth2 token shared by every thread of a connector, renewed under a lock."""

    def __init__(
        self, settings: OAuth2Auth, timeout_s: tuple[float, float], clock: Callable[[], float]
    ) -> None:
        self._settings = settings
        self._timeout_s = timeout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._good_until = 0.0

    def token(self, session: requests.Session, stale: str | None = None) -> str:
        """The current token, fetched first if there is none, it is about to expire, or
        it is ``stale`` (just refused with 401). A thread that waited on the lock while
        another renewed the token takes the new one instead of asking again."""
        with self._lock:
            token = self._token
            if token is not None and token != stale and self._clock() < self._good_until:
                return token
            self._token = None
            asked_at = self._clock()
            token, lifetime = self._fetch(session)
            self._token, self._good_until = token, asked_at + _usable_for(lifetime)
            return token

    def _fetch(self, session: requests.Session) -> tuple[str, float | None]:
        settings = self._settings
        form = {"grant_type": "client_credentials"}
        if settings.scope:
            form["scope"] = settings.scope
        headers = {"Accept": "application/json"}
        if settings.client_auth == "basic":  # RFC 6749 §2.3.1: form-encoded, then Basic
            pair = f"{quote_plus(settings.client_id)}:{quote_plus(settings.client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form["client_id"], form["client_secret"] = settings.client_id, settings.client_secret
        try:
            response = session.post(
                settings.token_url,
                data=form,
                headers=headers,
                timeout=self._timeout_s,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise _NoToken(
                Answer(None, f"no answer from the token endpoint: {_name(exc)}")
            ) from None
        status = response.status_code
        if status in (400, 401, 403):
            raise _NoToken(
                Answer(
                    status,
                    f"the agency refused the client credentials: {_oauth_error(response)}",
                    verdict=Verdict.PERMANENT,
                )
            )
        if status in RETRYABLE_STATUSES or status >= 500:
            raise _NoToken(
                Answer(
                    status,
                    f"the token endpoint answered {_message(response)}",
                    response.headers.get("Retry-After"),
                )
            )
        if status != 200:
            raise _NoToken(
                Answer(
                    status,
                    f"the token endpoint answered {status} {response.reason}; check token_url",
                    verdict=Verdict.PERMANENT,
                )
            )
        data = _json(response)
        token = data.get("access_token") if isinstance(data, dict) else None
        kind = data.get("token_type", "Bearer") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token or not token.isascii():
            # A proxy's page or a half-broken server: not the client's fault, try later.
            raise _NoToken(
                Answer(
                    status,
                    "the token endpoint's answer holds no access token",
                    verdict=Verdict.RETRY,
                )
            )
        if not isinstance(kind, str) or kind.lower() != "bearer":
            raise _NoToken(
                Answer(
                    status,
                    f"the token endpoint issues {str(kind)[:40]!r} tokens; "
                    "only Bearer tokens are supported",
                    verdict=Verdict.PERMANENT,
                )
            )
        return token, _seconds(data.get("expires_in") if isinstance(data, dict) else None)


def _seconds(value: object) -> float | None:
    """``expires_in`` as seconds; some servers send it as a string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _usable_for(lifetime: float | None) -> float:
    """How long a token is used: until shortly before it expires. No ``expires_in``: until
    the agency refuses it (a 401 renews it then)."""
    if lifetime is None or not math.isfinite(lifetime):
        return math.inf
    if lifetime <= 0:
        return 0.0
    return lifetime - min(TOKEN_MARGIN_S, lifetime * TOKEN_MARGIN_SHARE)


class RestJsonConnector:
    """Sends submissions to one agency; safe to call from several threads at once.

    ``bearer_token`` is a shorthand for ``auth=BearerAuth(kind="bearer", token=...)``.
    ``clock`` (monotonic seconds) decides when an OAuth2 token is too old; tests turn it.
    """

    def __init__(
        self,
        url: str,
        *,
        bearer_token: str | None = None,
        auth: BearerAuth | ApiKeyAuth | BasicAuth | OAuth2Auth | None = None,
        method: Literal["POST", "PUT"] = "POST",
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        idempotency_header: str = "Idempotency-Key",
        body: Literal["envelope", "payload"] = "envelope",
        success_statuses: Collection[int] = DEFAULT_SUCCESS_STATUSES,
        duplicate_statuses: Collection[int] = (),
        empty_201_is_duplicate: bool = False,
        confirmation_path: str | None = "confirmation_number",
        timeout_s: tuple[float, float] = DEFAULT_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if bearer_token is not None:
            if auth is not None:
                raise ValueError("give bearer_token or auth, not both")
            auth = BearerAuth(kind="bearer", token=bearer_token)
        self.url = url
        self._auth = auth
        self._method = method
        self._headers = {"Accept": "application/json", **(headers or {})}
        self._query = dict(query or {})
        self._idempotency_header = idempotency_header
        self._body = body
        self._success = frozenset(success_statuses)
        self._duplicate = frozenset(duplicate_statuses)
        self._empty_201_is_duplicate = empty_201_is_duplicate
        self._path = confirmation_path.split(".") if confirmation_path else None
        self._timeout_s = timeout_s
        self._tokens = (
            _ClientCredentials(auth, timeout_s, clock) if isinstance(auth, OAuth2Auth) else None
        )
        self._local = threading.local()
        self._sessions: weakref.WeakSet[requests.Session] = weakref.WeakSet()
        self._sessions_lock = threading.Lock()

    def send(self, delivery: Delivery) -> Answer:
        session = self._session()
        try:
            token = self._tokens.token(session) if self._tokens else None
            response = self._request(session, delivery, token)
            if response.status_code == 401 and self._tokens is not None:
                # Revoked before its time (or the agency restarted): one new token, one
                # more try. A second 401 is the agency's final word.
                response.close()
                token = self._tokens.token(session, stale=token)
                response = self._request(session, delivery, token)
        except _NoToken as no_token:
            return no_token.answer
        except requests.RequestException as exc:  # refused, timed out, dropped
            return Answer(None, f"no answer: {_name(exc)}")
        return self._read(response)

    def close(self) -> None:
        """Closes every thread's connections (the connector stays usable)."""
        with self._sessions_lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.close()

    # --- one request -----------------------------------------------------------------

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            # No retries below the worker: each attempt it records is one request sent.
            adapter = HTTPAdapter(max_retries=Retry(total=0, read=False, redirect=False))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.add(session)
        return session

    def _request(
        self, session: requests.Session, delivery: Delivery, token: str | None
    ) -> requests.Response:
        headers = {**self._headers, self._idempotency_header: delivery.submission_id}
        headers.update(self._auth_headers(token))
        url = self.url.replace(SUBMISSION_ID_PLACEHOLDER, quote(delivery.submission_id, safe=""))
        return session.request(
            self._method,
            url,
            params=self._query or None,
            json=self._content(delivery),
            headers=headers,
            timeout=self._timeout_s,
            allow_redirects=False,
        )

    def _auth_headers(self, token: str | None) -> dict[str, str]:
        auth = self._auth
        if isinstance(auth, BearerAuth):
            return {"Authorization": f"Bearer {auth.token}"}
        if isinstance(auth, ApiKeyAuth):
            return {auth.header: auth.api_key}
        if isinstance(auth, BasicAuth):
            pair = f"{auth.username}:{auth.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        if token is not None:
            return {"Authorization": f"Bearer {token}"}
        return {}

    def _content(self, delivery: Delivery) -> object:
        if self._body == "payload":
            return delivery.payload
        return {
            "submission_id": delivery.submission_id,
            "reference": delivery.reference,
            "form_id": delivery.form_id,
            "form_version": delivery.form_version,
            "service_id": delivery.service_id,
            "language": delivery.language,
            "station_id": delivery.station_id,
            "submitted_at": delivery.submitted_at.isoformat(),
            "payload": delivery.payload,
        }

    def _read(self, response: requests.Response) -> Answer:
        status = response.status_code
        empty = not response.content.strip()
        if status in self._duplicate or (self._empty_201_is_duplicate and status == 201 and empty):
            number, note = self._confirmation(response)
            message = f"{status}: the agency already had this submission{note}"
            return Answer(status, message, confirmation=number, verdict=Verdict.DELIVERED)
        if status in self._success:
            number, note = self._confirmation(response)
            return Answer(
                status,
                note.removeprefix("; ") or None,
                confirmation=number,
                verdict=Verdict.DELIVERED,
            )
        if 200 <= status < 300:
            expected = _listed(sorted(self._success))
            return Answer(
                status,
                f"{status} is not one of this agency's success statuses ({expected}); "
                "the submission may not be stored, so it is sent again later",
                verdict=Verdict.RETRY,
            )
        if 300 <= status < 400:
            return Answer(
                status,
                f"{status} {response.reason}: the agency redirects elsewhere; check the url",
                verdict=Verdict.PERMANENT,
            )
        return Answer(status, _message(response), response.headers.get("Retry-After"))

    def _confirmation(self, response: requests.Response) -> tuple[str | None, str]:
        """The agency's number at ``confirmation_path``, and a note when it is unusable."""
        if self._path is None:
            return None, ""
        node: object = _json(response)
        for part in self._path:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None, ""
        if isinstance(node, bool) or not isinstance(node, str | int) or node == "":
            return None, ""
        number = str(node)
        if len(number) > CONFIRMATION_LIMIT:
            return None, f"; its number is over {CONFIRMATION_LIMIT} characters and not kept"
        return number, ""


# --- reading answers -----------------------------------------------------------------


def _name(exc: BaseException) -> str:
    """An exception's class only: its text may hold the url with its query string."""
    return type(exc).__name__


def _json(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _words(data: object) -> str | None:
    """The agency's own words in the usual shapes: OneStop's ``errors`` array, OAuth's
    ``error``/``error_description``, RFC 9457 problem details, a plain ``message``."""
    if not isinstance(data, dict):
        return None
    errors = data.get("errors")
    if isinstance(errors, list):
        parts = [
            str(e.get("description") or e.get("message") or e.get("code"))
            for e in errors
            if isinstance(e, dict)
        ]
        if parts:
            return "; ".join(parts)
    for keys in (("error", "error_description"), ("title", "detail"), ("message",)):
        found = [str(data[k]) for k in keys if isinstance(data.get(k), str | int) and data[k]]
        if found:
            return ": ".join(found)
    return None


def _message(response: requests.Response) -> str:
    """The agency's own words for a refusal, else the status's reason phrase."""
    words = _words(_json(response))
    if words:
        return f"{response.status_code}: {words[:AGENCY_WORDS_LIMIT]}"
    return f"{response.status_code} {response.reason}"


def _oauth_error(response: requests.Response) -> str:
    words = _words(_json(response))
    return (words or f"{response.status_code} {response.reason}")[:AGENCY_WORDS_LIMIT]
