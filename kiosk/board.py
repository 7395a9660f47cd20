"""What the waiting-room board shows: the newest calls, and waits per service.

The board reads; it never writes. It asks for the calls after the last one it
has seen (an indexed look-up by id, cheap enough to run several times a
second), so a call made at any counter of the center is on every board
within the poll interval. Reads use read-only sessions: on SQLite they never
wait for the write lock a kiosk or a counter holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.content import ContentPack
from kiosk.queue import QueueService
from offline_cache.models import Call, Ticket, TicketState

RECENT_CALLS = 8


@dataclass(frozen=True)
class BoardCall:
    id: int
    ticket_id: str
    at: dt.datetime
    label: str
    counter: str
    service_id: str
    recall: int  # 0 for the first call


@dataclass(frozen=True)
class ServiceWait:
    service_id: str
    waiting: int
    estimated_minutes: int


class BoardFeed:
    def __init__(
        self, read_sessions: sessionmaker[Session], pack: ContentPack, queue: QueueService
    ) -> None:
        self._sessions = read_sessions
        self._pack = pack
        self._queue = queue

    def recent(self, limit: int = RECENT_CALLS) -> list[BoardCall]:
        """Today's newest calls, newest first, each ticket once (at its latest call):
        what a board shows when it starts."""
        start = self._day_start()
        with self._sessions() as session:
            rows = session.scalars(
                select(Call).where(Call.at >= start).order_by(Call.id.desc()).limit(limit * 4)
            ).all()
        latest: dict[str, BoardCall] = {}
        for c in rows:
            latest.setdefault(c.ticket_id, _call(c))
        return list(latest.values())[:limit]

    def last_call_id(self) -> int:
        """The newest call's id (0 before the first): where a starting board begins."""
        with self._sessions() as session:
            return int(session.scalar(select(func.max(Call.id))) or 0)

    def calls_after(self, last_id: int) -> list[BoardCall]:
        """Calls made since the call ``last_id``, oldest first (the order to announce)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(Call).where(Call.id > last_id).order_by(Call.id).limit(50)
            ).all()
            return [_call(c) for c in rows]

    def waits(self) -> list[ServiceWait]:
        """For every service, in pack order: people waiting now and the estimated wait
        of someone taking a ticket now."""
        now = self._queue.clock()
        day = self._queue.business_date(now)
        with self._sessions() as session:
            counts = dict(
                session.execute(
                    select(Ticket.queue_service_id, func.count())
                    .where(Ticket.business_date == day, Ticket.state == TicketState.WAITING)
                    .group_by(Ticket.queue_service_id)
                ).all()
            )
            return [
                ServiceWait(
                    s.id,
                    int(counts.get(s.id, 0)),
                    self._queue.estimate(session, s.id, int(counts.get(s.id, 0)), now),
                )
                for s in self._pack.services
            ]

    def _day_start(self) -> dt.datetime:
        now = self._queue.clock()
        local = now.astimezone(self._queue.tz)
        return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def _call(c: Call) -> BoardCall:
    return BoardCall(c.id, c.ticket_id, c.at, c.label, c.counter, c.service_id, c.recall)
