"""What the outbox worker and the connectors say to each other. No I/O here.

A connector turns a :class:`Delivery` into one request to its agency and the
agency's reply into an :class:`Answer`; the worker decides what happens next
(:mod:`kiosk.sync.policy`) and stores it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from kiosk.sync.policy import Verdict


@dataclass(frozen=True)
class Delivery:
    """What a connector sends: the submission's identity and its (decrypted) payload."""

    submission_id: str  # the idempotency key, forever
    reference: str
    form_id: str
    form_version: int
    service_id: str
    language: str
    station_id: str
    submitted_at: dt.datetime
    payload: dict[str, object]


@dataclass(frozen=True)
class Answer:
    """What came back from one attempt. ``status`` None: no answer (connection refused,
    timeout, connection dropped)."""

    status: int | None
    message: str | None = None  # the agency's own words, or the error; never the payload
    retry_after: str | None = None
    confirmation: str | None = None  # the agency's number for a stored submission
    # No answer, and the request may have reached the agency: for connectors whose
    # agency cannot recognise a resend (Open311), the row waits for a technician.
    uncertain: bool = False
    # Stored, but the agency's number comes later: a token to look it up with
    # (Open311 ``tokens/{token}.json``), kept with the row until resolved.
    token: str | None = None
    # The connector's own reading when the status alone would mislead: an OpenRosa
    # 200 that stored nothing (a login page), a 409 that means "already received".
    verdict: Verdict | None = None


class Connector(Protocol):
    """Sends one submission to one agency. Called from several threads at once:
    keep per-thread state (a ``requests.Session``) in a ``threading.local``.

    A connector whose agency recognises a resent submission says so with a class
    attribute ``idempotent = True``; without it, a request that may have gone out
    is never resent on its own (the row becomes ``uncertain``)."""

    def send(self, delivery: Delivery) -> Answer: ...


@runtime_checkable
class TokenResolver(Protocol):
    """A connector whose agency answers some submissions with a token first."""

    def resolve(self, token: str) -> Answer:
        """``confirmation`` set: the agency's number; None: not yet (ask again later)."""
        ...
