"""What the waiting room sees: the newest calls, new calls as they happen, waits per service.

The board reads what the counters wrote, through read-only sessions, on a SQLite
file and on the real PostgreSQL server (the ``store`` fixture).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.board import BoardFeed
from kiosk.content import ContentPack
from kiosk.counter import CounterDesk
from kiosk.queue import QueueService
from kiosk.staff import StaffMember
from offline_cache.engine import make_sessionmaker

CHICAGO = ZoneInfo("America/Chicago")
LICENSE = "license-renewal"  # prefix A
VEHICLE = "vehicle-registration"  # prefix B


class Clock:
    """The time the queue, the counters and the board see; tests move it by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2025, 1, 14, 10, 0, tzinfo=CHICAGO))


@pytest.fixture
def sessions(store: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(store)


@pytest.fixture
def queue(sessions: sessionmaker[Session], sample_pack: ContentPack, clock: Clock) -> QueueService:
    return QueueService(sessions, sample_pack, "kiosk-01", tz=CHICAGO, clock=clock)


@pytest.fixture
def board(store: Engine, sample_pack: ContentPack, queue: QueueService) -> BoardFeed:
    return BoardFeed(make_sessionmaker(store, read_only=True), sample_pack, queue)


def desk(
    sessions: sessionmaker[Session],
    pack: ContentPack,
    clock: Clock,
    counter: str,
    services: Sequence[str] = (LICENSE,),
) -> CounterDesk:
    opened = CounterDesk(
        sessions,
        pack,
        station_id=f"counter-pc-{counter}",
        counter=counter,
        staff=StaffMember(f"clerk{counter}", f"Clerk {counter}"),
        services=services,
        clock=clock,
        tz=CHICAGO,
    )
    opened.open()
    return opened


def test_board_shows_todays_calls_newest_first_each_ticket_once_at_its_latest_call(
    queue: QueueService,
    board: BoardFeed,
    sessions: sessionmaker[Session],
    sample_pack: ContentPack,
    clock: Clock,
) -> None:
    # 23:30 in Chicago yesterday is 05:30 UTC today: the board's day is the local one.
    clock.now = dt.datetime(2025, 1, 13, 23, 30, tzinfo=CHICAGO)
    queue.issue(LICENSE, "en")
    desk(sessions, sample_pack, clock, "9").call_next()
    clock.now = dt.datetime(2025, 1, 14, 9, 0, tzinfo=CHICAGO)
    for _ in range(3):
        queue.issue(LICENSE, "en")
    counter_3, counter_4 = (
        desk(sessions, sample_pack, clock, "3"),
        desk(sessions, sample_pack, clock, "4"),
    )
    counter_3.call_next()  # A001
    clock.advance(minutes=1)
    counter_4.call_next()  # A002
    clock.advance(minutes=1)
    counter_3.recall()  # A001 again: back to the top

    shown = board.recent()

    assert [(c.label, c.counter, c.recall) for c in shown] == [("A001", "3", 1), ("A002", "4", 0)]
    assert [c.at for c in shown] == [clock.now, clock.now - dt.timedelta(minutes=1)]
    assert [(c.label, c.recall) for c in board.recent(limit=1)] == [("A001", 1)]
    counter_4.complete("done")
    counter_4.call_next()  # A003
    assert [c.label for c in board.recent()] == ["A003", "A001", "A002"]


def test_a_starting_board_follows_new_calls_in_the_order_made_recalls_included(
    queue: QueueService,
    board: BoardFeed,
    sessions: sessionmaker[Session],
    sample_pack: ContentPack,
    clock: Clock,
) -> None:
    assert board.last_call_id() == 0
    assert board.recent() == []
    queue.issue(LICENSE, "en")
    queue.issue(VEHICLE, "en")
    counter_3 = desk(sessions, sample_pack, clock, "3")
    counter_3.call_next()  # A001, before the board starts
    start = board.last_call_id()

    counter_6 = desk(sessions, sample_pack, clock, "6", [VEHICLE])
    counter_6.call_next()  # B001
    counter_3.recall()
    counter_6.recall()
    new = board.calls_after(start)

    assert [(c.label, c.counter, c.service_id, c.recall) for c in new] == [
        ("B001", "6", VEHICLE, 0),
        ("A001", "3", LICENSE, 1),
        ("B001", "6", VEHICLE, 1),
    ]
    assert [c.id for c in new] == sorted(c.id for c in new) and new[0].id > start
    assert board.last_call_id() == new[-1].id
    assert board.calls_after(board.last_call_id()) == []


def test_waits_count_the_people_waiting_in_each_queue_including_transfers(
    queue: QueueService,
    board: BoardFeed,
    sessions: sessionmaker[Session],
    sample_pack: ContentPack,
    clock: Clock,
) -> None:
    assert {(w.waiting, w.estimated_minutes) for w in board.waits()} == {(0, 0)}
    assert [w.service_id for w in board.waits()] == [s.id for s in sample_pack.services]
    for service in (LICENSE, LICENSE, VEHICLE):
        queue.issue(service, "en")
        clock.advance(minutes=1)
    counter_3 = desk(sessions, sample_pack, clock, "3")
    counter_3.call_next()  # A001 leaves the license queue...
    counter_3.transfer(service_id=VEHICLE)  # ...and joins the vehicle one

    waits = {w.service_id: w for w in board.waits()}

    assert (waits[LICENSE].waiting, waits[VEHICLE].waiting) == (1, 2)
    # No history yet and no counter serving these queues right now: the pack's
    # average service time per person ahead.
    for service_id in (LICENSE, VEHICLE):
        average = sample_pack.service(service_id).average_service_minutes
        expected = math.ceil(waits[service_id].waiting * average)
        assert waits[service_id].estimated_minutes == expected
    assert all(
        (w.waiting, w.estimated_minutes) == (0, 0)
        for s, w in waits.items()
        if s not in (LICENSE, VEHICLE)
    )
