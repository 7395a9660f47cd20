"""What a technician does with a submission the worker could not settle, and the purge.

Each action is one transaction that changes the outbox row and writes a
:class:`~offline_cache.models.SyncAudit` line (who, where, when, why), so the
center can always answer "what happened to my application?":

* **retry**: a dead letter (after fixing what the agency complained about) or
  an uncertain one (after checking the agency does not have it) is sent again;
* **discard**: give up; the row stays, closed, until the purge;
* **confirm**: the technician checked that the agency has it (an uncertain
  Open311 report): delivered, with the agency's number if they have it.

The purge deletes submissions (answers and all) a number of days after they
were closed (delivered or discarded), and never one that is still waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from offline_cache.models import DeliveryAttempt, OutboxEntry, Submission, SyncAudit

#: What each action may be applied to.
ALLOWED = {
    "retry": ("dead", "uncertain", "pending"),
    "discard": ("dead", "uncertain", "pending"),
    "confirm": ("uncertain", "dead"),
}
#: States a technician is asked to look at, with what is waiting.
LISTED = ("pending", "sending", "uncertain", "dead")


class ActionError(Exception):
    """The action cannot be done (unknown reference, wrong state); the message says why."""


@dataclass(frozen=True)
class Waiting:
    """One undelivered submission, as the technician's list shows it (no answers)."""

    reference: str
    service_id: str
    state: str
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    last_error: str | None
    last_status: int | None


class SyncActions:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        station_id: str,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._sessions = sessions
        self._station_id = station_id
        self._clock = clock

    def waiting(self, limit: int | None = 200) -> list[Waiting]:
        """Undelivered submissions: those needing a person first, then oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(Submission.reference, Submission.service_id, OutboxEntry)
                .join(OutboxEntry, OutboxEntry.submission_id == Submission.id)
                .where(OutboxEntry.state.in_(LISTED))
                .order_by(
                    OutboxEntry.state.in_(("pending", "sending")),
                    OutboxEntry.created_at,
                )
                .limit(limit)
            ).all()
            last_status = _last_statuses(session, [e.id for _, _, e in rows])
        return [
            Waiting(
                ref,
                service,
                entry.state,
                entry.attempts,
                entry.created_at,
                entry.next_attempt_at,
                entry.last_error,
                last_status.get(entry.id),
            )
            for ref, service, entry in rows
        ]

    def retry(self, reference: str, actor: str, note: str | None = None) -> None:
        """Send it again at the next round (the worker is woken by the caller)."""

        def apply(entry: OutboxEntry, now: dt.datetime) -> None:
            entry.state, entry.next_attempt_at = "pending", now

        self._act("retry", reference, actor, note, apply)

    def discard(self, reference: str, actor: str, note: str) -> None:
        """Stop trying. ``note`` (why) is required: the citizen may ask later."""
        if not note.strip():
            raise ActionError("say why the submission is discarded (it is kept in the audit)")

        def apply(entry: OutboxEntry, now: dt.datetime) -> None:
            entry.state, entry.closed_at = "discarded", now

        self._act("discard", reference, actor, note, apply)

    def confirm(
        self, reference: str, actor: str, confirmation: str | None, note: str | None = None
    ) -> None:
        """The agency has it (checked by the technician): delivered."""

        def apply(entry: OutboxEntry, now: dt.datetime) -> None:
            entry.state, entry.delivered_at, entry.closed_at = "delivered", now, now
            entry.confirmation = (confirmation or "").strip()[:128] or None
            entry.last_error = None

        number = (confirmation or "").strip()
        if number:  # the audit outlives the outbox row: keep the agency's number there too
            note = f"agency's number: {number}" + (f"; {note}" if note else "")
        self._act("confirm", reference, actor, note, apply)

    def _act(
        self,
        action: str,
        reference: str,
        actor: str,
        note: str | None,
        apply: Callable[[OutboxEntry, dt.datetime], None],
    ) -> None:
        now = self._clock()
        reference = reference.strip().upper()
        with self._sessions.begin() as session:
            found = session.execute(
                select(Submission.id, OutboxEntry)
                .join(OutboxEntry, OutboxEntry.submission_id == Submission.id)
                .where(Submission.reference == reference)
                .with_for_update()
            ).first()
            if found is None:
                raise ActionError(f"no submission with the reference {reference}")
            submission_id, entry = found
            if entry.state not in ALLOWED[action]:
                *most, last = ALLOWED[action]
                raise ActionError(
                    f"{reference} is {entry.state}; {action} applies to "
                    f"{', '.join(most)} or {last} submissions"
                )
            apply(entry, now)
            session.add(
                SyncAudit(
                    at=now,
                    submission_id=submission_id,
                    reference=reference,
                    action=action,
                    station_id=self._station_id,
                    actor=actor[:64],
                    note=(note or "").strip()[:2000] or None,
                )
            )

    def purge(self, retention_days: int) -> int:
        """Delete closed submissions older than the retention period; how many went.
        A submission still waiting, dead or uncertain is never purged."""
        total = 0
        while batch := self._purge_batch(retention_days):
            total += batch
        return total

    def _purge_batch(self, retention_days: int) -> int:
        now = self._clock()
        cutoff = now - dt.timedelta(days=retention_days)
        with self._sessions.begin() as session:
            rows = session.execute(
                select(Submission.id, Submission.reference)
                .join(OutboxEntry, OutboxEntry.submission_id == Submission.id)
                .where(
                    OutboxEntry.state.in_(("delivered", "discarded")),
                    OutboxEntry.closed_at.is_not(None),
                    OutboxEntry.closed_at < cutoff,
                )
                .limit(500)
            ).all()
            if not rows:
                return 0
            ids = [submission_id for submission_id, _ in rows]
            for submission_id, reference in rows:
                session.add(
                    SyncAudit(
                        at=now,
                        submission_id=submission_id,
                        reference=reference,
                        action="purge",
                        station_id=self._station_id,
                        actor="retention",
                        note=f"closed more than {retention_days} days ago",
                    )
                )
            # Children first: SQLite enforces the keys but the ORM bulk delete
            # does not cascade by itself.
            outbox_ids = select(OutboxEntry.id).where(OutboxEntry.submission_id.in_(ids))
            session.execute(
                delete(DeliveryAttempt).where(DeliveryAttempt.outbox_id.in_(outbox_ids))
            )
            session.execute(delete(OutboxEntry).where(OutboxEntry.submission_id.in_(ids)))
            session.execute(delete(Submission).where(Submission.id.in_(ids)))
        return len(rows)


def _last_statuses(session: Session, outbox_ids: list[int]) -> dict[int, int | None]:
    if not outbox_ids:
        return {}
    latest = (
        select(DeliveryAttempt.outbox_id, DeliveryAttempt.status)
        .where(DeliveryAttempt.outbox_id.in_(outbox_ids))
        .order_by(DeliveryAttempt.outbox_id, DeliveryAttempt.id)
    )
    found: dict[int, int | None] = {}
    for outbox_id, status in session.execute(latest):
        found[outbox_id] = status  # the last one per row wins
    return found
