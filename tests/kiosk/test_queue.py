"""The queue a citizen joins: numbers, daily reset, place in line, waits, ticket states.

Every test runs on a SQLite file and on the real PostgreSQL server (the ``store``
fixture), with a clock the test moves by hand.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from kiosk.content import ContentPack
from kiosk.queue import QueueError, QueueService
from offline_cache.engine import make_sessionmaker
from offline_cache.models import Ticket, TicketCounter, TicketEvent, TicketState

CHICAGO = ZoneInfo("America/Chicago")
S = TicketState
LICENSE = "license-renewal"  # prefix A, 10 minutes in the sample pack
VEHICLE = "vehicle-registration"  # prefix B


class Clock:
    """The time the queue sees; tests move it by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def chicago(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHICAGO)


@pytest.fixture
def clock() -> Clock:
    return Clock(chicago(2025, 1, 14, 10, 0))


@pytest.fixture
def queue(store: Engine, sample_pack: ContentPack, clock: Clock) -> QueueService:
    return QueueService(make_sessionmaker(store), sample_pack, "kiosk-01", tz=CHICAGO, clock=clock)


def load(store: Engine, ticket_id: str) -> Ticket:
    with make_sessionmaker(store)() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.events  # noqa: B018 - load the events while the session is open
        return ticket


def serve(queue: QueueService, clock: Clock, ticket_id: str, counter: str, minutes: float) -> None:
    """A counter calls the ticket, serves it for ``minutes`` and finishes."""
    queue.transition(ticket_id, S.CALLED, counter=counter)
    queue.transition(ticket_id, S.SERVING)
    clock.advance(minutes=minutes)
    queue.transition(ticket_id, S.DONE)


# --- numbers -----------------------------------------------------------------------------


def test_numbers_are_the_service_prefix_and_three_digits_from_001(queue: QueueService) -> None:
    labels = [queue.issue(LICENSE, "en").label for _ in range(3)]
    tenth = [queue.issue(LICENSE, "en") for _ in range(7)][-1]

    assert labels == ["A001", "A002", "A003"]
    assert (tenth.label, tenth.number) == ("A010", 10)


def test_each_service_counts_on_its_own(queue: QueueService) -> None:
    issued = [queue.issue(s, "es").label for s in (LICENSE, VEHICLE, LICENSE, LICENSE, VEHICLE)]

    assert issued == ["A001", "B001", "A002", "A003", "B002"]


def test_issued_ticket_is_stored_waiting_with_its_first_event(
    queue: QueueService, store: Engine, clock: Clock
) -> None:
    issued = queue.issue(VEHICLE, "es", priority=True)

    ticket = load(store, issued.id)
    assert (ticket.label, ticket.number, ticket.state) == ("B001", 1, S.WAITING)
    assert ticket.priority is True
    assert ticket.language == "es"
    assert ticket.station_id == "kiosk-01"
    assert ticket.business_date == dt.date(2025, 1, 14) == issued.business_date
    assert ticket.issued_at == clock.now == issued.issued_at
    assert [(e.state, e.at, e.station_id) for e in ticket.events] == [
        (S.WAITING, clock.now, "kiosk-01")
    ]


def test_numbering_restarts_at_local_midnight_not_at_utc_midnight(
    queue: QueueService, clock: Clock
) -> None:
    # Chicago is UTC-6 in January: UTC midnight is 18:00 local, local midnight is 06:00 UTC.
    clock.now = chicago(2025, 1, 14, 17, 59)
    before_utc_midnight = queue.issue(LICENSE, "en")
    clock.now = chicago(2025, 1, 14, 18, 1)
    after_utc_midnight = queue.issue(LICENSE, "en")
    clock.now = chicago(2025, 1, 14, 23, 59, 59)
    last_of_the_day = queue.issue(LICENSE, "en")
    clock.now = chicago(2025, 1, 15, 0, 0, 1)
    first_of_the_next_day = queue.issue(LICENSE, "en")

    assert before_utc_midnight.issued_at.astimezone(dt.UTC).date() == dt.date(2025, 1, 14)
    assert after_utc_midnight.issued_at.astimezone(dt.UTC).date() == dt.date(2025, 1, 15)
    assert [before_utc_midnight.label, after_utc_midnight.label, last_of_the_day.label] == [
        "A001",
        "A002",
        "A003",
    ]
    assert last_of_the_day.business_date == dt.date(2025, 1, 14)
    assert first_of_the_next_day.issued_at.astimezone(dt.UTC).date() == dt.date(2025, 1, 15)
    assert first_of_the_next_day.label == "A001"
    assert first_of_the_next_day.business_date == dt.date(2025, 1, 15)
    # Yesterday's visitors who never came back are not in today's line.
    assert first_of_the_next_day.people_ahead == 0


def test_failed_issue_does_not_use_up_a_number(queue: QueueService, store: Engine) -> None:
    with pytest.raises(IntegrityError):
        queue.issue(LICENSE, None)  # type: ignore[arg-type]  # the store refuses the row
    first = queue.issue(LICENSE, "en")
    with pytest.raises(IntegrityError):
        queue.issue(LICENSE, None)  # type: ignore[arg-type]
    second = queue.issue(LICENSE, "en")

    assert [first.label, second.label] == ["A001", "A002"]
    with make_sessionmaker(store)() as session:
        assert session.scalars(select(Ticket.label).order_by(Ticket.number)).all() == [
            "A001",
            "A002",
        ]
        assert session.scalars(select(TicketCounter.last_number)).one() == 2


# --- place in line -----------------------------------------------------------------------


def test_people_ahead_counts_waiting_tickets_of_the_same_service(
    queue: QueueService, clock: Clock
) -> None:
    first = queue.issue(LICENSE, "en")
    clock.advance(minutes=1)
    queue.issue(VEHICLE, "en")
    clock.advance(minutes=1)
    second = queue.issue(LICENSE, "en")
    clock.advance(minutes=1)
    third = queue.issue(LICENSE, "en")

    assert [first.people_ahead, second.people_ahead, third.people_ahead] == [0, 1, 2]

    queue.transition(first.id, S.CALLED, counter="1")
    assert queue.position(third.id)[0] == 1
    queue.transition(second.id, S.CANCELLED)
    assert queue.position(third.id)[0] == 0


def test_tickets_issued_in_the_same_instant_keep_their_number_order(
    queue: QueueService,
) -> None:
    # The clock does not move: two kiosks can stamp the same time (coarse clocks, or
    # one kiosk reading the clock first and the other taking the number first).
    first = queue.issue(LICENSE, "en")
    second = queue.issue(LICENSE, "en")
    third = queue.issue(LICENSE, "en")

    assert [queue.position(t.id)[0] for t in (first, second, third)] == [0, 1, 2]


def test_priority_tickets_go_ahead_of_normal_ones(queue: QueueService, clock: Clock) -> None:
    normal_1 = queue.issue(LICENSE, "en")
    clock.advance(minutes=1)
    normal_2 = queue.issue(LICENSE, "en")
    clock.advance(minutes=1)
    priority_1 = queue.issue(LICENSE, "en", priority=True)
    clock.advance(minutes=1)
    priority_2 = queue.issue(LICENSE, "en", priority=True)
    clock.advance(minutes=1)
    normal_3 = queue.issue(LICENSE, "en")

    assert priority_1.people_ahead == 0
    assert priority_2.people_ahead == 1
    assert normal_3.people_ahead == 4
    assert queue.position(normal_1.id)[0] == 2
    assert queue.position(normal_2.id)[0] == 3


def test_position_of_unknown_ticket_is_a_queue_error(queue: QueueService) -> None:
    with pytest.raises(QueueError, match="no ticket with id nope"):
        queue.position("nope")


def test_unknown_service_is_a_queue_error_and_takes_no_number(queue: QueueService) -> None:
    with pytest.raises(QueueError, match="no service 'passport' in content pack"):
        queue.issue("passport", "en")
    assert queue.issue("id-card", "en").label == "C001"


# --- estimated waits ---------------------------------------------------------------------


def test_wait_uses_the_pack_figure_until_three_visitors_were_served_then_the_median(
    queue: QueueService, clock: Clock
) -> None:
    tickets = [queue.issue(LICENSE, "en") for _ in range(3)]
    # Nobody served yet: 2 people ahead x the pack's 10 minutes.
    assert tickets[2].estimated_wait_minutes == 20

    serve(queue, clock, tickets[0].id, "1", minutes=2)
    assert queue.issue(LICENSE, "en").estimated_wait_minutes == 20  # 1 sample: pack figure
    serve(queue, clock, tickets[1].id, "1", minutes=4)
    assert queue.issue(LICENSE, "en").estimated_wait_minutes == 20  # 2 samples: pack figure

    serve(queue, clock, tickets[2].id, "1", minutes=20)
    # Samples 2, 4 and 20 minutes: the median (4) rules, not the mean (8.7) or the pack (10).
    latest = queue.issue(LICENSE, "en")
    assert latest.people_ahead == 2
    assert latest.estimated_wait_minutes == 8


def test_wait_is_shared_by_the_counters_that_called_in_the_last_30_minutes(
    queue: QueueService, clock: Clock
) -> None:
    served = [queue.issue(LICENSE, "en") for _ in range(3)]
    waiting = [queue.issue(LICENSE, "en") for _ in range(5)]
    for ticket in served:
        serve(queue, clock, ticket.id, "1", minutes=6)
    queue.transition(waiting[0].id, S.CALLED, counter="2")

    # Four people ahead of the last one, 6 minutes each, two counters calling.
    assert queue.position(waiting[-1].id) == (3, 9)

    clock.advance(minutes=31)  # nobody called anyone for half an hour
    assert queue.position(waiting[-1].id) == (3, 18)


def test_next_in_line_has_no_wait(queue: QueueService) -> None:
    ticket = queue.issue(LICENSE, "en")

    assert (ticket.people_ahead, ticket.estimated_wait_minutes) == (0, 0)
    assert queue.position(ticket.id) == (0, 0)


# --- ticket states -----------------------------------------------------------------------


def test_a_visit_records_when_each_step_happened(
    queue: QueueService, store: Engine, clock: Clock
) -> None:
    issued = queue.issue(LICENSE, "en")
    t0 = clock.now
    clock.advance(minutes=7)
    queue.transition(issued.id, S.CALLED, counter="3")
    t1 = clock.now
    clock.advance(seconds=40)
    queue.transition(issued.id, S.SERVING)
    t2 = clock.now
    clock.advance(minutes=9)
    queue.transition(issued.id, S.DONE)
    t3 = clock.now

    ticket = load(store, issued.id)
    assert ticket.state == S.DONE
    assert ticket.counter == "3"
    assert (ticket.issued_at, ticket.called_at, ticket.serving_at, ticket.finished_at) == (
        t0,
        t1,
        t2,
        t3,
    )
    assert [(e.state, e.at, e.counter) for e in ticket.events] == [
        (S.WAITING, t0, None),
        (S.CALLED, t1, "3"),
        (S.SERVING, t2, None),
        (S.DONE, t3, None),
    ]


def test_recalled_ticket_goes_back_to_waiting_and_can_be_called_again(
    queue: QueueService, store: Engine
) -> None:
    issued = queue.issue(LICENSE, "en")
    queue.transition(issued.id, S.CALLED, counter="1")
    queue.transition(issued.id, S.WAITING)
    queue.transition(issued.id, S.CALLED, counter="2")

    ticket = load(store, issued.id)
    assert ticket.counter == "2"
    assert [e.state for e in ticket.events] == [S.WAITING, S.CALLED, S.WAITING, S.CALLED]


# What a counter may do to a ticket in each state (the brief's queue actions).
# A transfer is a move back to WAITING (in another queue); TRANSFERRED is only
# found on tickets stored before that, and nothing moves a ticket there now.
ALLOWED = {
    (S.WAITING, S.CALLED),
    (S.WAITING, S.CANCELLED),
    (S.CALLED, S.SERVING),
    (S.CALLED, S.DONE),
    (S.CALLED, S.NO_SHOW),
    (S.CALLED, S.WAITING),
    (S.CALLED, S.CANCELLED),
    (S.CALLED, S.PARKED),
    (S.SERVING, S.DONE),
    (S.SERVING, S.WAITING),
    (S.SERVING, S.PARKED),
    (S.PARKED, S.CALLED),
    (S.PARKED, S.WAITING),
    (S.PARKED, S.CANCELLED),
}
PATH_TO = {
    S.WAITING: [],
    S.CALLED: [S.CALLED],
    S.SERVING: [S.CALLED, S.SERVING],
    S.DONE: [S.CALLED, S.SERVING, S.DONE],
    S.NO_SHOW: [S.CALLED, S.NO_SHOW],
    S.CANCELLED: [S.CANCELLED],
    S.PARKED: [S.CALLED, S.PARKED],
}
TIMESTAMP_OF = {S.CALLED: "called_at", S.SERVING: "serving_at", S.WAITING: None, S.PARKED: None}


def test_every_move_between_states_is_allowed_or_refused_clearly(
    queue: QueueService, store: Engine, clock: Clock
) -> None:
    for source in PATH_TO:
        for target in S:
            issued = queue.issue(LICENSE, "en")
            for step in PATH_TO[source]:
                queue.transition(issued.id, step, counter="4")
            before = load(store, issued.id)
            clock.advance(seconds=1)

            if (source, target) in ALLOWED:
                queue.transition(issued.id, target, counter="5")
                after = load(store, issued.id)
                assert after.state == target
                assert after.counter == "5"
                field = TIMESTAMP_OF.get(target, "finished_at")
                if field:
                    assert getattr(after, field) == clock.now, (source, target)
                assert (after.events[-1].state, after.events[-1].at) == (target, clock.now)
                assert len(after.events) == len(before.events) + 1
            else:
                with pytest.raises(QueueError) as caught:
                    queue.transition(issued.id, target, counter="5")
                assert str(caught.value) == (
                    f"ticket {issued.label} is {source.value}; it cannot become {target.value}"
                )
                after = load(store, issued.id)
                assert (after.state, after.counter) == (source, before.counter)
                assert len(after.events) == len(before.events)


def test_moving_an_unknown_ticket_is_a_queue_error(queue: QueueService, store: Engine) -> None:
    with pytest.raises(QueueError, match="no ticket with id 12345"):
        queue.transition("12345", S.CALLED, counter="1")
    with make_sessionmaker(store)() as session:
        assert session.scalars(select(TicketEvent)).all() == []
