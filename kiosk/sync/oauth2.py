"""OAuth2 client credentials (RFC 6749 §4.4). One token serves every thread; it is
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
import math
import threading
from collections.abc import Callable
from urllib.parse import quote_plus

import requests

from kiosk.sync.policy import RETRYABLE_STATUSES, Verdict
from kiosk.sync.protocol import Answer
from kiosk.sync.replies import (
    exception_name,
    json_body,
    oauth_error_message,
    status_message,
)
from kiosk.sync.rest_json_settings import TOKEN_MARGIN_S, TOKEN_MARGIN_SHARE, OAuth2Auth


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
                Answer(None, f"no answer from the token endpoint: {exception_name(exc)}")
            ) from None
        status = response.status_code
        if status in (400, 401, 403):
            raise _NoToken(
                Answer(
                    status,
                    f"the agency refused the client credentials: {oauth_error_message(response)}",
                    verdict=Verdict.PERMANENT,
                )
            )
        if status in RETRYABLE_STATUSES or status >= 500:
            raise _NoToken(
                Answer(
                    status,
                    f"the token endpoint answered {status_message(response)}",
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
        data = json_body(response)
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
