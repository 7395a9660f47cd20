"""A rush hour: kiosks issue while counters call, each in its own process, on one store.

Every ticket must be called exactly once (no two counters get the same one,
none is left behind), and no number is issued twice or skipped. PostgreSQL
runs the full size of the issue (20 counters x 500 calls, 4 kiosks); SQLite,
the single-machine store, a smaller rush with the same checks.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from bench.frontdesk_load import SERVICES, Rush, rush
from offline_cache.engine import make_engine, make_sessionmaker
from offline_cache.models import Call, Ticket, TicketEvent, TicketState

pytestmark = pytest.mark.slow


def check_rush(url: str, result: Rush, kiosks: int, counters: int, per_counter: int) -> None:
    assert result.errors == []
    assert sorted(result.issued) == list(range(kiosks))
    assert sorted(result.called) == list(range(counters))
    issued_ids = [t[0] for items in result.issued.values() for t in items]
    called_ids = [t for items in result.called.values() for t in items]
    # Each counter served its share, and no ticket went to two counters.
    assert [len(result.called[c]) for c in range(counters)] == [per_counter] * counters
    assert len(called_ids) == len(set(called_ids))
    assert set(called_ids) == set(issued_ids)
    # Numbers: per service 1..N, each once, none skipped.
    numbers: dict[str, list[int]] = {s: [] for s in SERVICES}
    for items in result.issued.values():
        for _id, service, number in items:
            numbers[service].append(number)
    for service, got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1)), service

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            states = dict(
                session.execute(select(Ticket.state, func.count()).group_by(Ticket.state)).all()
            )
            assert states == {TicketState.DONE.value: len(issued_ids)}
            calls_per_ticket = Counter(session.scalars(select(Call.ticket_id)).all())
            assert set(calls_per_ticket.values()) == {1}
            assert len(calls_per_ticket) == len(issued_ids)
            call_events = session.scalar(select(func.count()).where(TicketEvent.action == "call"))
            assert call_events == len(issued_ids)
            # The counter that says it called a ticket is the one the store names.
            by_counter = dict(session.execute(select(Ticket.id, Ticket.counter)).all())
            for c, ids in result.called.items():
                assert {by_counter[i] for i in ids} == {str(c + 1)}
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_twenty_counters_and_four_kiosks_on_postgresql_call_every_ticket_once(
    pg_url: str,
) -> None:
    result = rush(pg_url, kiosks=4, per_kiosk=2500, counters=20, per_counter=500)
    check_rush(pg_url, result, kiosks=4, counters=20, per_counter=500)


def test_counters_and_kiosks_in_separate_processes_on_sqlite_call_every_ticket_once(
    tmp_path: object,
) -> None:
    url = f"sqlite:///{tmp_path}/rush.db"
    result = rush(url, kiosks=2, per_kiosk=100, counters=4, per_counter=50)
    check_rush(url, result, kiosks=2, counters=4, per_counter=50)
