"""A rush hour: kiosks issue while counters call, each in its own process, on one store.

Every ticket must be called exactly once (no two counters get the same one,
none is left behind), and no number is issued twice or skipped; the store is
checked against what every process says it did (bench.frontdesk_load.check_rush).
The issue's full size (20 counters x 500 calls, 4 kiosks issuing 10,000) runs
in ``make bench`` (bench/frontdesk.py), with the same checks; here PostgreSQL
runs 20 counters x 100 calls, and SQLite, the single-machine store, a smaller
rush.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.frontdesk_load import check_rush, rush

pytestmark = pytest.mark.slow


@pytest.mark.postgres
def test_twenty_counters_and_four_kiosks_on_postgresql_call_every_ticket_once(
    pg_url: str,
) -> None:
    result = rush(pg_url, kiosks=4, per_kiosk=500, counters=20, per_counter=100)
    assert check_rush(pg_url, result, kiosks=4, counters=20, per_counter=100) == []
    assert len(result.call_seconds) == 2000


def test_counters_and_kiosks_in_separate_processes_on_sqlite_call_every_ticket_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/rush.db"
    result = rush(url, kiosks=2, per_kiosk=100, counters=4, per_counter=50)
    assert check_rush(url, result, kiosks=2, counters=4, per_counter=50) == []
    assert len(result.call_seconds) == 200


def test_the_rush_check_catches_a_ticket_called_twice_and_a_ticket_left_waiting(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/rush.db"
    result = rush(url, kiosks=1, per_kiosk=4, counters=2, per_counter=2)
    assert check_rush(url, result, kiosks=1, counters=2, per_counter=2) == []

    result.called[0].append(result.called[1][0])  # as if two counters got one ticket
    problems = check_rush(url, result, kiosks=1, counters=2, per_counter=2)
    assert "a ticket was called by two counters" in problems
    assert "counters called [3, 2], not 2 each" in problems

    from kiosk.config import SAMPLE_PACK
    from kiosk.content import load_pack
    from kiosk.queue import QueueService
    from offline_cache.engine import make_engine, make_sessionmaker

    engine = make_engine(url)
    QueueService(make_sessionmaker(engine), load_pack(SAMPLE_PACK), "k").issue("id-card", "en")
    engine.dispose()
    result.called[0].pop()
    problems = check_rush(url, result, kiosks=1, counters=2, per_counter=2)
    assert any(p.startswith("ticket states in the store") for p in problems)
