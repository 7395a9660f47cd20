"""What to do after each delivery attempt: done, try again later, or give up.

The agencies' systems are old and their links flaky, so most failures are
worth another try: no connection, a timeout, 408, 425, 429 and any 5xx. Any
other 4xx means the agency looked at the submission and refused it; sending
it again would be refused again, so it goes to the dead letters, where a
technician reads the agency's message and retries or discards it.

Waits grow exponentially with full jitter (tenacity's
``wait_random_exponential``), so a hundred kiosks coming back after an outage
do not all knock at once, and never wait less than the agency's
``Retry-After`` asks. Nothing here sleeps: the worker stores the time of the
next attempt with the outbox row, so a restart loses no schedule.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass
from enum import StrEnum

from tenacity import RetryCallState, wait_random_exponential

#: Statuses that say "not now" rather than "no".
RETRYABLE_STATUSES = frozenset({408, 425, 429})
FIRST_WAIT_S = 2.0  # the first retry comes within two seconds...
MAX_WAIT_S = 15 * 60.0  # ...and no wait is longer than a quarter of an hour
MAX_RETRY_AFTER_S = 24 * 3600.0  # an agency asking for more than a day is capped too


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    PERMANENT = "permanent"  # to the dead letters, with the agency's message
    # The request may have reached an agency that cannot recognise a resend (Open311
    # has no idempotency key): never resent on its own, a technician decides.
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    wait_s: float = 0.0  # for RETRY: how long until the next attempt


def classify(status: int | None) -> Verdict:
    """The verdict for an HTTP status; ``None`` is no answer at all (no connection,
    a timeout, the connection dropped), which is always worth another try."""
    if status is None or status in RETRYABLE_STATUSES or status >= 500:
        return Verdict.RETRY
    if 200 <= status < 300:
        return Verdict.DELIVERED
    return Verdict.PERMANENT


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP date; ``None``
    when absent or unreadable (then only the backoff decides)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER_S)


def backoff_seconds(
    attempts: int, first_s: float = FIRST_WAIT_S, max_s: float = MAX_WAIT_S
) -> float:
    """A random wait before attempt ``attempts + 1``, between 0 and a ceiling that
    doubles with each failed attempt (full jitter), capped at ``max_s``."""
    state = RetryCallState(None, None, (), {})  # type: ignore[arg-type]
    state.attempt_number = max(1, attempts)
    wait = wait_random_exponential(multiplier=first_s, max=max_s)
    return float(wait(state))


def decide(
    status: int | None,
    attempts: int,
    now: dt.datetime,
    retry_after: str | None = None,
    uncertain: bool = False,
    verdict: Verdict | None = None,
    *,
    first_s: float = FIRST_WAIT_S,
    max_s: float = MAX_WAIT_S,
) -> Decision:
    """What to do after the ``attempts``-th failed or successful delivery attempt.
    ``uncertain``: no answer, and the agency may have stored it all the same;
    ``verdict``: the connector's reading of the answer, overriding the status's."""
    if uncertain and status is None:
        return Decision(Verdict.UNCERTAIN)
    verdict = verdict or classify(status)
    if verdict is not Verdict.RETRY:
        return Decision(verdict)
    wait = backoff_seconds(attempts, first_s, max_s)
    asked = retry_after_seconds(retry_after, now)
    return Decision(verdict, max(wait, asked) if asked is not None else wait)
