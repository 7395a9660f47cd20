"""The counter desk as a clerk uses it: call, recall, no-show, transfer, park, complete.

Every test runs on a SQLite file and on the real PostgreSQL server (the ``store``
fixture): PostgreSQL's "call next" is one statement, SQLite's goes through the
ORM, and the clerk, the board and the audit must not be able to tell them apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.content import ContentPack
from kiosk.counter import CounterDesk, CounterError
from kiosk.queue import QueueService
from kiosk.staff import StaffMember
from offline_cache.engine import make_engine, make_sessionmaker
from offline_cache.migrate import upgrade
from offline_cache.models import Call, StaffAudit, Ticket, TicketEvent, TicketState

CHICAGO = ZoneInfo("America/Chicago")
S = TicketState
LICENSE = "license-renewal"  # prefix A
VEHICLE = "vehicle-registration"  # prefix B
ID_CARD = "id-card"  # prefix C
MARIA = StaffMember("maria.lopez", "Maria Lopez")
OBI = StaffMember("obi.okafor", "Obi Okafor")


class Clock:
    """The time the queue and the counters see; tests move it by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def chicago(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHICAGO)


def with_call_order(pack: ContentPack, service_id: str, order: list[str]) -> ContentPack:
    """The sample pack with ``service_id`` calling in ``order``."""
    services = [
        s.model_copy(update={"call_order": order}) if s.id == service_id else s
        for s in pack.pack.services
    ]
    return ContentPack(pack.folder, pack.pack.model_copy(update={"services": services}))


@pytest.fixture
def clock() -> Clock:
    return Clock(chicago(2025, 1, 14, 10, 0))


@pytest.fixture
def sessions(store: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(store)


@pytest.fixture
def queue(sessions: sessionmaker[Session], sample_pack: ContentPack, clock: Clock) -> QueueService:
    return QueueService(sessions, sample_pack, "kiosk-01", tz=CHICAGO, clock=clock)


OpenDesk = Callable[..., CounterDesk]


@pytest.fixture
def open_desk(sessions: sessionmaker[Session], sample_pack: ContentPack, clock: Clock) -> OpenDesk:
    """A signed-in clerk at ``counter`` handling ``services``."""

    def make(
        counter: str = "4",
        services: Sequence[str] = (LICENSE,),
        staff: StaffMember = MARIA,
        pack: ContentPack = sample_pack,
        **options: Any,
    ) -> CounterDesk:
        desk = CounterDesk(
            sessions,
            pack,
            station_id=f"counter-pc-{counter}",
            counter=counter,
            staff=staff,
            services=services,
            clock=clock,
            tz=CHICAGO,
            **options,
        )
        desk.open()
        return desk

    return make


def calls_in_order(desk: CounterDesk) -> list[str]:
    """Press "next" (completing each visit) until nobody is left; the labels called."""
    labels = []
    while (ticket := desk.call_next()) is not None:
        labels.append(ticket.label)
        desk.complete("done")
    return labels


def refusal(action: Callable[[], object]) -> str:
    with pytest.raises(CounterError) as refused:
        action()
    return str(refused.value)


def stored(sessions: sessionmaker[Session], ticket_id: str) -> Ticket:
    with sessions() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket


def event_rows(sessions: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    """(label, action, state, service, counter, staff) of every counter event, in order."""
    with sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    Ticket.label,
                    TicketEvent.action,
                    TicketEvent.state,
                    TicketEvent.service_id,
                    TicketEvent.counter,
                    TicketEvent.staff_id,
                )
                .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                .where(TicketEvent.action != "issue")
                .order_by(TicketEvent.id)
            )
        ]


def call_rows(sessions: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    """(label, counter, recall) of every call the board got, in order."""
    with sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(Call.label, Call.counter, Call.recall).order_by(Call.id)
            )
        ]


def audit_rows(sessions: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    """(action, ticket label, counter, staff) of every staff audit line, in order."""
    with sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    StaffAudit.action,
                    StaffAudit.ticket_label,
                    StaffAudit.counter,
                    StaffAudit.staff_id,
                ).order_by(StaffAudit.id)
            )
        ]


def count(sessions: sessionmaker[Session], what: Any, *where: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(what).where(*where)) or 0)


# --- who is called next ------------------------------------------------------------------


def test_priority_ticket_issued_later_is_called_before_earlier_ones(
    queue: QueueService, open_desk: OpenDesk, clock: Clock
) -> None:
    for priority in (False, False, True):
        queue.issue(LICENSE, "en", priority=priority)
        clock.advance(minutes=1)

    assert calls_in_order(open_desk()) == ["A003", "A001", "A002"]


def test_appointment_due_comes_before_priority_and_one_two_hours_away_waits_its_turn(
    queue: QueueService, open_desk: OpenDesk, clock: Clock
) -> None:
    queue.issue(LICENSE, "en", appointment_at=clock.now + dt.timedelta(hours=2))  # A001
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en")  # A002
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en", priority=True)  # A003
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en", appointment_at=clock.now + dt.timedelta(minutes=5))  # A004, due

    assert calls_in_order(open_desk()) == ["A004", "A003", "A001", "A002"]


def test_service_with_an_empty_call_order_calls_strictly_by_arrival(
    sessions: sessionmaker[Session], sample_pack: ContentPack, open_desk: OpenDesk, clock: Clock
) -> None:
    pack = with_call_order(sample_pack, LICENSE, [])
    queue = QueueService(sessions, pack, "kiosk-01", tz=CHICAGO, clock=clock)
    queue.issue(LICENSE, "en")
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en", priority=True)
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en", appointment_at=clock.now)

    assert calls_in_order(open_desk(pack=pack)) == ["A001", "A002", "A003"]


def test_service_listing_priority_before_appointment_calls_priority_first(
    sessions: sessionmaker[Session], sample_pack: ContentPack, open_desk: OpenDesk, clock: Clock
) -> None:
    pack = with_call_order(sample_pack, LICENSE, ["priority", "appointment"])
    queue = QueueService(sessions, pack, "kiosk-01", tz=CHICAGO, clock=clock)
    queue.issue(LICENSE, "en")
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en", appointment_at=clock.now)
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en", priority=True)

    assert calls_in_order(open_desk(pack=pack)) == ["A003", "A002", "A001"]


@pytest.mark.parametrize("kind", ["walk-in", "priority", "appointment"])
def test_people_ahead_on_a_new_ticket_is_how_many_calls_come_before_it(
    kind: str, queue: QueueService, open_desk: OpenDesk, clock: Clock
) -> None:
    in_line = [
        {},
        {"priority": True},
        {"appointment_at": clock.now + dt.timedelta(minutes=3)},
        {"appointment_at": clock.now + dt.timedelta(hours=2)},
        {},
        {"priority": True},
    ]
    for options in in_line:
        queue.issue(LICENSE, "en", **options)
        queue.issue(VEHICLE, "en")  # another queue: not ahead of anyone here
        clock.advance(minutes=1)
    mine = queue.issue(
        LICENSE,
        "en",
        priority=kind == "priority",
        appointment_at=clock.now if kind == "appointment" else None,
    )

    called = calls_in_order(open_desk())

    assert called.index(mine.label) == mine.people_ahead
    assert mine.people_ahead == {"walk-in": 6, "priority": 3, "appointment": 1}[kind]


# --- which counter calls whom ------------------------------------------------------------


def test_a_counter_only_calls_the_services_it_handles(
    queue: QueueService, open_desk: OpenDesk, clock: Clock
) -> None:
    for service in (VEHICLE, LICENSE, ID_CARD):
        queue.issue(service, "en")
        clock.advance(minutes=1)
    counter_4 = open_desk("4", [LICENSE, ID_CARD])

    assert [t.label for t in counter_4.waiting()] == ["A001", "C001"]
    assert calls_in_order(counter_4) == ["A001", "C001"]
    assert [t.label for t in open_desk("6", [VEHICLE]).waiting()] == ["B001"]


def test_ticket_transferred_to_counter_5_is_called_only_by_counter_5(
    queue: QueueService, open_desk: OpenDesk, sessions: sessionmaker[Session], clock: Clock
) -> None:
    first = queue.issue(LICENSE, "en")
    clock.advance(minutes=1)
    queue.issue(LICENSE, "en")
    counter_3 = open_desk("3", [LICENSE])
    counter_4 = open_desk("4", [LICENSE], staff=OBI)
    counter_5 = open_desk("5", [VEHICLE])  # does not handle licenses
    counter_3.call_next()

    sent = counter_3.transfer(counter="5")

    assert (sent.label, sent.target_counter, sent.state) == ("A001", "5", S.WAITING)
    assert [t.label for t in counter_4.waiting()] == ["A002"]
    assert [t.label for t in counter_5.waiting()] == ["A001"]
    assert calls_in_order(counter_4) == ["A002"]
    called = counter_5.call_next()
    assert called is not None and called.label == "A001"
    ticket = stored(sessions, first.id)
    assert (ticket.counter, ticket.target_counter, ticket.staff_id) == ("5", None, MARIA.id)
    assert ticket.queue_service_id == LICENSE


def test_transfer_to_another_service_keeps_the_visitors_place_in_line(
    queue: QueueService, open_desk: OpenDesk, sessions: sessionmaker[Session], clock: Clock
) -> None:
    first = queue.issue(LICENSE, "en")  # 10:00
    clock.advance(minutes=1)
    queue.issue(VEHICLE, "en")  # B001, 10:01
    counter_3 = open_desk("3", [LICENSE])
    counter_3.call_next()
    clock.advance(minutes=1)
    counter_3.recall()
    clock.advance(minutes=5)

    moved = counter_3.transfer(service_id=VEHICLE)
    clock.advance(minutes=1)
    queue.issue(VEHICLE, "en")  # B002, after the transfer

    assert (moved.label, moved.service_id, moved.issued_service_id) == ("A001", VEHICLE, LICENSE)
    assert counter_3.current() is None
    ticket = stored(sessions, first.id)
    assert (ticket.label, ticket.state, ticket.transfers, ticket.recalls) == (
        "A001",
        S.WAITING,
        1,
        0,
    )
    assert (ticket.counter, ticket.target_counter) == (None, None)
    assert calls_in_order(open_desk("6", [VEHICLE], staff=OBI)) == ["A001", "B001", "B002"]
    assert event_rows(sessions)[:4] == [
        ("A001", "call", S.CALLED, LICENSE, "3", MARIA.id),
        ("A001", "recall", S.CALLED, LICENSE, "3", MARIA.id),
        ("A001", "transfer", S.WAITING, LICENSE, "3", MARIA.id),  # the queue it left
        ("A001", "call", S.CALLED, VEHICLE, "6", OBI.id),
    ]
    with sessions() as session:
        line = session.scalars(select(StaffAudit).where(StaffAudit.action == "transfer")).one()
        assert (line.ticket_label, line.counter, line.staff_id) == ("A001", "3", MARIA.id)
        assert line.detail == f"from {LICENSE} to service {VEHICLE}"


# --- recall, no-show, park -----------------------------------------------------------------


def test_recall_announces_again_until_the_recalls_run_out_then_it_is_a_no_show(
    queue: QueueService, open_desk: OpenDesk, sessions: sessionmaker[Session]
) -> None:
    first = queue.issue(LICENSE, "en")
    queue.issue(LICENSE, "en")
    desk = open_desk("4", max_recalls=2)
    desk.call_next()

    again = [desk.recall(), desk.recall()]
    gone = desk.recall()

    assert [(r.ticket.recalls, r.no_show) for r in again] == [(1, False), (2, False)]
    assert (gone.ticket.label, gone.ticket.state, gone.no_show) == ("A001", S.NO_SHOW, True)
    assert call_rows(sessions) == [("A001", "4", 0), ("A001", "4", 1), ("A001", "4", 2)]
    assert stored(sessions, first.id).state == S.NO_SHOW
    assert desk.current() is None
    following = desk.call_next()
    assert following is not None and following.label == "A002"
    assert audit_rows(sessions)[-2][:2] == ("no_show", "A001")


def test_parked_ticket_waits_aside_while_the_counter_serves_others(
    queue: QueueService, open_desk: OpenDesk, sessions: sessionmaker[Session]
) -> None:
    parked = queue.issue(LICENSE, "en")
    queue.issue(LICENSE, "en")
    desk = open_desk("4")
    desk.call_next()
    desk.start_serving()

    aside = desk.park()

    assert aside.state == S.PARKED and desk.current() is None
    assert [t.label for t in desk.parked()] == ["A001"]
    assert [t.label for t in open_desk("5").parked()] == []
    following = desk.call_next()
    assert following is not None and following.label == "A002"
    assert refusal(lambda: desk.resume(parked.id)) == (
        "Ticket A002 is still at this counter. Complete it, mark it a no-show, park it or "
        "transfer it first."
    )
    desk.complete("renewed")
    back = desk.resume(parked.id)
    assert (back.label, back.state) == ("A001", S.CALLED)
    assert desk.parked() == []
    current = desk.current()
    assert current is not None and current.label == "A001"
    assert call_rows(sessions) == [("A001", "4", 0), ("A002", "4", 0), ("A001", "4", 0)]
    desk.complete("renewed")
    assert refusal(lambda: desk.resume(parked.id)) == "That ticket is no longer parked here."


def test_a_ticket_parked_at_one_counter_cannot_be_resumed_at_another(
    queue: QueueService, open_desk: OpenDesk, sessions: sessionmaker[Session]
) -> None:
    parked = queue.issue(LICENSE, "en")
    counter_4 = open_desk("4")
    counter_4.call_next()
    counter_4.park()

    assert refusal(lambda: open_desk("5").resume(parked.id)) == (
        "That ticket is no longer parked here."
    )
    assert stored(sessions, parked.id).state == S.PARKED
    assert counter_4.resume(parked.id).state == S.CALLED
    assert stored(sessions, parked.id).counter == "4"


# --- refusals ------------------------------------------------------------------------------


def test_clerk_is_told_why_an_action_cannot_be_done(
    queue: QueueService,
    sessions: sessionmaker[Session],
    sample_pack: ContentPack,
    open_desk: OpenDesk,
    clock: Clock,
) -> None:
    queue.issue(LICENSE, "en")
    queue.issue(LICENSE, "en")
    signed_out = CounterDesk(
        sessions,
        sample_pack,
        station_id="counter-pc-4",
        counter="4",
        staff=MARIA,
        services=[LICENSE],
        clock=clock,
        tz=CHICAGO,
    )
    for action in (signed_out.call_next, signed_out.recall, lambda: signed_out.call("A001")):
        assert refusal(action) == "Sign in first."
    desk = open_desk("4")

    assert refusal(desk.recall) == "No ticket at this counter. Call the next one first."
    assert refusal(lambda: desk.call("A999")) == (
        "No ticket A999 today. Check the number on the ticket."
    )
    desk.call_next()
    busy = (
        "Ticket A001 is still at this counter. Complete it, mark it a no-show, park it or "
        "transfer it first."
    )
    assert refusal(desk.call_next) == busy
    assert refusal(lambda: desk.call("A002")) == busy
    assert refusal(lambda: desk.complete("  ")) == "Choose an outcome before completing the visit."
    desk.start_serving()
    assert refusal(desk.recall) == "Ticket A001 is being served at counter 4."
    assert refusal(desk.no_show) == "Ticket A001 is being served at counter 4."
    assert refusal(lambda: desk.transfer()) == "Choose the service or the counter to transfer to."
    assert refusal(lambda: desk.transfer(counter="4")) == (
        "That is this counter. Choose another counter."
    )
    assert desk.complete("renewed").state == S.DONE
    assert refusal(lambda: desk.call("a001")) == "Ticket A001 is not waiting: already completed."
    desk.close()
    assert refusal(desk.call_next) == "Sign in first."
    # Nothing refused changed the queue: A002 still waits, A001 has only its one visit.
    assert [t.label for t in open_desk("5").waiting()] == ["A002"]
    assert [row[1] for row in event_rows(sessions)] == ["call", "serve", "complete"]


def test_call_next_with_nobody_waiting_is_none_and_writes_nothing(
    open_desk: OpenDesk, sessions: sessionmaker[Session]
) -> None:
    desk = open_desk("4")

    assert desk.call_next() is None
    assert (count(sessions, Call), count(sessions, TicketEvent)) == (0, 0)
    assert [row[0] for row in audit_rows(sessions)] == ["counter_open"]


def test_yesterdays_waiting_tickets_are_not_called_today(
    queue: QueueService, open_desk: OpenDesk, sessions: sessionmaker[Session], clock: Clock
) -> None:
    clock.now = chicago(2025, 1, 13, 23, 50)
    yesterdays = queue.issue(LICENSE, "en")
    clock.now = chicago(2025, 1, 14, 8, 0)
    desk = open_desk("4")

    assert desk.call_next() is None
    assert desk.waiting() == []
    todays = queue.issue(LICENSE, "en")
    called = desk.call_next()
    assert called is not None and (called.id, called.label) == (todays.id, "A001")
    assert stored(sessions, yesterdays.id).state == S.WAITING


# --- what every action writes ----------------------------------------------------------------


def test_every_action_writes_one_audit_line_and_every_call_one_event_and_one_board_call(
    queue: QueueService, open_desk: OpenDesk, sessions: sessionmaker[Session], clock: Clock
) -> None:
    for _ in range(4):
        queue.issue(LICENSE, "en")
    desk = open_desk("4")
    calls_before: list[tuple[int, int]] = []

    def counted(action: Callable[[], object]) -> None:
        before = (count(sessions, TicketEvent, TicketEvent.action == "call"), count(sessions, Call))
        action()
        after = (count(sessions, TicketEvent, TicketEvent.action == "call"), count(sessions, Call))
        calls_before.append((after[0] - before[0], after[1] - before[1]))

    counted(desk.call_next)  # A001
    desk.recall()
    desk.start_serving()
    desk.complete("renewed")
    counted(lambda: desk.call("A003"))
    parked = desk.park()
    counted(desk.call_next)  # A002
    desk.no_show()
    desk.resume(parked.id)
    desk.transfer(service_id=VEHICLE)
    counted(desk.call_next)  # A004
    desk.close()

    assert calls_before == [(1, 1)] * 4
    lines = audit_rows(sessions)
    assert [line[:2] for line in lines] == [
        ("counter_open", None),
        ("call", "A001"),
        ("recall", "A001"),
        ("serve", "A001"),
        ("complete", "A001"),
        ("call", "A003"),
        ("park", "A003"),
        ("call", "A002"),
        ("no_show", "A002"),
        ("resume", "A003"),
        ("transfer", "A003"),
        ("call", "A004"),
        ("sign_out", None),
    ]
    assert {line[2:] for line in lines} == {("4", MARIA.id)}


def _front_desk_day(url: str, pack: ContentPack) -> dict[str, list[tuple[Any, ...]]]:
    """One morning at two counters on the store at ``url``: what it wrote."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        clock = Clock(chicago(2025, 1, 14, 9, 0))
        queue = QueueService(sessions, pack, "kiosk-01", tz=CHICAGO, clock=clock)

        def desk(counter: str, services: list[str], staff: StaffMember) -> CounterDesk:
            opened = CounterDesk(
                sessions,
                pack,
                station_id=f"counter-pc-{counter}",
                counter=counter,
                staff=staff,
                services=services,
                clock=clock,
                tz=CHICAGO,
            )
            opened.open()
            return opened

        for service, priority in ((LICENSE, False), (VEHICLE, False), (LICENSE, True)):
            queue.issue(service, "en", priority=priority)
            clock.advance(minutes=2)
        counter_3, counter_5 = desk("3", [LICENSE], MARIA), desk("5", [VEHICLE], OBI)
        counter_3.call_next()  # A002 (priority)
        clock.advance(minutes=1)
        counter_3.transfer(counter="5")
        counter_5.call_next()  # A002, sent here by name
        clock.advance(minutes=1)
        counter_3.call_next()  # A001
        counter_3.recall()
        counter_5.complete("registered")
        counter_5.call_next()  # B001
        counter_3.no_show()
        counter_3.call_next()  # nobody
        with sessions() as session:
            tickets = [
                tuple(row)
                for row in session.execute(
                    select(
                        Ticket.label,
                        Ticket.state,
                        Ticket.counter,
                        Ticket.target_counter,
                        Ticket.staff_id,
                        Ticket.called_at,
                        Ticket.transfers,
                    ).order_by(Ticket.label)
                )
            ]
            audit = [
                tuple(row)
                for row in session.execute(
                    select(
                        StaffAudit.at,
                        StaffAudit.action,
                        StaffAudit.ticket_label,
                        StaffAudit.counter,
                        StaffAudit.staff_id,
                        StaffAudit.station_id,
                        StaffAudit.detail,
                    ).order_by(StaffAudit.id)
                )
            ]
            call_times = [tuple(r) for r in session.execute(select(Call.at, Call.service_id))]
        return {
            "events": event_rows(sessions),
            "calls": call_rows(sessions),
            "call_times": call_times,
            "tickets": tickets,
            "audit": audit,
        }
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_one_statement_call_writes_the_same_rows_as_sqlite(
    pg_url: str, tmp_path: Path, sample_pack: ContentPack
) -> None:
    on_sqlite = _front_desk_day(f"sqlite:///{tmp_path / 'kiosk.db'}", sample_pack)
    on_postgresql = _front_desk_day(pg_url, sample_pack)

    assert on_postgresql == on_sqlite
    assert on_sqlite["events"] == [
        ("A002", "call", S.CALLED, LICENSE, "3", MARIA.id),
        ("A002", "transfer", S.WAITING, LICENSE, "3", MARIA.id),
        ("A002", "call", S.CALLED, LICENSE, "5", OBI.id),
        ("A001", "call", S.CALLED, LICENSE, "3", MARIA.id),
        ("A001", "recall", S.CALLED, LICENSE, "3", MARIA.id),
        ("A002", "complete", S.DONE, LICENSE, "5", OBI.id),
        ("B001", "call", S.CALLED, VEHICLE, "5", OBI.id),
        ("A001", "no_show", S.NO_SHOW, LICENSE, "3", MARIA.id),
    ]
    assert on_sqlite["calls"] == [
        ("A002", "3", 0),
        ("A002", "5", 0),
        ("A001", "3", 0),
        ("A001", "3", 1),
        ("B001", "5", 0),
    ]
