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

Settings: :mod:`kiosk.sync.rest_json_settings`; OAuth2 client credentials:
:mod:`kiosk.sync.oauth2`.
"""

from __future__ import annotations

import base64
import threading
import time
import weakref
from collections.abc import Callable, Collection, Mapping
from typing import Literal
from urllib.parse import quote

import requests

from kiosk.sync.http import agency_session, send_prepared
from kiosk.sync.oauth2 import _ClientCredentials, _NoToken
from kiosk.sync.policy import Verdict
from kiosk.sync.protocol import Answer, Delivery
from kiosk.sync.replies import (
    exception_name,
    json_body,
    status_message,
)
from kiosk.sync.rest_json_settings import (
    CONFIRMATION_LIMIT,
    DEFAULT_SUCCESS_STATUSES,
    DEFAULT_TIMEOUT_S,
    SUBMISSION_ID_PLACEHOLDER,
    ApiKeyAuth,
    BasicAuth,
    BearerAuth,
    OAuth2Auth,
    Spec,
    _listed,
)

__all__ = ["RestJsonConnector", "Spec", "envelope"]


class RestJsonConnector:
    """Sends submissions to one agency; safe to call from several threads at once.

    ``bearer_token`` is a shorthand for ``auth=BearerAuth(kind="bearer", token=...)``.
    ``clock`` (monotonic seconds) decides when an OAuth2 token is too old; tests turn it.
    """

    idempotent = True  # the agency answers a resent idempotency key with its first answer

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
            return Answer(None, f"no answer: {exception_name(exc)}")
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
            session = agency_session(self.url)  # no retries below the worker
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
        # Prepared here and sent as is: Session.request would merge the session's
        # settings into each request again (a third of a request's time while a
        # backlog drained); the session holds none of its own (see kiosk.sync.http).
        prepared = requests.Request(
            self._method,
            url,
            params=self._query or None,
            json=self._content(delivery),
            headers=headers,
        ).prepare()
        return send_prepared(session, prepared, self._timeout_s)

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
        return delivery.payload if self._body == "payload" else envelope(delivery)

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
        return Answer(status, status_message(response), response.headers.get("Retry-After"))

    def _confirmation(self, response: requests.Response) -> tuple[str | None, str]:
        """The agency's number at ``confirmation_path``, and a note when it is unusable."""
        if self._path is None:
            return None, ""
        node: object = json_body(response)
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


def envelope(delivery: Delivery) -> dict[str, object]:
    """The body docs/agency-api.yaml describes: the submission's identity and its payload."""
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
