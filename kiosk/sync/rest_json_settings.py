"""The ``rest_json`` connector's settings (:class:`Spec`), checked strictly.

Secrets (tokens, keys, passwords) never show in a problem, a ``repr`` or a
validation error; credentials go over plain http only to a loopback host or with
``allow_plain_http: true``. The connector itself is :mod:`kiosk.sync.rest_json`.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
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

from kiosk.sync.connector_spec import ConnectorSpec, HttpUrl
from kiosk.sync.policy import RETRYABLE_STATUSES

if TYPE_CHECKING:
    from kiosk.sync.rest_json import RestJsonConnector

DEFAULT_TIMEOUT_S = (3.05, 10.0)  # connect, read
DEFAULT_SUCCESS_STATUSES = (200, 201, 202)
SUBMISSION_ID_PLACEHOLDER = "{submission_id}"  # in the url, for agencies that PUT by id
TOKEN_MARGIN_S = 30.0  # a token is renewed this long before the agency says it expires,
TOKEN_MARGIN_SHARE = 0.1  # or a tenth of its life before, for short-lived tokens
CONFIRMATION_LIMIT = 128  # the outbox's confirmation column
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


def _matching(pattern: str, explanation: str) -> AfterValidator:
    """A pattern check that says what is wanted in words, not as a regular expression."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError("bad_text", explanation)
        return value

    return AfterValidator(check)


# Secrets are also kept out of repr (Field(repr=False) on each field that holds one).
# Sent as a header value: visible ASCII.
HeaderSecret = Annotated[str, WrapValidator(_refuse_hidden), BeforeValidator(_screen_header_secret)]
# Base64- or form-encoded before sending: any printable text.
TextSecret = Annotated[str, WrapValidator(_refuse_hidden), BeforeValidator(_screen_text_secret)]
HeaderName = Annotated[
    str,
    _matching(
        r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}",
        "not a header name: letters, digits and - only (like X-Agency-Office)",
    ),
]
QueryName = Annotated[
    str, _matching(r"[^\s&=#]{1,100}", "not a query parameter name (no spaces, &, = or #)")
]
Name = Annotated[
    str,
    _matching(r"[^\x00-\x1f\x7f]{1,200}", "must be 1 to 200 characters, without line breaks"),
]
UserName = Annotated[
    str,
    _matching(
        r"[^:\x00-\x1f\x7f]{1,200}",
        "must be 1 to 200 characters without a colon (HTTP Basic cannot carry one)",
    ),
]
ConfirmationPath = Annotated[
    str,
    _matching(
        r"[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*",
        "must be a dotted path of keys in the agency's answer, like data.case.id",
    ),
]
StatusCode = Annotated[int, Field(ge=100, le=599)]


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
    token: HeaderSecret = Field(repr=False)


class ApiKeyAuth(_Settings):
    """A key in a header of the agency's choosing."""

    kind: Literal["api_key"]
    header: HeaderName = "X-API-Key"
    api_key: HeaderSecret = Field(repr=False)


class BasicAuth(_Settings):
    """HTTP Basic (RFC 7617): a user name (no colon) and a password."""

    kind: Literal["basic"]
    username: UserName
    password: TextSecret = Field(repr=False)


class OAuth2Auth(_Settings):
    """OAuth2 client credentials: the station swaps its client id and secret at
    ``token_url`` for short-lived bearer tokens. ``client_auth``: how the client
    authenticates there, HTTP Basic (the RFC's default) or in the form body."""

    kind: Literal["oauth2"]
    token_url: AgencyUrl
    client_id: Name
    client_secret: TextSecret = Field(repr=False)
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
    headers: dict[HeaderName, HeaderSecret] = Field(default_factory=dict, repr=False)
    query: dict[QueryName, TextSecret] = Field(default_factory=dict, repr=False)
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

    def build(self, clock: Callable[[], float] = time.monotonic) -> RestJsonConnector:
        from kiosk.sync.rest_json import RestJsonConnector

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
            clock=clock,
        )


def _listed(statuses: Collection[int]) -> str:
    return ", ".join(str(s) for s in statuses)
