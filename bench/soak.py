"""The soak: submissions pushed through a misbehaving agency while the worker is killed.

``count`` submitted forms wait in a station's store; ``kiosk sync run`` sends
them to the reference agency (rest_json) while about 30% of requests go
wrong (500s, the connection dropped after the agency stored the submission,
slow replies past the read timeout, 429 with Retry-After), and the worker
process is killed with SIGKILL at random moments ``kills`` times and started
again. At the end the agency must hold each submission exactly once, and the
station must show every one delivered with the agency's own confirmation.

``make soak`` runs it at full size (2,000); the test suite at a size that fits
CI (tests/kiosk/sync/test_soak.py). Random choices are seeded: a failing run
can be repeated.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select

from bench.backlog import seed, station_config
from kiosk.agency_sim import AgencySim
from offline_cache.models import OutboxEntry

TOKEN = "soak-token"
# One request in ten of each kind goes wrong, roughly: 30% in all.
FAULTS: list[object] = (
    [None] * 70 + [500] * 10 + [503] * 5 + ["drop"] * 8 + [("429", 1)] * 4 + [("slow", 1.5)] * 3
)


@dataclass(frozen=True)
class SoakReport:
    submitted: int
    held_by_agency: int
    requests: int
    replays: int  # requests the agency answered from its idempotency record
    kills: int
    delivered: int
    confirmed_matching: int
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            self.held_by_agency == self.submitted
            and self.delivered == self.submitted
            and self.confirmed_matching == self.submitted
        )


def soak(
    count: int,
    kills: int,
    folder: Path,
    *,
    store_url: str | None = None,
    seed_value: int = 5,
    deadline_s: float = 600.0,
) -> SoakReport:
    rng = random.Random(seed_value)
    started = time.monotonic()
    with AgencySim(token=TOKEN) as agency:
        agency.script.extend(rng.choice(FAULTS) for _ in range(count * 3))  # type: ignore[misc]
        config = station_config(
            folder,
            agency.url,
            TOKEN,
            store_url=store_url,
            extra="senders = 4",
        )
        ids = seed(config, count)
        store = store_url or f"sqlite:///{folder / 'data' / 'kiosk.db'}"
        killed = 0
        worker = _start_worker(config, folder)
        try:
            while killed < kills:
                time.sleep(rng.uniform(0.3, 1.5))
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                killed += 1
                worker = _start_worker(config, folder)
            _wait_until_settled(store, count, started + deadline_s)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        delivered, matching = _local_outcome(store, agency)
        held = set(agency.stored)
        return SoakReport(
            submitted=count,
            # Keyed by idempotency key: a duplicate would show as a key we never sent.
            held_by_agency=len(held) if held == set(ids) else -1,
            requests=agency.requests,
            replays=sum(s.times_sent - 1 for s in agency.stored.values()),
            kills=killed,
            delivered=delivered,
            confirmed_matching=matching,
            seconds=time.monotonic() - started,
        )


def _start_worker(config: Path, folder: Path) -> subprocess.Popen[bytes]:
    log = (folder / "worker.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "sync", "run"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _wait_until_settled(store: str, count: int, deadline: float) -> None:
    engine = create_engine(store)
    try:
        while time.monotonic() < deadline:
            with engine.connect() as db:
                states = db.execute(select(OutboxEntry.state)).scalars().all()
            if len(states) == count and all(s in ("delivered", "dead") for s in states):
                return
            time.sleep(0.25)
    finally:
        engine.dispose()
    raise TimeoutError("the outbox did not settle before the deadline; see worker.log")


def _local_outcome(store: str, agency: AgencySim) -> tuple[int, int]:
    """(rows delivered, rows whose confirmation is the agency's for that submission)."""
    engine = create_engine(store)
    try:
        with engine.connect() as db:
            rows = db.execute(
                select(OutboxEntry.submission_id, OutboxEntry.state, OutboxEntry.confirmation)
            ).all()
    finally:
        engine.dispose()
    delivered = sum(state == "delivered" for _, state, _ in rows)
    matching = sum(
        1
        for key, state, confirmation in rows
        if state == "delivered"
        and key in agency.stored
        and confirmation == agency.stored[key].confirmation
    )
    return delivered, matching


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onestop-soak-") as tmp:
        report = soak(args.count, args.kills, Path(tmp), seed_value=args.seed)
    print(
        f"soak: {report.submitted} submitted, agency holds {report.held_by_agency} "
        f"(none twice: {report.replays} replays answered from its record), "
        f"{report.delivered} delivered locally, {report.confirmed_matching} with the agency's "
        f"confirmation; {report.requests} requests, {report.kills} SIGKILLs, "
        f"{report.seconds:.1f} s"
    )
    print("soak: PASS" if report.ok else "soak: FAIL")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
