"""The outbox worker: claims due submissions, hands each to its connector, records
the attempt and applies the retry policy. No Qt: the kiosk runs it on a worker
thread (:mod:`kiosk.sync.runner`), and ``kiosk sync run`` without a screen.

Every state change is its own short transaction, so a crash at any moment
leaves each row in a state a restart understands:

* ``pending``: waiting for ``next_attempt_at``;
* ``sending``: claimed by one worker (``claimed_by``); if that worker died,
  :meth:`OutboxWorker.recover` puts the row back to ``pending`` (the agency
  dedupes on the idempotency key) or, for an agency that cannot dedupe
  (Open311), to ``uncertain``;
* ``delivered`` (with the agency's confirmation, or a token to look it up
  with), ``dead`` (refused: the agency's message waits for a technician),
  ``uncertain`` (maybe received: a technician checks with the agency) or
  ``discarded`` (a technician gave up on it; audited).

A batch of claimed rows is sent by several threads at once (the agencies'
latency, not our CPU, is what a backlog waits on) and its outcomes are stored
in one transaction: a crash mid-batch leaves the rows ``sending``, which is
the same as a crash mid-request.

On PostgreSQL the claim uses ``FOR UPDATE SKIP LOCKED``, so several stations
sharing one store never send the same row together; SQLite's write lock
(``BEGIN IMMEDIATE``) gives the same between processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.sync.claims import owner_here, worker_name
from kiosk.sync.policy import FIRST_WAIT_S, MAX_WAIT_S, Decision, Verdict, decide
from kiosk.sync.protocol import Answer, Connector, Delivery, TokenResolver
from offline_cache.crypto import AnswerCipher
from offline_cache.models import DeliveryAttempt, OutboxEntry, Submission

log = logging.getLogger(__name__)
# A claim older than this was a worker that died: longer than two batches of
# BATCH_PER_SENDER requests each timing out (2 x 16 x ~13 s), so a live worker's
# queued batch is never taken from it.
STALE_SENDING = dt.timedelta(minutes=15)
BATCH_PER_SENDER = 16  # requests per sender per batch (see STALE_SENDING)
MESSAGE_LIMIT = 2000  # characters of an agency's message kept with an attempt


_Batch = list[tuple[int, int, "Future[Answer]"]]  # (outbox id, attempt number, its answer)


class OutboxWorker:
    """``senders``: how many requests are in flight at once within a batch."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: AnswerCipher,
        connector_for: Callable[[str], Connector | None],
        clock: Callable[[], dt.datetime],
        *,
        senders: int = 1,
        name: str | None = None,
        backoff: tuple[float, float] = (FIRST_WAIT_S, MAX_WAIT_S),
        services: Callable[[], set[str]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._connector_for = connector_for  # service id -> its agency's connector
        self._clock = clock
        self.name = name or worker_name()
        self._backoff = backoff  # (first, longest) wait in seconds between tries
        # The services this station can send (None: all). On a store shared with
        # other stations, rows it has no working connector for are left to them.
        self._services = services
        self._pool = ThreadPoolExecutor(senders, "outbox-send")
        # Rows claimed at once: enough to keep every sender busy while the last
        # batch is stored, few enough that a batch against an agency timing out
        # on every request still ends well within STALE_SENDING.
        self.batch = BATCH_PER_SENDER * senders
        # Whether the last batch got no answer at all from any agency (offline).
        self.unanswered = False

    def close(self) -> None:
        """Stop: requests on the wire finish; queued ones are dropped, and their rows
        (still claimed) are taken back by the next start (this process is gone)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def run_once(self, limit: int | None = None) -> dict[Verdict, int]:
        """Send one batch of what is due now (at most ``limit``); counts of what happened."""
        counts = dict.fromkeys(Verdict, 0)
        batch = self._start_batch(limit or self.batch)
        if batch is not None:
            self._finish_batch(batch, counts)
        return counts

    def drain(self, limit: int = 32, stop: Callable[[], bool] | None = None) -> dict[Verdict, int]:
        """Send everything due, batch after batch, until nothing is due (or ``stop()``).

        Pipelined: the next batch is claimed, read and handed to the senders
        before the previous one's outcomes are stored, so the agency always has
        requests in flight while the store is written (a backlog drains at the
        agency's pace, not at the agency's plus the store's)."""
        counts = dict.fromkeys(Verdict, 0)
        in_flight = None
        while stop is None or not stop():
            batch = self._start_batch(limit or self.batch)
            if in_flight is not None:
                self._finish_batch(in_flight, counts)
            in_flight = batch
            if batch is None:
                break
        if in_flight is not None:
            self._finish_batch(in_flight, counts)
        return counts

    def _start_batch(self, limit: int) -> _Batch | None:
        claimed = self.claim(limit)
        if not claimed:
            return None
        loaded = self._load(claimed)
        return [(i, n, self._pool.submit(self._send, d)) for i, n, d in loaded]

    def _finish_batch(self, batch: _Batch, counts: dict[Verdict, int]) -> None:
        results = [(i, n, future.result()) for i, n, future in batch]
        self.unanswered = bool(results) and all(
            a.status is None and a.verdict is None and not a.uncertain for _, _, a in results
        )
        for verdict in self._record(results):
            counts[verdict] += 1

    def claim(self, limit: int) -> list[int]:
        now = self._clock()
        with self._sessions.begin() as session:
            due = select(OutboxEntry).where(
                OutboxEntry.state == "pending", OutboxEntry.next_attempt_at <= now
            )
            if self._services is not None:
                sendable = select(Submission.id).where(
                    Submission.service_id.in_(sorted(self._services()))
                )
                due = due.where(OutboxEntry.submission_id.in_(sendable))
            rows = session.scalars(
                due.order_by(OutboxEntry.next_attempt_at, OutboxEntry.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                row.state, row.claimed_at, row.claimed_by = "sending", now, self.name
            return [row.id for row in rows]

    def _load(self, outbox_ids: list[int]) -> list[tuple[int, int, Delivery]]:
        """The claimed rows as deliveries (decrypted), in one read of plain columns
        (no ORM objects: a backlog reads thousands)."""
        with self._sessions() as session:
            rows = session.execute(
                select(
                    OutboxEntry.id,
                    OutboxEntry.attempts,
                    Submission.id,
                    Submission.reference,
                    Submission.form_id,
                    Submission.form_version,
                    Submission.service_id,
                    Submission.language,
                    Submission.station_id,
                    Submission.created_at,
                    Submission.payload,
                )
                .join(Submission, Submission.id == OutboxEntry.submission_id)
                .where(OutboxEntry.id.in_(outbox_ids))
                .order_by(OutboxEntry.id)
            ).all()
        return [
            (
                row[0],
                row[1] + 1,
                Delivery(*row[2:10], json.loads(self._cipher.decrypt(row[10]))),
            )
            for row in rows
        ]

    def _send(self, delivery: Delivery) -> Answer:
        connector = self._connector_for(delivery.service_id)
        if connector is None:
            # A setting to fix, not an agency that is offline: the row waits its backoff.
            return Answer(
                None, "not sent: no connector is configured for this service", verdict=Verdict.RETRY
            )
        try:
            answer = connector.send(delivery)
        except Exception as exc:  # a connector bug must not stop the queue
            log.exception("connector failed for %s", delivery.reference)
            # It may have failed after the request went out: only an agency that
            # recognises a resend may get one on its own.
            uncertain = not getattr(connector, "idempotent", True)
            return Answer(None, f"connector error: {type(exc).__name__}", uncertain=uncertain)
        return _scrubbed(answer, delivery)

    def recover(self) -> int:
        """Claims left by a worker that died mid-send go back to the queue: at once
        when that worker ran on this machine and its process is gone, after
        :data:`STALE_SENDING` when it ran elsewhere, never while it runs here.
        A row whose agency cannot recognise a resend (or whose connector this
        station cannot tell) becomes ``uncertain``: the request may have reached it."""
        now = self._clock()
        here = self.name.rsplit(":", 2)[0]
        with self._sessions.begin() as session:
            rows = session.execute(
                select(OutboxEntry, Submission.service_id)
                .join(Submission, Submission.id == OutboxEntry.submission_id)
                .where(OutboxEntry.state == "sending")
                .with_for_update(skip_locked=True, of=OutboxEntry)
            ).all()
            recovered = 0
            for row, service_id in rows:
                owner = owner_here(row.claimed_by, here)
                if owner == "alive":
                    continue
                stale = row.claimed_at is None or row.claimed_at < now - STALE_SENDING
                if owner != "dead" and not stale:
                    continue
                self._release(row, service_id, "the station stopped while sending")
                recovered += 1
            return recovered

    def release_own(self) -> int:
        """Rows this worker claimed and never recorded (the store failed under a
        batch): back to the queue, or uncertain where a resend is not safe."""
        with self._sessions.begin() as session:
            rows = session.execute(
                select(OutboxEntry, Submission.service_id)
                .join(Submission, Submission.id == OutboxEntry.submission_id)
                .where(OutboxEntry.state == "sending", OutboxEntry.claimed_by == self.name)
                .with_for_update(of=OutboxEntry)
            ).all()
            for row, service_id in rows:
                self._release(row, service_id, "the store failed while it was being sent")
            return len(rows)

    def _release(self, row: OutboxEntry, service_id: str, why: str) -> None:
        connector = self._connector_for(service_id)
        if connector is not None and getattr(connector, "idempotent", None) is True:
            row.state = "pending"
        else:
            row.state = "uncertain"
            row.last_error = (
                f"{why}; the agency may have it. Check with the agency before sending again"
            )
        row.claimed_at = row.claimed_by = None

    def resolve_tokens(self, limit: int = 20, budget_s: float = 20.0) -> int:
        """Ask the agency for the numbers it promised (Open311 tokens); how many came.
        Oldest first, and for at most ``budget_s``: a slow city must not hold up sending."""
        import time

        deadline = time.monotonic() + budget_s
        with self._sessions() as session:
            rows = session.execute(
                select(OutboxEntry.id, OutboxEntry.agency_token, Submission.service_id)
                .join(Submission, Submission.id == OutboxEntry.submission_id)
                .where(
                    OutboxEntry.state == "delivered",
                    OutboxEntry.agency_token.is_not(None),
                    OutboxEntry.confirmation.is_(None),
                )
                .order_by(OutboxEntry.delivered_at, OutboxEntry.id)
                .limit(limit)
            ).all()
        found = 0
        for outbox_id, token, service_id in rows:
            if time.monotonic() > deadline:
                break
            connector = self._connector_for(service_id)
            if not isinstance(connector, TokenResolver) or token is None:
                continue
            try:
                answer = connector.resolve(token)
            except Exception:
                log.exception("token lookup failed for outbox %s", outbox_id)
                continue
            if answer.confirmation:
                with self._sessions.begin() as session:
                    entry = session.get(OutboxEntry, outbox_id)
                    if entry is not None:
                        entry.confirmation = answer.confirmation[:128]
                found += 1
        return found

    def _record(self, results: Iterable[tuple[int, int, Answer]]) -> list[Verdict]:
        """Store every outcome of a batch in one transaction: one read of the rows'
        states, one bulk update by primary key, one multi-row insert of the attempts."""
        now = self._clock()
        results = list(results)
        verdicts, changes, attempts = [], [], []
        with self._sessions.begin() as session:
            ids = [outbox_id for outbox_id, _, _ in results]
            mine = set(
                session.scalars(
                    select(OutboxEntry.id)
                    .where(
                        OutboxEntry.id.in_(ids),
                        OutboxEntry.state == "sending",
                        OutboxEntry.claimed_by == self.name,
                    )
                    .with_for_update()  # no recovery or technician in between
                )
            )
            for outbox_id, tries, answer in results:
                decision, message = self._decide(now, tries, answer)
                verdicts.append(decision.verdict)
                attempts.append(
                    {
                        "outbox_id": outbox_id,
                        "attempted_at": now,
                        "verdict": decision.verdict.value,
                        "status": answer.status,
                        "message": message,
                    }
                )
                if outbox_id in mine:
                    changes.append(_change(outbox_id, tries, now, decision, message, answer))
                else:
                    # Taken back by recover() after a very long send, or changed by a
                    # technician meanwhile: their decision stands; the attempt is kept.
                    log.warning("an outbox row changed while it was being sent; attempt kept")
            if changes:
                session.execute(update(OutboxEntry), changes)
            session.execute(insert(DeliveryAttempt), attempts)
        log.debug("recorded %d attempts: %s", len(verdicts), verdicts)
        return verdicts

    def _decide(
        self, now: dt.datetime, attempts: int, answer: Answer
    ) -> tuple[Decision, str | None]:
        decision = decide(
            answer.status,
            attempts,
            now,
            answer.retry_after,
            answer.uncertain,
            answer.verdict,
            first_s=self._backoff[0],
            max_s=self._backoff[1],
        )
        return decision, (answer.message or "")[:MESSAGE_LIMIT] or None


#: The state an outbox row goes to after each verdict.
NEXT_STATE = {
    Verdict.DELIVERED: "delivered",
    Verdict.RETRY: "pending",
    Verdict.PERMANENT: "dead",  # a dead letter, with the agency's message
    Verdict.UNCERTAIN: "uncertain",  # maybe received: a technician asks the agency
}


def _change(
    outbox_id: int,
    attempts: int,
    now: dt.datetime,
    decision: Decision,
    message: str | None,
    answer: Answer,
) -> dict[str, object]:
    """One row's new values; every row of a batch sets the same columns, so the
    whole batch is one executemany. A row being sent was never delivered, so
    the delivery columns are only ever set here, never cleared by mistake."""
    delivered = decision.verdict is Verdict.DELIVERED
    wait = dt.timedelta(seconds=decision.wait_s)
    return {
        "id": outbox_id,
        "state": NEXT_STATE[decision.verdict],
        "attempts": attempts,
        "claimed_at": None,
        "claimed_by": None,
        "next_attempt_at": now + wait if decision.verdict is Verdict.RETRY else now,
        "last_error": None if delivered else message,
        "delivered_at": now if delivered else None,
        "closed_at": now if delivered else None,
        "confirmation": answer.confirmation[:128] if delivered and answer.confirmation else None,
        "agency_token": answer.token[:128] if delivered and answer.token else None,
    }


def _scrubbed(answer: Answer, delivery: Delivery) -> Answer:
    """The agency's message with the citizen's own values taken out: agencies often
    repeat what they refused ("email x@y is invalid"), and the message is kept in
    the clear, shown to the technician and printed by ``kiosk sync``."""
    message = answer.message
    if not message:
        return answer
    values = [str(v) for v in _leaves(delivery.payload) if len(str(v)) >= 3]
    for value in sorted(values, key=len, reverse=True):  # whole values, not inside words
        message = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", "[answer]", message)
    return answer if message == answer.message else dataclasses.replace(answer, message=message)


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [] if value is None or isinstance(value, bool) else [value]
