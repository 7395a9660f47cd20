"""The queue core: issuing numbers, ticket states, people ahead and waits.

No Qt here: the kiosk screen, the CLI and the tests drive the same object.
Numbers are ``<prefix><NNN>`` per service per business day (local midnight
in the station's time zone). A number comes from an atomic increment of the
service's daily counter row inside the same transaction that stores the
ticket, so two kiosks (two processes, or two machines on PostgreSQL) can
never hand out the same number, and a failed transaction never skips one.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from kiosk.content import ContentPack
from kiosk.waits import estimate_wait_minutes
from offline_cache.models import CounterSession, Ticket, TicketCounter, TicketEvent, TicketState

Clock = Callable[[], dt.datetime]
RECENT_SERVICE_SAMPLES = 20
RECENT_SERVICE_DAYS = 14
OPEN_COUNTER_WINDOW = dt.timedelta(minutes=30)

# Which state may follow which. Terminal states have no successors.
# A transfer sends a ticket back to WAITING in another queue (its place kept);
# a parked ticket is called back to its counter (PARKED -> CALLED).
TRANSITIONS: dict[TicketState, frozenset[TicketState]] = {
    TicketState.WAITING: frozenset({TicketState.CALLED, TicketState.CANCELLED}),
    TicketState.CALLED: frozenset(
        {
            TicketState.SERVING,
            TicketState.DONE,
            TicketState.NO_SHOW,
            TicketState.WAITING,
            TicketState.CANCELLED,
            TicketState.PARKED,
        }
    ),
    TicketState.SERVING: frozenset({TicketState.DONE, TicketState.WAITING, TicketState.PARKED}),
    TicketState.PARKED: frozenset({TicketState.CALLED, TicketState.WAITING, TicketState.CANCELLED}),
    TicketState.DONE: frozenset(),
    TicketState.NO_SHOW: frozenset(),
    TicketState.CANCELLED: frozenset(),
    TicketState.TRANSFERRED: frozenset(),
}
FINISHED = {TicketState.DONE, TicketState.NO_SHOW, TicketState.CANCELLED, TicketState.TRANSFERRED}


class QueueError(Exception):
    """A queue operation a person asked for cannot be done; the message says why."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class IssuedTicket:
    id: str
    label: str
    service_id: str
    number: int
    business_date: dt.date
    priority: bool
    language: str
    issued_at: dt.datetime
    people_ahead: int
    estimated_wait_minutes: int


class QueueService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        pack: ContentPack,
        station_id: str,
        tz: ZoneInfo | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._sessions = sessions
        self._pack = pack
        self._station_id = station_id
        self._tz = tz
        self._clock = clock

    @property
    def tz(self) -> ZoneInfo | None:
        return self._tz

    def clock(self) -> dt.datetime:
        """Now, by the clock the queue stamps tickets with."""
        return self._clock()

    def business_date(self, at: dt.datetime) -> dt.date:
        """The local calendar day ``at`` belongs to; numbering restarts with each."""
        return at.astimezone(self._tz).date()

    def issue(
        self,
        service_id: str,
        language: str,
        priority: bool = False,
        appointment_at: dt.datetime | None = None,
    ) -> IssuedTicket:
        """Issue the next number of ``service_id`` and store the ticket, atomically."""
        with self._sessions.begin() as session:
            return self.issue_in(session, service_id, language, priority, appointment_at)

    def issue_in(
        self,
        session: Session,
        service_id: str,
        language: str,
        priority: bool = False,
        appointment_at: dt.datetime | None = None,
    ) -> IssuedTicket:
        """:meth:`issue` inside the caller's transaction, so what belongs with the
        ticket (its print job) commits with it or not at all."""
        try:
            service = self._pack.service(service_id)
        except KeyError:
            raise QueueError(
                f"no service {service_id!r} in content pack {self._pack.pack.id}"
            ) from None
        day = self.business_date(self._clock())
        pace = self._pace(session, service_id, self._clock())
        number = _next_number(session, service_id, day)
        # The time is read once the number is ours: tickets of one service then
        # arrive in number order, which is the order counters call them in.
        now = self._clock()
        ticket = Ticket(
            id=str(uuid.uuid4()),
            service_id=service_id,
            business_date=day,
            number=number,
            label=f"{service.prefix}{number:03d}",
            state=TicketState.WAITING,
            priority=priority,
            language=language,
            station_id=self._station_id,
            issued_at=now,
            queue_service_id=service_id,
            appointment_at=appointment_at,
            recalls=0,
            transfers=0,
        )
        session.add(ticket)
        session.add(
            TicketEvent(
                ticket=ticket,
                state=TicketState.WAITING,
                at=now,
                station_id=self._station_id,
                action="issue",
                service_id=service_id,
            )
        )
        session.flush()
        ahead = self._people_ahead(session, ticket)
        wait = pace(ahead)
        return IssuedTicket(
            id=ticket.id,
            label=ticket.label,
            service_id=service_id,
            number=number,
            business_date=day,
            priority=priority,
            language=language,
            issued_at=now,
            people_ahead=ahead,
            estimated_wait_minutes=wait,
        )

    def transition(self, ticket_id: str, new: TicketState, counter: str | None = None) -> None:
        """Move a ticket to ``new`` and record when; refuse moves the queue does not allow."""
        now = self._clock()
        with self._sessions.begin() as session:
            ticket = session.get(Ticket, ticket_id, with_for_update=True)
            if ticket is None:
                raise QueueError(f"no ticket with id {ticket_id}")
            current = TicketState(ticket.state)
            if new not in TRANSITIONS[current]:
                raise QueueError(
                    f"ticket {ticket.label} is {current.value}; it cannot become {new.value}"
                )
            ticket.state = new
            if counter is not None:
                ticket.counter = counter
            if new is TicketState.CALLED:
                ticket.called_at = now
            elif new is TicketState.SERVING:
                ticket.serving_at = now
            elif new in FINISHED:
                ticket.finished_at = now
            session.add(
                TicketEvent(
                    ticket=ticket,
                    state=new,
                    at=now,
                    station_id=self._station_id,
                    counter=counter,
                )
            )

    def position(self, ticket_id: str) -> tuple[int, int]:
        """(people ahead, estimated wait in minutes) for a waiting ticket, right now."""
        now = self._clock()
        with self._sessions() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise QueueError(f"no ticket with id {ticket_id}")
            ahead = self._people_ahead(session, ticket)
            return ahead, self.estimate(session, ticket.service_id, ahead, now)

    def _people_ahead(self, session: Session, ticket: Ticket) -> int:
        """Waiting tickets a counter will call before this one (the same order as
        :func:`kiosk.calling.pick_next`: appointments due and priority first, as the
        service says, then arrival)."""
        from kiosk.calling import ahead_of

        return int(session.scalar(ahead_of(self._pack, ticket, self._clock())) or 0)

    def estimate(self, session: Session, service_id: str, ahead: int, now: dt.datetime) -> int:
        """Minutes a visitor with ``ahead`` people before them should expect to wait."""
        return self._pace(session, service_id, now)(ahead)

    def _pace(self, session: Session, service_id: str, now: dt.datetime) -> Callable[[int], int]:
        """The service's recent pace (service times, counters open), as a function
        from people ahead to minutes: read before a number is taken, so the
        service's numbering lock is not held while it is read."""
        recent = session.execute(
            select(Ticket.called_at, Ticket.finished_at)
            .where(
                Ticket.queue_service_id == service_id,
                Ticket.state == TicketState.DONE,
                Ticket.called_at.is_not(None),
                Ticket.finished_at >= now - dt.timedelta(days=RECENT_SERVICE_DAYS),
            )
            .order_by(Ticket.finished_at.desc())
            .limit(RECENT_SERVICE_SAMPLES)
        ).all()
        minutes = [
            (finished - called).total_seconds() / 60
            for called, finished in recent
            if called and finished
        ]
        counters = self._open_counters(session, service_id, now)
        default = self._pack.service(service_id).average_service_minutes
        return lambda ahead: estimate_wait_minutes(ahead, minutes, default, int(counters or 0))

    def _open_counters(self, session: Session, service_id: str, now: dt.datetime) -> int:
        """Counters serving ``service_id`` now: the signed-in counter sessions that
        handle it; where no counter signs in (an older store, a kiosk alone), the
        counters that called one of its tickets in the last half hour."""
        open_sessions = session.scalars(
            select(CounterSession.services).where(CounterSession.ended_at.is_(None))
        ).all()
        if open_sessions:
            return sum(1 for services in open_sessions if service_id in json.loads(services))
        called = select(func.count(func.distinct(Ticket.counter))).where(
            Ticket.queue_service_id == service_id,
            Ticket.counter.is_not(None),
            Ticket.called_at >= now - OPEN_COUNTER_WINDOW,
        )
        return int(session.scalar(called) or 0)


def _next_number(session: Session, service_id: str, day: dt.date) -> int:
    """Atomically take the next number of ``service_id`` on ``day``.

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite, whose
    transactions begin IMMEDIATE); the first ticket of the day creates the row
    with INSERT .. ON CONFLICT DO NOTHING so two first tickets cannot both be 1.
    """
    bump = (
        update(TicketCounter)
        .where(TicketCounter.service_id == service_id, TicketCounter.business_date == day)
        .values(last_number=TicketCounter.last_number + 1)
        .returning(TicketCounter.last_number)
    )
    number = session.execute(bump).scalar_one_or_none()
    if number is not None:
        return int(number)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    created = session.execute(
        insert(TicketCounter)
        .values(service_id=service_id, business_date=day, last_number=1)
        .on_conflict_do_nothing()
        .returning(TicketCounter.last_number)
    ).scalar_one_or_none()
    if created is not None:
        return 1
    return int(session.execute(bump).scalar_one())
