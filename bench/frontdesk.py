"""Front desk speed on a shared PostgreSQL store (``make bench``).

1. Call-next latency with 20 counters: pressing "next" at the same moment, in
   rounds (20 processes released together by a barrier each round), and
   pressing at random moments (each clerk every 0-2 s, a far busier center
   than a real one): p50/p95 against a floor of the same 20 processes running
   a bare one-statement transaction the same way. Goal: p95 under 20 ms.
2. A rush: 4 kiosk processes issue 10,000 tickets while 20 counter processes
   call and complete them (the concurrency test's full size): tickets issued
   per second across the 4 kiosks, against 4 processes committing a bare
   one-row INSERT; and the checks that every ticket was called exactly once.
3. Call-to-board latency: a counter in another process calls; the real board
   window (offscreen) shows it. Against a floor of a bare loop polling the
   calls table at the same interval. Goal: under 1 s.

The server is KIOSK_BENCH_PG_URL, else KIOSK_TEST_PG_URL, else the local one;
each run uses a scratch database it drops afterwards.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.common import p95
from bench.frontdesk_load import SERVICES, check_rush, rush

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COUNTERS = 20
ROUNDS = 30


@contextmanager
def scratch_db() -> Iterator[str]:
    base = make_url(
        os.environ.get("KIOSK_BENCH_PG_URL") or os.environ.get("KIOSK_TEST_PG_URL") or DEFAULT_PG
    )
    name = f"onestop_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _burst_counter(
    url: str, n: int, rounds: int, floor: bool, together: bool, barrier: Any, out: Any
) -> None:
    import random
    from zoneinfo import ZoneInfo

    from bench.frontdesk_load import TZ, _clock
    from kiosk.config import SAMPLE_PACK
    from kiosk.content import load_pack
    from kiosk.counter import CounterDesk
    from kiosk.staff import StaffMember
    from offline_cache.engine import make_engine, make_sessionmaker

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    desk = CounterDesk(
        sessions,
        load_pack(SAMPLE_PACK),
        station_id=f"bench-{n}",
        counter=str(n + 1),
        staff=StaffMember(f"clerk-{n}", "Clerk"),
        services=SERVICES,
        clock=_clock(),
        tz=ZoneInfo(TZ),
    )
    desk.open()
    seconds = []
    barrier.wait(timeout=120)
    for _ in range(rounds):
        if together:
            barrier.wait(timeout=120)
        else:
            time.sleep(random.uniform(0, 2))
        t = time.perf_counter()
        if floor:
            with sessions.begin() as session:
                session.execute(text("SELECT 1"))
        else:
            assert desk.call_next() is not None
        seconds.append(time.perf_counter() - t)
        if not floor:
            desk.complete("Done")
    out.put(seconds)
    engine.dispose()


def _bursts(url: str, floor: bool, together: bool) -> list[float]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(COUNTERS)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_burst_counter, args=(url, n, ROUNDS, floor, together, barrier, out))
        for n in range(COUNTERS)
    ]
    for p in procs:
        p.start()
    seconds = [s for _ in procs for s in out.get(timeout=600)]
    for p in procs:
        p.join(timeout=60)
    return seconds


def call_next_latency() -> None:
    from zoneinfo import ZoneInfo

    from bench.frontdesk_load import TZ, _clock
    from kiosk.config import SAMPLE_PACK
    from kiosk.content import load_pack
    from kiosk.queue import QueueService
    from offline_cache.engine import make_engine, make_sessionmaker
    from offline_cache.migrate import upgrade

    with scratch_db() as url:
        engine = make_engine(url)
        upgrade(engine)
        queue = QueueService(
            make_sessionmaker(engine), load_pack(SAMPLE_PACK), "k", tz=ZoneInfo(TZ), clock=_clock()
        )
        for i in range(2 * COUNTERS * ROUNDS + 100):  # never empty: 100 still waiting at the end
            queue.issue(SERVICES[i % len(SERVICES)], "en", priority=i % 9 == 0)
        engine.dispose()
        for together, how in ((True, "pressing at once"), (False, "each every 0-2 s")):
            floor = _bursts(url, floor=True, together=together)
            calls = _bursts(url, floor=False, together=together)
            f50, f95 = statistics.median(floor), p95(floor)
            c50, c95 = statistics.median(calls), p95(calls)
            print(f"call next, {COUNTERS} counters {how}, {ROUNDS} calls each (PostgreSQL)")
            print(f"  call next   p50 {c50 * 1000:6.1f} ms   p95 {c95 * 1000:6.1f} ms")
            print(
                f"  floor       p50 {f50 * 1000:6.1f} ms   p95 {f95 * 1000:6.1f} ms "
                "(bare SELECT 1 transaction)"
            )
            print(f"  p95 {c95 / f95:.1f}x floor   goal: p95 under 20 ms")


def _insert_floor(url: str, count: int, barrier: Any, out: Any) -> None:
    from offline_cache.engine import make_engine

    engine = make_engine(url)
    barrier.wait(timeout=120)
    t = time.perf_counter()
    for _ in range(count):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO bench_floor (n) VALUES (1)"))
    out.put(time.perf_counter() - t)
    engine.dispose()


def rush_rate() -> None:
    kiosks, per_kiosk, counters, per_counter = 4, 2500, 20, 500
    with scratch_db() as url:
        result = rush(url, kiosks, per_kiosk, counters, per_counter)
        problems = check_rush(url, result, kiosks, counters, per_counter)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_floor (n integer)"))
        engine.dispose()
        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(kiosks)
        out = ctx.Queue()
        count = 1000
        procs = [
            ctx.Process(target=_insert_floor, args=(url, count, barrier, out))
            for _ in range(kiosks)
        ]
        for p in procs:
            p.start()
        floor_s = max(out.get(timeout=600) for _ in procs)
        for p in procs:
            p.join(timeout=60)
    issued = kiosks * per_kiosk
    rate = issued / max(result.kiosk_wall_s)
    floor_rate = kiosks * count / floor_s
    print(f"rush: {kiosks} kiosks issue {issued} tickets while {counters} counters call them")
    print(f"  {rate:7.0f} tickets/s across the kiosks   floor {floor_rate:7.0f} bare inserts/s")
    print(f"  {rate / floor_rate:.2f}x floor; wall {result.wall_s:.0f} s; call next under load")
    print(
        f"  p50 {statistics.median(result.call_seconds) * 1000:.0f} ms "
        f"p95 {p95(result.call_seconds) * 1000:.0f} ms (20 counters + 4 kiosks on this machine)"
    )
    print(
        "  every ticket called exactly once, no number twice or skipped: "
        + ("yes" if not problems else "NO: " + "; ".join(problems))
    )


def main() -> None:
    call_next_latency()
    rush_rate()
    from bench.board_latency import board_latency

    board_latency()


if __name__ == "__main__":
    main()
