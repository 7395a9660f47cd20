"""Call-to-board latency: a counter in another process calls, the board shows it.

The board is the real window (offscreen Qt) polling the shared PostgreSQL
store as ``kiosk run`` does for the display role; the floor is a bare loop
polling the calls table at the same interval. Each call's latency is the
time the board showed it minus the time the counter's transaction committed
(one machine, one clock). Goal: under 1 s.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import p95
from bench.frontdesk import scratch_db

CALLS = 20
GAP_S = 0.6  # between two calls: the board shows one call at a time, large


def _caller(url: str, ready: Any, out: Any) -> None:
    from zoneinfo import ZoneInfo

    from bench.frontdesk_load import SERVICES, TZ, _clock
    from kiosk.config import SAMPLE_PACK
    from kiosk.content import load_pack
    from kiosk.counter import CounterDesk
    from kiosk.queue import QueueService
    from kiosk.staff import StaffMember
    from offline_cache.engine import make_engine, make_sessionmaker

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    pack = load_pack(SAMPLE_PACK)
    clock = _clock()
    queue = QueueService(sessions, pack, "kiosk", tz=ZoneInfo(TZ), clock=clock)
    for i in range(CALLS):
        queue.issue(SERVICES[i % len(SERVICES)], "en")
    desk = CounterDesk(
        sessions,
        pack,
        station_id="counter",
        counter="7",
        staff=StaffMember("clerk", "Clerk"),
        services=SERVICES,
        clock=clock,
        tz=ZoneInfo(TZ),
    )
    desk.open()
    ready.wait(timeout=120)
    for _ in range(CALLS):
        time.sleep(GAP_S)
        ticket = desk.call_next()
        committed = time.time()
        assert ticket is not None
        out.put((ticket.label, committed))
        desk.complete("Done")
    engine.dispose()


def _measure(url: str, seen: dict[str, float], pump: Any) -> list[float]:
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    out = ctx.Queue()
    proc = ctx.Process(target=_caller, args=(url, ready, out))
    proc.start()
    ready.set()
    committed: dict[str, float] = {}
    deadline = time.monotonic() + 120
    while (len(committed) < CALLS or not set(committed) <= set(seen)) and (
        time.monotonic() < deadline
    ):
        pump()
        while not out.empty():
            label, at = out.get()
            committed[label] = at
    proc.join(timeout=30)
    return [seen[label] - at for label, at in committed.items() if label in seen]


def board_latency() -> None:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from bench.frontdesk_load import TZ, _clock
    from kiosk.board import BoardFeed
    from kiosk.config import load_config
    from kiosk.station import Station
    from ui.display.window import BoardWindow
    from ui.theme import apply_theme

    qInstallMessageHandler(lambda *_: None)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_theme(app)
    with scratch_db() as url, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "board.toml"
        path.write_text(
            f'[station]\nid = "board"\nrole = "display"\ntimezone = "{TZ}"\ndata_dir = "."\n'
            f'[store]\nurl = "{url}"\n[display]\nchime = false\nspeech = "off"\n',
            encoding="utf-8",
        )
        config = load_config(path)
        poll_s = config.settings.display.poll_ms / 1000
        station = Station.open(config, clock=_clock())
        window = BoardWindow(config)
        window.attach(station)
        window.resize(1920, 1080)
        window.show()
        seen: dict[str, float] = {}
        window.call_shown.connect(lambda call: seen.setdefault(call.label, time.time()))

        def pump_qt() -> None:
            app.processEvents()
            time.sleep(0.002)

        board = _measure(url, seen, pump_qt)
        window.detach()
        window.close()
        station.close()

        # The floor: the same calls seen by a bare loop polling at the board's interval.
        station = Station.open(config, clock=_clock())
        feed: BoardFeed = station.board
        bare: dict[str, float] = {}
        last = [feed.last_call_id()]
        next_poll = [time.monotonic()]

        def pump_bare() -> None:
            if time.monotonic() >= next_poll[0]:
                for call in feed.calls_after(last[0]):
                    bare.setdefault(call.label, time.time())
                    last[0] = call.id
                next_poll[0] += poll_s
            time.sleep(0.002)

        # A fresh day's numbers would repeat the labels: the caller issues new ones.
        floor = _measure(url, bare, pump_bare)
        station.close()
    print(f"call -> board, {CALLS} calls from another process (board polls every {poll_s:.2f} s)")
    print(
        f"  board  p50 {statistics.median(board) * 1000:5.0f} ms   p95 {p95(board) * 1000:5.0f} ms"
        f"   max {max(board) * 1000:5.0f} ms  ({len(board)}/{CALLS} seen)"
    )
    print(
        f"  floor  p50 {statistics.median(floor) * 1000:5.0f} ms   p95 {p95(floor) * 1000:5.0f} ms"
        "   (bare poll of the calls table, same interval)"
    )
    print(f"  p95 {p95(board) / p95(floor):.2f}x floor   goal: under 1 s")
