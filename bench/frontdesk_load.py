"""A front-desk rush: kiosk processes issuing tickets while counter processes call them.

Used by the concurrency tests (tests/kiosk/test_frontdesk_concurrency.py) and
by ``make bench`` (bench/frontdesk.py). Every kiosk and every counter is a
separate process (spawned: nothing shared but the store) with its own engine,
released together by a barrier. Each counter calls next and completes until it
has served its share; each kiosk issues its share. What each did comes back to
the parent, which checks the store against it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import SAMPLE_PACK
from kiosk.content import load_pack
from kiosk.counter import CounterDesk
from kiosk.queue import QueueService
from kiosk.staff import StaffMember
from offline_cache.engine import make_engine, make_sessionmaker
from offline_cache.migrate import upgrade

SERVICES = ("license-renewal", "vehicle-registration", "id-card")
START = dt.datetime(2025, 3, 3, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago
TZ = "America/Chicago"
# A counter that finds nobody waiting looks again after a pause that doubles up
# to IDLE_MAX_S (a clerk cannot press "next" hundreds of times a second either).
IDLE_SLEEP_S = 0.05
IDLE_MAX_S = 0.2
DEADLINE_S = 600


def _clock() -> Any:
    t0 = time.monotonic()
    return lambda: START + dt.timedelta(seconds=time.monotonic() - t0)


def kiosk_process(url: str, kiosk: int, count: int, barrier: Any, results: Any) -> None:
    engine = make_engine(url)
    try:
        queue = QueueService(
            make_sessionmaker(engine),
            load_pack(SAMPLE_PACK),
            f"kiosk-{kiosk:02d}",
            tz=ZoneInfo(TZ),
            clock=_clock(),
        )
        barrier.wait(timeout=120)
        issued, seconds = [], []
        started = time.perf_counter()
        for i in range(count):
            t = time.perf_counter()
            ticket = queue.issue(SERVICES[(i + kiosk) % len(SERVICES)], "en", priority=i % 7 == 0)
            seconds.append(time.perf_counter() - t)
            issued.append((ticket.id, ticket.service_id, ticket.number))
        seconds.append(time.perf_counter() - started)  # the last: the kiosk's whole run
        results.put(("kiosk", kiosk, issued, seconds, None))
    except BaseException as exc:  # report to the parent instead of dying silently
        results.put(("kiosk", kiosk, [], [], repr(exc)))
    finally:
        engine.dispose()


def counter_process(url: str, counter: int, calls: int, barrier: Any, results: Any) -> None:
    engine = make_engine(url)
    try:
        desk = CounterDesk(
            make_sessionmaker(engine),
            load_pack(SAMPLE_PACK),
            station_id=f"counter-{counter:02d}",
            counter=str(counter + 1),
            staff=StaffMember(f"clerk-{counter:02d}", f"Clerk {counter}"),
            services=SERVICES,
            clock=_clock(),
            tz=ZoneInfo(TZ),
        )
        desk.open()
        barrier.wait(timeout=120)
        called, seconds = [], []
        deadline = time.monotonic() + DEADLINE_S
        pause = IDLE_SLEEP_S
        while len(called) < calls and time.monotonic() < deadline:
            t = time.perf_counter()
            ticket = desk.call_next()
            if ticket is None:
                time.sleep(pause)
                pause = min(IDLE_MAX_S, pause * 2)
                continue
            pause = IDLE_SLEEP_S
            seconds.append(time.perf_counter() - t)
            called.append(ticket.id)
            desk.complete("Done")
        desk.close()
        results.put(("counter", counter, called, seconds, None))
    except BaseException as exc:
        results.put(("counter", counter, [], [], repr(exc)))
    finally:
        engine.dispose()


@dataclass
class Rush:
    """What every process reported."""

    issued: dict[int, list[tuple[str, str, int]]] = field(default_factory=dict)
    called: dict[int, list[str]] = field(default_factory=dict)
    issue_seconds: list[float] = field(default_factory=list)
    kiosk_wall_s: list[float] = field(default_factory=list)
    call_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0


def rush(url: str, kiosks: int, per_kiosk: int, counters: int, per_counter: int) -> Rush:
    """Run the rush on a migrated store at ``url``; kiosks x per_kiosk must equal
    counters x per_counter, so every ticket issued is called by somebody."""
    assert kiosks * per_kiosk == counters * per_counter
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(kiosks + counters + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=kiosk_process, args=(url, k, per_kiosk, barrier, results), daemon=True)
        for k in range(kiosks)
    ] + [
        ctx.Process(
            target=counter_process, args=(url, c, per_counter, barrier, results), daemon=True
        )
        for c in range(counters)
    ]
    for p in procs:
        p.start()
    barrier.wait(timeout=180)
    started = time.monotonic()
    out = Rush()
    for _ in procs:
        kind, n, items, seconds, error = results.get(timeout=DEADLINE_S + 60)
        if error:
            out.errors.append(f"{kind} {n}: {error}")
        if kind == "kiosk":
            out.issued[n] = items
            out.issue_seconds += seconds[:-1]
            out.kiosk_wall_s += seconds[-1:]
        else:
            out.called[n] = items
            out.call_seconds += seconds
    out.wall_s = time.monotonic() - started
    for p in procs:
        p.join(timeout=30)
    return out


def check_rush(url: str, result: Rush, kiosks: int, counters: int, per_counter: int) -> list[str]:
    """What went wrong, checked against the store: [] when every ticket was called
    exactly once by the counter that says so, and no number was issued twice or skipped."""
    from collections import Counter

    from sqlalchemy import func, select

    from offline_cache.models import Call, Ticket, TicketEvent, TicketState

    problems = list(result.errors)
    if sorted(result.issued) != list(range(kiosks)) or sorted(result.called) != list(
        range(counters)
    ):
        return [*problems, "a process did not report"]
    issued_ids = [t[0] for items in result.issued.values() for t in items]
    called_ids = [t for items in result.called.values() for t in items]
    shares = [len(result.called[c]) for c in range(counters)]
    if shares != [per_counter] * counters:
        problems.append(f"counters called {shares}, not {per_counter} each")
    if len(called_ids) != len(set(called_ids)):
        problems.append("a ticket was called by two counters")
    if set(called_ids) != set(issued_ids):
        problems.append("the tickets called are not the tickets issued")
    numbers: dict[str, list[int]] = {s: [] for s in SERVICES}
    for items in result.issued.values():
        for _id, service, number in items:
            numbers[service].append(number)
    for service, got in numbers.items():
        if sorted(got) != list(range(1, len(got) + 1)):
            problems.append(f"{service}: numbers issued twice or skipped")
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            states = dict(
                session.execute(select(Ticket.state, func.count()).group_by(Ticket.state)).all()
            )
            if states != {TicketState.DONE.value: len(issued_ids)}:
                problems.append(f"ticket states in the store: {states}")
            per_ticket = Counter(session.scalars(select(Call.ticket_id)).all())
            if set(per_ticket.values()) != {1} or len(per_ticket) != len(issued_ids):
                problems.append("the board's calls are not one per ticket")
            events = session.scalar(select(func.count()).where(TicketEvent.action == "call"))
            if events != len(issued_ids):
                problems.append(f"{events} call events for {len(issued_ids)} tickets")
            counter_of = dict(session.execute(select(Ticket.id, Ticket.counter)).all())
            for c, ids in result.called.items():
                if {counter_of[i] for i in ids} != {str(c + 1)}:
                    problems.append(f"counter {c + 1}: the store names another counter")
    finally:
        engine.dispose()
    return problems
