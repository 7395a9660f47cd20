"""The outbox worker: claims due submissions, hands each to its connector, records
the attempt and applies the retry policy. No Qt: the kiosk runs it on a worker
thread, and ``kiosk sync run`` (to come) without a screen.

Every state change is its own short transaction, so a crash at any moment
leaves each row in a state a restart understands:

* ``pending``: waiting for ``next_attempt_at``;
* ``sending``: claimed; if the worker died there, :meth:`OutboxWorker.recover`
  puts it back to ``pending`` (the agency dedupes on the idempotency key);
* ``delivered`` (with the agency's confirmation) or ``dead`` (refused: the
  agency's message waits for a technician).

On PostgreSQL the claim uses ``FOR UPDATE SKIP LOCKED``, so several stations
sharing one store never send the same row together; SQLite's write lock
(``BEGIN IMMEDIATE``) gives the same between processes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.submissions import stored_payload
from kiosk.sync.policy import Verdict, decide
from kiosk.sync.protocol import Answer, Connector, Delivery
from offline_cache.crypto import AnswerCipher
from offline_cache.models import DeliveryAttempt, OutboxEntry, Submission

log = logging.getLogger(__name__)
STALE_SENDING = dt.timedelta(minutes=5)  # a claim older than this was a worker that died
MESSAGE_LIMIT = 2000  # characters of an agency's message kept with an attempt


class OutboxWorker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: AnswerCipher,
        connector_for: Callable[[str], Connector | None],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._connector_for = connector_for  # service id -> its agency's connector
        self._clock = clock

    def run_once(self, limit: int = 50) -> dict[Verdict, int]:
        """Send what is due now (at most ``limit``); counts of what happened."""
        counts = dict.fromkeys(Verdict, 0)
        for outbox_id in self.claim(limit):
            counts[self.deliver(outbox_id)] += 1
        return counts

    def claim(self, limit: int) -> list[int]:
        now = self._clock()
        with self._sessions.begin() as session:
            rows = session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.state == "pending", OutboxEntry.next_attempt_at <= now)
                .order_by(OutboxEntry.next_attempt_at, OutboxEntry.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                row.state, row.claimed_at = "sending", now
            return [row.id for row in rows]

    def deliver(self, outbox_id: int) -> Verdict:
        """One attempt for a claimed row; the outcome is stored before this returns."""
        with self._sessions() as session:
            entry = session.get(OutboxEntry, outbox_id)
            submission = session.get(Submission, entry.submission_id) if entry else None
            if entry is None or submission is None:
                return Verdict.PERMANENT
            delivery = Delivery(
                submission.id,
                submission.reference,
                submission.form_id,
                submission.form_version,
                submission.service_id,
                submission.language,
                submission.station_id,
                submission.created_at,
                stored_payload(submission, self._cipher),
            )
            attempts = entry.attempts + 1
        connector = self._connector_for(delivery.service_id)
        if connector is None:
            answer = Answer(None, "no connector is configured for this service")
        else:
            try:
                answer = connector.send(delivery)
            except Exception as exc:  # a connector bug must not stop the queue
                log.exception("connector failed for %s", delivery.reference)
                answer = Answer(None, f"connector error: {type(exc).__name__}")
        return self._record(outbox_id, attempts, answer)

    def recover(self) -> int:
        """Claims left by a worker that died mid-send go back to the queue."""
        stale = self._clock() - STALE_SENDING
        with self._sessions.begin() as session:
            rows = session.scalars(
                select(OutboxEntry).where(
                    OutboxEntry.state == "sending", OutboxEntry.claimed_at < stale
                )
            ).all()
            for row in rows:
                row.state, row.claimed_at = "pending", None
            return len(rows)

    def _record(self, outbox_id: int, attempts: int, answer: Answer) -> Verdict:
        now = self._clock()
        decision = decide(
            answer.status, attempts, now, answer.retry_after, answer.uncertain, answer.verdict
        )
        message = (answer.message or "")[:MESSAGE_LIMIT] or None
        with self._sessions.begin() as session:
            entry = session.get(OutboxEntry, outbox_id)
            assert entry is not None
            session.add(
                DeliveryAttempt(
                    outbox_id=outbox_id,
                    attempted_at=now,
                    verdict=decision.verdict.value,
                    status=answer.status,
                    message=message,
                )
            )
            entry.attempts, entry.claimed_at = attempts, None
            if decision.verdict is Verdict.DELIVERED:
                entry.state, entry.delivered_at = "delivered", now
                entry.confirmation, entry.last_error = answer.confirmation, None
            elif decision.verdict is Verdict.RETRY:
                entry.state, entry.last_error = "pending", message
                entry.next_attempt_at = now + dt.timedelta(seconds=decision.wait_s)
            else:
                entry.state, entry.last_error = "dead", message
        log.info("outbox %s: %s (%s)", outbox_id, decision.verdict.value, answer.status)
        return decision.verdict
