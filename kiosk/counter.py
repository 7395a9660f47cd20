"""The counter desk: what a signed-in clerk does to the queue, each step audited.

One :class:`CounterDesk` per signed-in clerk at one counter. Every action is
one store transaction that locks the ticket it changes, writes the ticket's
event, the board's call (for calls and recalls) and the staff audit line
together, so the board, the reports and the audit never disagree with the
queue. A clerk has at most one ticket at the counter (called or being
served); parked tickets wait aside until resumed.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.calling import (
    APPOINTMENT_EARLY,
    at_counter,
    call_next_params,
    call_next_statement,
    pick_next,
    queue_for,
)
from kiosk.content import ContentPack
from kiosk.desk_ticket import DeskTicket, RecallOutcome, state_words
from kiosk.queue import FINISHED, TRANSITIONS, QueueError
from kiosk.staff import StaffMember, audit
from offline_cache.models import Call, CounterSession, Ticket, TicketEvent, TicketState


class CounterError(QueueError):
    """A counter action that cannot be done now; the message tells the clerk why."""


class CounterDesk:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        pack: ContentPack,
        *,
        station_id: str,
        counter: str,
        staff: StaffMember,
        services: Sequence[str],
        clock: Callable[[], dt.datetime],
        tz: ZoneInfo | None = None,
        max_recalls: int = 2,
    ) -> None:
        unknown = [s for s in services if s not in {x.id for x in pack.services}]
        if unknown or not services:
            raise CounterError(f"choose the services this counter handles (unknown: {unknown})")
        self._sessions = sessions
        self.pack = pack
        self.station_id = station_id
        self.counter = counter
        self.staff = staff
        self.services = tuple(services)
        self._clock = clock
        self._tz = tz
        self.max_recalls = max_recalls
        self.session_id: str | None = None
        self._call_next: Select[Any] | None = None  # PostgreSQL's, built on first use

    # --- sign in / out -------------------------------------------------------
    def open(self) -> None:
        """Start this clerk's session at the counter; one left open here before
        (a crash, another clerk who did not sign out) is closed first."""
        now = self._clock()
        self.session_id = str(uuid.uuid4())
        with self._sessions.begin() as session:
            session.execute(
                update(CounterSession)
                .where(CounterSession.counter == self.counter, CounterSession.ended_at.is_(None))
                .values(ended_at=now)
            )
            session.add(
                CounterSession(
                    id=self.session_id,
                    staff_id=self.staff.id,
                    counter=self.counter,
                    station_id=self.station_id,
                    services=json.dumps(list(self.services)),
                    started_at=now,
                )
            )
            self._audit(session, now, "counter_open", detail=",".join(self.services))

    def close(self) -> None:
        """Sign out: the session ends; a ticket still at the counter stays there."""
        if self.session_id is None:
            return
        now = self._clock()
        with self._sessions.begin() as session:
            session.execute(
                update(CounterSession)
                .where(CounterSession.id == self.session_id)
                .values(ended_at=now)
            )
            self._audit(session, now, "sign_out")
        self.session_id = None

    # --- looking ---------------------------------------------------------------
    def today(self) -> dt.date:
        return self._clock().astimezone(self._tz).date()

    def current(self) -> DeskTicket | None:
        """The ticket at this counter now (called or being served), if any."""
        with self._sessions() as session:
            ticket = self._active(session, lock=False)
            return DeskTicket.of(ticket) if ticket else None

    def waiting(self) -> list[DeskTicket]:
        """Tickets this counter may call, in the order "call next" takes them."""
        due_by = self._clock() + APPOINTMENT_EARLY
        query = queue_for(self.pack, self.today(), self.services, self.counter, due_by)
        with self._sessions() as session:
            return [DeskTicket.of(t) for t in session.scalars(query).all()]

    def parked(self) -> list[DeskTicket]:
        """Tickets this counter set aside today, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(Ticket)
                .where(
                    Ticket.business_date == self.today(),
                    Ticket.state == TicketState.PARKED,
                    Ticket.counter == self.counter,
                )
                .order_by(Ticket.issued_at)
            ).all()
            return [DeskTicket.of(t) for t in rows]

    # --- actions ---------------------------------------------------------------
    def call_next(self) -> DeskTicket | None:
        """Call the next ticket (None: nobody is waiting for this counter)."""
        with self._action() as (session, now):
            if session.get_bind().dialect.name == "postgresql":
                row = self._call_next_in_one_statement(now)
                if row is None:
                    self._refuse_if_busy(session)
                return None if row is None else DeskTicket.of(row)
            self._refuse_if_busy(session)
            ticket = pick_next(session, self.pack, self.today(), self.services, self.counter, now)
            if ticket is None:
                return None
            self._call(session, ticket, now, "call")
            return DeskTicket.of(ticket)

    def _call_next_in_one_statement(self, now: dt.datetime) -> Row[Any] | None:
        """PostgreSQL: the whole call as one statement, atomic by itself, so it runs
        without BEGIN and COMMIT (two round trips fewer for a clerk waiting)."""
        if self._call_next is None:
            self._call_next = call_next_statement(
                self.pack,
                services=self.services,
                counter=self.counter,
                station_id=self.station_id,
                staff_id=self.staff.id,
            )
        with self._sessions() as session:
            conn = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            return conn.execute(self._call_next, call_next_params(self.today(), now)).first()

    def call(self, label_or_id: str) -> DeskTicket:
        """Call one waiting ticket by its number (``A023``) or its QR code (the id)."""
        key = label_or_id.strip().upper()
        with self._action() as (session, now):
            self._refuse_if_busy(session)
            ticket = session.scalars(
                select(Ticket)
                .where(
                    Ticket.business_date == self.today(),
                    or_(Ticket.label == key, Ticket.id == label_or_id.strip()),
                )
                .with_for_update()
            ).first()
            if ticket is None:
                raise CounterError(f"No ticket {key} today. Check the number on the ticket.")
            if ticket.state != TicketState.WAITING:
                raise CounterError(f"Ticket {ticket.label} is not waiting: {state_words(ticket)}.")
            self._call(session, ticket, now, "call")
            return DeskTicket.of(ticket)

    def recall(self) -> RecallOutcome:
        """Announce the called ticket again; past ``max_recalls`` it is a no-show."""
        with self._action() as (session, now):
            ticket = self._need_active(session, TicketState.CALLED)
            if ticket.recalls >= self.max_recalls:
                self._move(session, ticket, TicketState.NO_SHOW, now, "no_show")
                ticket.counter = self.counter
                self._audit(session, now, "no_show", ticket, detail="recalls ran out")
                return RecallOutcome(DeskTicket.of(ticket), no_show=True)
            ticket.recalls += 1
            self._call(session, ticket, now, "recall")
            return RecallOutcome(DeskTicket.of(ticket), no_show=False)

    def no_show(self) -> DeskTicket:
        with self._action() as (session, now):
            ticket = self._need_active(session, TicketState.CALLED)
            self._move(session, ticket, TicketState.NO_SHOW, now, "no_show")
            self._audit(session, now, "no_show", ticket)
            return DeskTicket.of(ticket)

    def start_serving(self) -> DeskTicket:
        with self._action() as (session, now):
            ticket = self._need_active(session, TicketState.CALLED)
            self._move(session, ticket, TicketState.SERVING, now, "serve")
            self._audit(session, now, "serve", ticket)
            return DeskTicket.of(ticket)

    def complete(self, outcome: str) -> DeskTicket:
        """Finish the visit with what was done (``outcome``: a short word or phrase)."""
        outcome = outcome.strip()
        if not outcome:
            raise CounterError("Choose an outcome before completing the visit.")
        with self._action() as (session, now):
            ticket = self._need_active(session)
            ticket.outcome = outcome[:64]
            self._move(session, ticket, TicketState.DONE, now, "complete")
            self._audit(session, now, "complete", ticket, detail=outcome[:200])
            return DeskTicket.of(ticket)

    def transfer(self, service_id: str | None = None, counter: str | None = None) -> DeskTicket:
        """Send the ticket at the counter to another service's queue and/or a named
        counter; it keeps its arrival time, so it is not sent to the back."""
        if service_id is None and not counter:
            raise CounterError("Choose the service or the counter to transfer to.")
        if service_id is not None and service_id not in {s.id for s in self.pack.services}:
            raise CounterError(f"No service {service_id!r} in this center.")
        if counter and counter == self.counter:
            raise CounterError("That is this counter. Choose another counter.")
        with self._action() as (session, now):
            ticket = self._need_active(session)
            self._transfer(session, ticket, service_id, counter, now)
            return DeskTicket.of(ticket)

    def park(self) -> DeskTicket:
        """Set the ticket aside (the visitor fetches a document); resume calls it back."""
        with self._action() as (session, now):
            ticket = self._need_active(session)
            self._move(session, ticket, TicketState.PARKED, now, "park")
            self._audit(session, now, "park", ticket)
            return DeskTicket.of(ticket)

    def resume(self, ticket_id: str) -> DeskTicket:
        """Call a parked ticket back to this counter (announced on the board again)."""
        with self._action() as (session, now):
            self._refuse_if_busy(session)
            ticket = session.get(Ticket, ticket_id, with_for_update=True)
            here = ticket is not None and ticket.counter == self.counter
            if ticket is None or not here or ticket.state != TicketState.PARKED:
                raise CounterError("That ticket is no longer parked here.")
            self._call(session, ticket, now, "resume")
            return DeskTicket.of(ticket)

    # --- the parts ------------------------------------------------------------------
    @contextmanager
    def _action(self) -> Iterator[tuple[Session, dt.datetime]]:
        if self.session_id is None:
            raise CounterError("Sign in first.")
        with self._sessions.begin() as session:
            yield session, self._clock()

    def _active(self, session: Session, lock: bool = True) -> Ticket | None:
        query = select(Ticket).where(at_counter(self.today(), self.counter))
        if lock:
            query = query.with_for_update()
        return session.scalars(query.order_by(Ticket.called_at.desc())).first()

    def _refuse_if_busy(self, session: Session) -> None:
        busy = self._active(session, lock=False)
        if busy is not None:
            raise CounterError(
                f"Ticket {busy.label} is still at this counter. Complete it, mark it a "
                "no-show, park it or transfer it first."
            )

    def _need_active(self, session: Session, state: TicketState | None = None) -> Ticket:
        ticket = self._active(session)
        if ticket is None:
            raise CounterError("No ticket at this counter. Call the next one first.")
        if state is not None and ticket.state != state:
            raise CounterError(f"Ticket {ticket.label} is {state_words(ticket)}.")
        return ticket

    def _call(self, session: Session, ticket: Ticket, now: dt.datetime, action: str) -> None:
        if action != "recall":
            self._move(session, ticket, TicketState.CALLED, now, action)
            ticket.called_at = now
            ticket.counter = self.counter
            ticket.staff_id = self.staff.id
            ticket.target_counter = None
        else:
            self._event(session, ticket, TicketState.CALLED, now, "recall")
        session.add(
            Call(
                at=now,
                ticket_id=ticket.id,
                label=ticket.label,
                counter=self.counter,
                service_id=ticket.queue_service_id,
                recall=ticket.recalls if action == "recall" else 0,
            )
        )
        self._audit(session, now, action, ticket)

    def _transfer(
        self,
        session: Session,
        ticket: Ticket,
        service_id: str | None,
        counter: str | None,
        now: dt.datetime,
    ) -> None:
        before = ticket.queue_service_id
        self._move(session, ticket, TicketState.WAITING, now, "transfer")
        ticket.queue_service_id = service_id or ticket.queue_service_id
        ticket.target_counter = counter or None
        ticket.counter = None
        ticket.recalls = 0
        ticket.transfers += 1
        places = (service_id and f"service {service_id}", counter and f"counter {counter}")
        where = ", ".join(x for x in places if x)
        self._audit(session, now, "transfer", ticket, detail=f"from {before} to {where}")

    def _move(
        self, session: Session, ticket: Ticket, new: TicketState, now: dt.datetime, action: str
    ) -> None:
        current = TicketState(ticket.state)
        if new not in TRANSITIONS[current]:
            raise CounterError(f"Ticket {ticket.label} is {state_words(ticket)}.")
        ticket.state = new
        if new is TicketState.SERVING:
            ticket.serving_at = now
        elif new in FINISHED:
            ticket.finished_at = now
        self._event(session, ticket, new, now, action)

    def _event(
        self, session: Session, ticket: Ticket, state: TicketState, now: dt.datetime, action: str
    ) -> None:
        session.add(
            TicketEvent(
                ticket_id=ticket.id,
                state=state,
                at=now,
                station_id=self.station_id,
                counter=self.counter,
                action=action,
                service_id=ticket.queue_service_id,
                staff_id=self.staff.id,
            )
        )

    def _audit(
        self,
        session: Session,
        now: dt.datetime,
        action: str,
        ticket: Ticket | None = None,
        detail: str | None = None,
    ) -> None:
        audit(
            session,
            now,
            self.staff.id,
            self.station_id,
            action,
            counter=self.counter,
            ticket_id=ticket.id if ticket else None,
            ticket_label=ticket.label if ticket else None,
            detail=detail,
        )
