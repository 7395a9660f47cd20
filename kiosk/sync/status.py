"""Where the outbox stands, for ``kiosk sync status`` and (next) the technician screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from offline_cache.models import OutboxEntry, Submission

STATES = ("pending", "sending", "delivered", "uncertain", "dead", "discarded")


@dataclass(frozen=True)
class DeadLetter:
    """A submission a technician must look at: refused (dead) or maybe received (uncertain)."""

    state: str
    reference: str
    service_id: str
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]
    oldest_waiting: dt.datetime | None  # when the longest-waiting undelivered form was stored
    dead: list[DeadLetter]


def state_counts(session: Session, states: tuple[str, ...] = STATES) -> dict[str, int]:
    """How many outbox rows are in each of ``states`` (zero for none)."""
    rows = session.execute(
        select(OutboxEntry.state, func.count())
        .where(OutboxEntry.state.in_(states))
        .group_by(OutboxEntry.state)
    ).all()
    return dict.fromkeys(states, 0) | {state: int(n) for state, n in rows}


def outbox_status(sessions: sessionmaker[Session]) -> OutboxStatus:
    with sessions() as session:
        counts = state_counts(session)
        oldest = session.scalar(
            select(func.min(OutboxEntry.created_at)).where(
                OutboxEntry.state.in_(("pending", "sending"))
            )
        )
        dead = session.execute(
            select(Submission.reference, Submission.service_id, OutboxEntry)
            .join(OutboxEntry, OutboxEntry.submission_id == Submission.id)
            .where(OutboxEntry.state.in_(("dead", "uncertain")))
            .order_by(OutboxEntry.created_at)
        ).all()
    letters = [
        DeadLetter(e.state, ref, service, e.attempts, e.last_error) for ref, service, e in dead
    ]
    if oldest is not None and oldest.tzinfo is None:  # func.min bypasses the column type
        oldest = oldest.replace(tzinfo=dt.UTC)
    return OutboxStatus(counts, oldest, letters)
