"""``kiosk sync ...``: a technician's view of delivery to the agencies, without a screen.

``status`` and ``list`` read; ``run`` sends (once, or until stopped: the same
loop as the kiosk's worker thread); ``retry``, ``discard`` and ``confirm``
change one submission and leave an audit line naming the person at the
terminal. Nothing here prints a citizen's answers: only references, states
and the agencies' messages.
"""

from __future__ import annotations

import getpass
import signal
import sys
import threading
from typing import Any

from kiosk.config import StationConfig
from kiosk.problems import EXIT_BAD_INPUT


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry in some containers
        return "cli"


def status(config: StationConfig) -> int:
    """Counts by state, the oldest waiting form, every dead letter with its message."""
    from kiosk.commands import store_sessions
    from kiosk.sync.status import outbox_status

    with store_sessions(config) as sessions:
        found = outbox_status(sessions)
    counts = ", ".join(f"{n} {state}" for state, n in found.counts.items())
    print(f"outbox: {counts}")
    if found.oldest_waiting is not None:
        print(f"oldest waiting since {found.oldest_waiting.isoformat(timespec='seconds')}")
    for letter in found.dead:
        print(
            f"{letter.state}: {letter.reference} ({letter.service_id}), "
            f"{letter.attempts} attempt(s): {letter.last_error or 'no message'}"
        )
    return 0


def listing(config: StationConfig) -> int:
    """Every submission not delivered yet, those needing a person first."""
    from kiosk.station import Station

    station = Station.open(config)
    try:
        rows = station.sync.actions.waiting(limit=None)
    finally:
        station.close()
    for row in rows:
        error = f"  last: {row.last_error}" if row.last_error else ""
        print(
            f"{row.state:<9} {row.reference}  {row.service_id}  tries={row.attempts}  "
            f"since {row.created_at.isoformat(timespec='seconds')}{error}"
        )
    print(f"{len(rows)} submission(s) not delivered")
    return 0


def run(config: StationConfig, once: bool) -> int:
    """Send what is due. ``--once``: one pass over everything due, then exit (0 when
    nothing is left refused or uncertain); otherwise run until SIGINT/SIGTERM."""
    from kiosk.station import Station

    if not config.settings.sync.enabled:
        print(
            "error: sending is turned off in this station's config ([sync] enabled = false)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    station = Station.open(config)
    try:
        # Other agencies' forms still go; those of a broken connector wait, and say why.
        for problem in station.sync.routing.problems:
            print(f"error: {problem}", file=sys.stderr)
        if once:
            done = _run_once(station)
            return EXIT_BAD_INPUT if station.sync.routing.problems else done
        return _run_forever(station)
    finally:
        station.close()


def _run_once(station: Any) -> int:
    from kiosk.sync.policy import Verdict

    worker = station.sync.worker()
    try:
        worker.recover()
        totals = worker.drain()
        worker.resolve_tokens()
        purged = station.sync.actions.purge(station.sync.settings.retention_days)
    finally:
        worker.close()
    state = station.sync.state()
    print(
        f"delivered {totals[Verdict.DELIVERED]}, to retry {totals[Verdict.RETRY]}, "
        f"refused {totals[Verdict.PERMANENT]}, uncertain {totals[Verdict.UNCERTAIN]}; "
        f"now {state.waiting} waiting, {state.attention} for a technician"
        + (f"; purged {purged} old delivered submission(s)" if purged else "")
    )
    return 0 if state.attention == 0 else 1


def _run_forever(station: Any) -> int:
    stopped = threading.Event()

    def stop(_signum: int, _frame: object) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    last: list[object] = [None]

    def report(state: Any) -> None:
        summary = (state.waiting, state.attention, state.offline)
        if summary != last[0]:
            last[0] = summary
            offline = " (offline)" if state.offline else ""
            print(
                f"sync: {state.waiting} waiting, {state.attention} for a technician{offline}",
                flush=True,
            )

    station.sync.start(report)
    print("sync running; stop with Ctrl+C", flush=True)
    stopped.wait()
    station.sync.stop()
    return 0


def act(config: StationConfig, action: str, reference: str, note: str | None) -> int:
    """``retry``, ``discard`` or ``confirm`` one submission, audited."""
    from kiosk.station import Station
    from kiosk.sync.actions import ActionError

    station = Station.open(config)
    try:
        if action == "retry":
            station.sync.retry(reference, _actor(), note)
            print(
                f"{reference.strip().upper()}: will be sent again at the next round "
                "(a running kiosk sends it within half a minute; or kiosk sync run --once)"
            )
        elif action == "discard":
            station.sync.discard(reference, _actor(), note or "")
            print(f"{reference.strip().upper()}: discarded (kept in the audit)")
        else:
            station.sync.confirm(reference, _actor(), note)
            print(f"{reference.strip().upper()}: marked delivered")
    except ActionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        station.close()
    return 0
