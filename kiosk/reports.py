"""A business day's queue figures, per service and overall, for the manager.

Computed from the store only (tickets of the day and their events), in two
queries, so the CLI, the technician's screen and the files agree. No Qt, no
reportlab: the files are written by :mod:`kiosk.report_files`.

Definitions (every figure in the CSV, the PDF and on screen means this):

- **Business day**: the tickets whose ``business_date`` is the day, i.e. issued
  between local midnight and the next, in the station's time zone. Their
  later events count even after midnight.
- **Visit**: a ticket's stay in one service's queue. It starts when the
  ticket is issued, or when a counter transfers it in; it ends when it is
  completed, marked a no-show, cancelled, or transferred out. A ticket moved
  A -> B is one visit in A (ending "transferred out") and one in B (starting
  "transferred in"); a transfer to another counter of the same service is a
  visit ending and one starting in that same service. A visit with no end
  yet is *unfinished* (waiting, called, being served or parked when the
  report was made). Per-service figures count visits; the "All services"
  row counts the same visits together, so its "issued" is the day's tickets.
- **Issued**: tickets issued for the service. **Transferred in/out**:
  transfers into / out of the service's queue.
- **Called**: visits called at least once. **Completed**, **no-shows**,
  **cancelled**: visits that ended that way.
- **Wait**: from the visit's start (issue or transfer in) to its first call
  (a recall does not restart it; parked time is not waiting). Every called
  visit has one, including those that ended as no-shows.
- **Service time**: for completed visits only, the time the ticket was at
  the counter (called or being served) from its first call to completion,
  not counting time parked aside.
- Times are minutes, rounded to two decimals. **Median** is the middle
  value (the mean of the two middle ones for an even count); **p90** is the
  90th percentile interpolated between the closest ranks (the "inclusive"
  method of :func:`statistics.quantiles`); with one value both are that value.
- **Per hour** of the local clock: tickets issued in the hour, visits first
  called in it, visits completed in it, and the mean wait of the visits called
  in it. Events after midnight land in hour 24, 25...
- **Outcomes**: what the counters recorded when completing visits, with counts.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.content import ContentPack
from offline_cache.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from kiosk.station import Station

ALL = "all"  # the service id of the "All services" row
HOURS_IN_DAY = 24

# Events written before migration 0006 carry no action: their state tells it.
_LEGACY_ACTIONS = {
    "called": "call",
    "serving": "serve",
    "done": "complete",
    "no_show": "no_show",
    "cancelled": "cancel",
    "parked": "park",
    "transferred": "transfer_end",
    "waiting": "transfer",
}
_ENDINGS = {
    "complete": "completed",
    "no_show": "no_show",
    "cancel": "cancelled",
    "transfer": "transferred",
    "transfer_end": "transferred",
}


@dataclass(frozen=True)
class Times:
    """Minutes: how many samples, and their mean, median, 90th percentile and maximum."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, minutes: list[float]) -> Times:
        if not minutes:
            return cls()
        ordered = sorted(minutes)
        p90 = (
            statistics.quantiles(ordered, n=10, method="inclusive")[8]
            if len(ordered) > 1
            else ordered[0]
        )
        return cls(
            len(ordered),
            _round(statistics.fmean(ordered)),
            _round(statistics.median(ordered)),
            _round(p90),
            _round(ordered[-1]),
        )


@dataclass(frozen=True)
class ServiceFigures:
    """One service's visits of the day (or every service's, for the "All services" row)."""

    service_id: str
    name: str
    issued: int = 0
    transferred_in: int = 0
    called: int = 0
    completed: int = 0
    no_shows: int = 0
    transferred_out: int = 0
    cancelled: int = 0
    unfinished: int = 0
    wait: Times = field(default_factory=Times)
    service_time: Times = field(default_factory=Times)


@dataclass(frozen=True)
class HourFigures:
    hour: int  # local clock hour of the business day (24 and over: after midnight)
    issued: int = 0
    called: int = 0
    completed: int = 0
    mean_wait: float | None = None  # minutes, of the visits first called in this hour


@dataclass(frozen=True)
class DayReport:
    day: dt.date
    time_zone: str
    services: tuple[ServiceFigures, ...]  # services with any visit, in the pack's order
    overall: ServiceFigures
    hours: tuple[HourFigures, ...]  # hour 0 to 23 (and any after midnight), every one
    outcomes: tuple[tuple[str, int], ...]  # most frequent first

    @property
    def empty(self) -> bool:
        """No ticket was issued that day."""
        return self.overall.issued == 0 and not self.services


@dataclass
class _Visit:
    """One ticket's stay in one queue, as read from its events."""

    queue: str | None
    start: dt.datetime
    via_transfer: bool
    first_call: dt.datetime | None = None
    at_counter_since: dt.datetime | None = None
    at_counter: dt.timedelta = dt.timedelta()
    end: str | None = None  # completed, no_show, cancelled, transferred; None: unfinished
    end_at: dt.datetime | None = None

    def leave_counter(self, at: dt.datetime) -> None:
        if self.at_counter_since is not None:
            self.at_counter += max(dt.timedelta(), at - self.at_counter_since)
            self.at_counter_since = None


@dataclass(frozen=True)
class _TicketRow:
    id: str
    service_id: str
    queue_service_id: str
    issued_at: dt.datetime
    outcome: str | None


def day_report(
    sessions: sessionmaker[Session], pack: ContentPack, day: dt.date, tz: dt.tzinfo | None
) -> DayReport:
    """The figures of business day ``day`` (see the module docstring for what each means).

    ``tz`` is the station's time zone (None: the machine's), used for the hours.
    """
    with sessions() as session:
        tickets = [
            _TicketRow(*row)
            for row in session.execute(
                select(
                    Ticket.id,
                    Ticket.service_id,
                    Ticket.queue_service_id,
                    Ticket.issued_at,
                    Ticket.outcome,
                ).where(Ticket.business_date == day)
            )
        ]
        events: dict[str, list[tuple[str | None, str, dt.datetime, str | None]]] = defaultdict(list)
        for ticket_id, action, state, at, service_id in session.execute(
            select(
                TicketEvent.ticket_id,
                TicketEvent.action,
                TicketEvent.state,
                TicketEvent.at,
                TicketEvent.service_id,
            )
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(Ticket.business_date == day)
            .order_by(TicketEvent.ticket_id, TicketEvent.id)
        ):
            events[ticket_id].append((action, state, at, service_id))
    per_ticket = [_visits(t, events.get(t.id, [])) for t in tickets]
    return _figures(pack, day, tz, tickets, per_ticket)


def _visits(
    ticket: _TicketRow, events: list[tuple[str | None, str, dt.datetime, str | None]]
) -> list[_Visit]:
    """Split one ticket's events into its visits, one per queue it went through."""
    visits = [_Visit(None, ticket.issued_at, via_transfer=False)]
    for index, (action, state, at, service_id) in enumerate(events):
        visit = visits[-1]
        act = action or ("issue" if index == 0 else _LEGACY_ACTIONS.get(state, ""))
        if visit.queue is None and service_id:
            visit.queue = service_id  # the queue at that moment (the one left, for a transfer)
        if visit.end is not None:
            continue  # a finished ticket has no later events; ignore any stray one
        if act in ("call", "resume", "recall", "serve"):
            if visit.first_call is None:
                visit.first_call = at
            if visit.at_counter_since is None:
                visit.at_counter_since = at
        elif act == "park":
            visit.leave_counter(at)
        elif act in _ENDINGS:
            visit.leave_counter(at)
            visit.end, visit.end_at = _ENDINGS[act], at
            if act == "transfer":
                visits.append(_Visit(None, at, via_transfer=True))
    visits[0].queue = visits[0].queue or ticket.service_id
    visits[-1].queue = ticket.queue_service_id  # where it is now, whatever came before
    return visits


def _figures(
    pack: ContentPack,
    day: dt.date,
    tz: dt.tzinfo | None,
    tickets: list[_TicketRow],
    per_ticket: list[list[_Visit]],
) -> DayReport:
    visits = [visit for ticket_visits in per_ticket for visit in ticket_visits]
    by_service: dict[str, list[_Visit]] = defaultdict(list)
    for visit in visits:
        by_service[visit.queue or ""].append(visit)
    order = {s.id: i for i, s in enumerate(pack.services)}
    names = {s.id: pack.text(s.name, pack.pack.default_language) for s in pack.services}
    services = tuple(
        _service(sid, names.get(sid, sid), by_service[sid])
        for sid in sorted(by_service, key=lambda s: (order.get(s, len(order)), s))
    )
    overall = _service(ALL, "", visits)

    def hour(at: dt.datetime) -> int:
        local = at.astimezone(tz)
        return max(0, local.hour + HOURS_IN_DAY * (local.date() - day).days)

    issued = Counter(hour(t.issued_at) for t in tickets)
    called = Counter(hour(v.first_call) for v in visits if v.first_call)
    completed = Counter(hour(v.end_at) for v in visits if v.end == "completed" and v.end_at)
    waits: dict[int, list[float]] = defaultdict(list)
    for visit in visits:
        if visit.first_call is not None:
            waits[hour(visit.first_call)].append(_minutes(visit.first_call - visit.start))
    last = max([HOURS_IN_DAY - 1, *issued, *called, *completed])
    hours = tuple(
        HourFigures(
            h,
            issued[h],
            called[h],
            completed[h],
            _round(statistics.fmean(waits[h])) if waits[h] else None,
        )
        for h in range(last + 1)
    )
    outcomes = Counter(
        (ticket.outcome or "").strip() or "-"
        for ticket, ticket_visits in zip(tickets, per_ticket, strict=True)
        if ticket_visits[-1].end == "completed"
    )
    return DayReport(
        day,
        getattr(tz, "key", None) or str(tz or "local time"),
        services,
        overall,
        hours,
        tuple(sorted(outcomes.items(), key=lambda item: (-item[1], item[0]))),
    )


def _service(service_id: str, name: str, visits: Iterable[_Visit]) -> ServiceFigures:
    visits = list(visits)
    ends = Counter(v.end for v in visits)
    waits = [_minutes(v.first_call - v.start) for v in visits if v.first_call is not None]
    served = [_minutes(v.at_counter) for v in visits if v.end == "completed"]
    return ServiceFigures(
        service_id,
        name,
        issued=sum(1 for v in visits if not v.via_transfer),
        transferred_in=sum(1 for v in visits if v.via_transfer),
        called=len(waits),
        completed=ends["completed"],
        no_shows=ends["no_show"],
        transferred_out=ends["transferred"],
        cancelled=ends["cancelled"],
        unfinished=ends[None],
        wait=Times.of(waits),
        service_time=Times.of(served),
    )


def _minutes(delta: dt.timedelta) -> float:
    return max(0.0, delta.total_seconds() / 60)


def _round(value: float) -> float:
    return round(value, 2)


def station_report(station: Station, day: dt.date) -> DayReport:
    """:func:`day_report` of a running station, on read-only sessions (no write lock)."""
    from offline_cache.engine import make_sessionmaker

    sessions = make_sessionmaker(station.engine, read_only=True)
    return day_report(sessions, station.pack, day, station.tz)


def parse_day(text: str) -> dt.date:
    """A day typed as YYYY-MM-DD; ValueError naming the expected form otherwise."""
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"the date {text!r} is not a day written YYYY-MM-DD (for example 2025-03-04)")
