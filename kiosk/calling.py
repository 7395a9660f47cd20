"""Who a counter calls next: the call order, as SQL both stores run.

The order is per service (``call_order`` in the content pack): visitors whose
appointment is due and priority tickets first, in the order the service lists
them, then everyone by arrival (``issued_at``, which a transfer keeps, then
the number). :func:`pick_next` takes the first waiting ticket a counter may
call and locks it: on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so twenty
counters pressing "next" at once take twenty different tickets without
waiting for each other; on SQLite the write transaction (``BEGIN IMMEDIATE``)
already admits one caller at a time. :func:`ahead_of` counts with the same
order, so "people ahead" on a ticket is what the counters will do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, aliased

from kiosk.content import ContentPack
from offline_cache.models import Call, StaffAudit, Ticket, TicketEvent, TicketState, UTCDateTime

# An appointment counts as due this long before its time: the visitor is here.
APPOINTMENT_EARLY = dt.timedelta(minutes=5)
ARRIVAL_RANK = 2  # rank of a ticket no rule puts first


def rank(
    pack: ContentPack, due_by: dt.datetime | ColumnElement[Any], t: Any = Ticket
) -> ColumnElement[int]:
    """0 or 1 for a ticket a rule of its service puts first, else :data:`ARRIVAL_RANK`.
    ``due_by``: an appointment before it is due (now + :data:`APPOINTMENT_EARLY`);
    it may be a bound parameter (a statement built once, run many times).
    ``t``: the tickets ranked (an alias, to rank one ticket against the others)."""
    whens: list[tuple[ColumnElement[bool], int]] = []
    for position in (0, 1):
        for rule in ("appointment", "priority"):
            services = [
                s.id
                for s in pack.services
                if len(s.call_order) > position and s.call_order[position] == rule
            ]
            if not services:
                continue
            applies = t.appointment_at <= due_by if rule == "appointment" else t.priority.is_(True)
            whens.append((and_(t.queue_service_id.in_(services), applies), position))
    if not whens:
        return literal(ARRIVAL_RANK)
    return case(*whens, else_=ARRIVAL_RANK)


def callable_by(services: Collection[str], counter: str) -> ColumnElement[bool]:
    """Tickets ``counter`` may call: its services' (unless sent to another
    counter), and any ticket transferred to it by name."""
    return or_(
        and_(
            Ticket.queue_service_id.in_(list(services)),
            or_(Ticket.target_counter.is_(None), Ticket.target_counter == counter),
        ),
        Ticket.target_counter == counter,
    )


def at_counter(day: dt.date | ColumnElement[Any], counter: str) -> ColumnElement[bool]:
    """Tickets at ``counter`` now: called there, or being served there."""
    return and_(
        Ticket.business_date == day,
        Ticket.counter == counter,
        Ticket.state.in_([TicketState.CALLED.value, TicketState.SERVING.value]),
    )


def queue_for(
    pack: ContentPack,
    day: dt.date | ColumnElement[Any],
    services: Collection[str],
    counter: str,
    due_by: dt.datetime | ColumnElement[Any],
    *columns: Any,
) -> Select[Any]:
    """``columns`` (default: the tickets) of the waiting tickets ``counter`` may
    call, in the order it calls them: the waiting list, and call next's pick."""
    return (
        select(*(columns or (Ticket,)))
        .where(
            Ticket.business_date == day,
            Ticket.state == TicketState.WAITING,
            callable_by(services, counter),
        )
        .order_by(rank(pack, due_by), Ticket.issued_at, Ticket.number, Ticket.id)
    )


def pick_next(
    session: Session,
    pack: ContentPack,
    day: dt.date,
    services: Collection[str],
    counter: str,
    now: dt.datetime,
) -> Ticket | None:
    """Lock and return the ticket ``counter`` calls next, or None if nobody waits."""
    query = queue_for(pack, day, services, counter, now + APPOINTMENT_EARLY)
    return session.scalars(query.limit(1).with_for_update(skip_locked=True)).first()


def ahead_of(pack: ContentPack, ticket: Ticket, now: dt.datetime) -> Select[Any]:
    """A count of the waiting tickets of ``ticket``'s queue called before it (the
    stored ``ticket`` ranked by the same rule as the others)."""
    due_by = now + APPOINTMENT_EARLY
    me = aliased(Ticket)
    my_rank = select(rank(pack, due_by, me)).where(me.id == ticket.id).scalar_subquery()
    order = rank(pack, due_by)
    earlier = tuple_(Ticket.issued_at, Ticket.number) < tuple_(
        literal(ticket.issued_at, Ticket.issued_at.type), literal(ticket.number)
    )
    return select(func.count()).where(
        Ticket.queue_service_id == ticket.queue_service_id,
        Ticket.business_date == ticket.business_date,
        Ticket.state == TicketState.WAITING,
        Ticket.id != ticket.id,
        or_(order < my_rank, and_(order == my_rank, earlier)),
    )


def call_next_statement(
    pack: ContentPack,
    *,
    services: Collection[str],
    counter: str,
    station_id: str,
    staff_id: str,
) -> Select[Any]:
    """PostgreSQL: one statement that takes the next ticket and writes its call,
    its event and its audit line (one round trip instead of eight; with twenty
    counters on a busy server each round trip waits its turn). The same rows as
    :meth:`kiosk.counter.CounterDesk.call` writes on the general path.

    Built once per counter desk and run with :func:`call_next_params` (building
    it costs more than running it). Yields the updated ticket's columns, or no
    row when nothing was called: nobody waiting, or a ticket still at this
    counter (the caller tells which).
    """
    day = bindparam("day", type_=Date())
    now = bindparam("now", type_=UTCDateTime())
    busy = select(Ticket.id).where(at_counter(day, counter)).exists()
    due_by = bindparam("due_by", type_=UTCDateTime())
    picked = (
        queue_for(pack, day, services, counter, due_by, Ticket.id)
        .where(~busy)
        .limit(1)
        .with_for_update(skip_locked=True)
        .cte("picked")
    )
    called = (
        update(Ticket)
        .where(Ticket.id == picked.c.id)
        .values(
            state=TicketState.CALLED.value,
            called_at=now,
            counter=counter,
            staff_id=staff_id,
            target_counter=None,
        )
        .returning(*Ticket.__table__.c)
        .cte("called")
    )
    event = insert(TicketEvent).from_select(
        ["ticket_id", "state", "at", "station_id", "counter", "action", "service_id", "staff_id"],
        select(
            called.c.id,
            literal(TicketState.CALLED.value),
            now,
            literal(station_id),
            literal(counter),
            literal("call"),
            called.c.queue_service_id,
            literal(staff_id),
        ),
    )
    board = insert(Call).from_select(
        ["at", "ticket_id", "label", "counter", "service_id", "recall"],
        select(
            now,
            called.c.id,
            called.c.label,
            literal(counter),
            called.c.queue_service_id,
            literal(0),
        ),
    )
    trail = insert(StaffAudit).from_select(
        ["at", "staff_id", "station_id", "counter", "action", "ticket_id", "ticket_label"],
        select(
            now,
            literal(staff_id),
            literal(station_id),
            literal(counter),
            literal("call"),
            called.c.id,
            called.c.label,
        ),
    )
    return select(called).add_cte(
        event.cte("event"), board.cte("board"), trail.cte("trail"), nest_here=True
    )


def call_next_params(day: dt.date, now: dt.datetime) -> dict[str, Any]:
    """The values :func:`call_next_statement` runs with."""
    return {"day": day, "now": now, "due_by": now + APPOINTMENT_EARLY}
