"""Several kiosks issuing at once never hand out one number twice and never skip one.

Each kiosk is a separate process (spawned, so nothing is shared but the store)
with its own engine, all released together by a barrier.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import time
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kiosk.config import SAMPLE_PACK
from kiosk.content import load_pack
from kiosk.queue import QueueService
from offline_cache.engine import make_engine, make_sessionmaker
from offline_cache.migrate import upgrade
from offline_cache.models import Ticket, TicketCounter, TicketEvent

pytestmark = pytest.mark.slow

KIOSKS = 4
TICKETS_PER_KIOSK = 50
BUSY_SERVICE = "license-renewal"  # prefix A: every kiosk issues most tickets here
OTHER_SERVICE = "vehicle-registration"  # prefix B: every fifth ticket
START = dt.datetime(2025, 3, 3, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago, mid-day


def kiosk_process(url: str, kiosk: int, barrier: Any, results: Any) -> None:
    """One kiosk: its own engine and queue, issuing as fast as it can once all are ready."""
    engine = make_engine(url)
    try:
        t0 = time.monotonic()
        queue = QueueService(
            make_sessionmaker(engine),
            load_pack(SAMPLE_PACK),
            f"kiosk-{kiosk:02d}",
            tz=ZoneInfo("America/Chicago"),
            clock=lambda: START + dt.timedelta(seconds=time.monotonic() - t0),
        )
        barrier.wait(timeout=60)
        issued = []
        for i in range(TICKETS_PER_KIOSK):
            service = OTHER_SERVICE if i % 5 == 4 else BUSY_SERVICE
            ticket = queue.issue(service, "en")
            issued.append((ticket.id, ticket.service_id, ticket.number, ticket.label))
        results.put((kiosk, issued, None))
    except BaseException as exc:  # report to the parent instead of dying silently
        results.put((kiosk, [], repr(exc)))
    finally:
        engine.dispose()


def issue_from_many_processes(url: str) -> list[tuple[str, str, int, str]]:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(KIOSKS)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=kiosk_process, args=(url, k, barrier, results), daemon=True)
        for k in range(KIOSKS)
    ]
    for worker in workers:
        worker.start()
    try:
        reports = [results.get(timeout=120) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    errors = {kiosk: error for kiosk, _, error in reports if error}
    assert errors == {}, f"kiosk processes failed: {errors}"
    return [ticket for _, issued, _ in reports for ticket in issued]


def assert_numbers_unique_and_gapless(url: str, issued: list[tuple[str, str, int, str]]) -> None:
    per_service = Counter(service for _, service, _, _ in issued)
    assert sum(per_service.values()) == KIOSKS * TICKETS_PER_KIOSK
    assert per_service[OTHER_SERVICE] == KIOSKS * TICKETS_PER_KIOSK // 5

    labels = [label for _, _, _, label in issued]
    duplicates = [label for label, n in Counter(labels).items() if n > 1]
    assert duplicates == []
    for service, count in per_service.items():
        numbers = sorted(number for _, s, number, _ in issued if s == service)
        assert numbers == list(range(1, count + 1)), f"{service} numbers have gaps"

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            stored = {
                row.id: (row.service_id, row.number, row.label)
                for row in session.scalars(select(Ticket))
            }
            counters = dict(
                session.execute(select(TicketCounter.service_id, TicketCounter.last_number)).all()
            )
            events = Counter(session.scalars(select(TicketEvent.ticket_id)))
    finally:
        engine.dispose()
    assert stored == {tid: (service, n, label) for tid, service, n, label in issued}
    assert counters == dict(per_service)
    assert set(events) == set(stored)
    assert set(events.values()) == {1}


def test_kiosks_sharing_one_sqlite_file_never_duplicate_or_skip_a_number(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared' / 'kiosk.db'}"

    issued = issue_from_many_processes(url)

    assert_numbers_unique_and_gapless(url, issued)


@pytest.mark.postgres
def test_kiosks_sharing_one_postgresql_server_never_duplicate_or_skip_a_number(
    pg_url: str,
) -> None:
    issued = issue_from_many_processes(pg_url)

    assert_numbers_unique_and_gapless(pg_url, issued)
