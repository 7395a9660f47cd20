"""The outbox worker's loop: one thread, never the GUI's, never needing a restart.

It sends whatever is due, then sleeps until the next row is due (or a short
while), and wakes early when:

* a form was just submitted (:meth:`SyncRunner.wake`, called after the commit);
* the agency's server answers again after an outage: while the last attempts
  got no answer at all, it checks every ``probe_seconds`` whether any agency
  server accepts a connection, and when one does it makes every waiting row
  due now rather than leaving them to their long backoffs.

After every round it publishes a :class:`SyncState` (synced / N waiting /
offline / M need a technician) to a callback; the kiosk turns that into its
small status indicator. Token look-ups (Open311) and the retention purge run
from here too, now and then.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.sync.actions import SyncActions
from kiosk.sync.status import state_counts
from kiosk.sync.worker import OutboxWorker
from offline_cache.models import OutboxEntry, Submission

log = logging.getLogger(__name__)
IDLE_WAIT_S = 30.0  # the longest sleep with nothing due: a store shared with other
# stations may get rows this runner was not woken for
HOUSEKEEPING_S = 300.0  # token look-ups and the purge, at most this often
PROBE_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class SyncState:
    waiting: int  # pending or being sent
    attention: int  # dead letters and uncertain ones: a technician must look
    offline: bool  # the last attempts got no answer from any agency
    running: bool = True

    @property
    def synced(self) -> bool:
        return self.waiting == 0 and self.attention == 0


def sync_state(sessions: sessionmaker[Session], offline: bool, running: bool = True) -> SyncState:
    with sessions() as session:
        counts = state_counts(session, ("pending", "sending", "dead", "uncertain"))
    waiting = counts["pending"] + counts["sending"]
    attention = counts["dead"] + counts["uncertain"]
    return SyncState(waiting, attention, offline and waiting > 0, running)


def reachable(endpoint: tuple[str, int], timeout: float = PROBE_TIMEOUT_S) -> bool:
    """True when the agency server at (host, port) accepts a TCP connection."""
    try:
        with socket.create_connection(endpoint, timeout=timeout):
            return True
    except OSError:
        return False


class SyncRunner:
    def __init__(
        self,
        worker: OutboxWorker,
        sessions: sessionmaker[Session],
        actions: SyncActions,
        *,
        endpoints: Callable[[], dict[tuple[str, int], set[str]]],
        clock: Callable[[], dt.datetime],
        retention_days: int,
        probe_seconds: float = 15.0,
        on_state: Callable[[SyncState], None] | None = None,
    ) -> None:
        self._worker = worker
        self._sessions = sessions
        self._actions = actions
        self._endpoints = endpoints
        self._clock = clock
        self._retention_days = retention_days
        self._probe_s = probe_seconds
        self._on_state = on_state
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.offline = False
        self._down: set[tuple[str, int]] = set()  # agency servers a probe found silent
        self.state = SyncState(0, 0, False, running=False)
        self._last_housekeeping: dt.datetime | None = None

    # --- control, from any thread -----------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._worker.close()

    # --- the loop ---------------------------------------------------------------------

    def _run(self) -> None:
        self._guarded(self._worker.recover)
        while not self._stop.is_set():
            wait = self._guarded(self.round_once)
            log.debug("sleeping %.2f s", IDLE_WAIT_S if wait is None else wait)
            self._wake.wait(IDLE_WAIT_S if wait is None else wait)
            self._wake.clear()
        self._guarded(self._publish_stopped)

    def round_once(self) -> float:
        """Send everything due, publish the state; seconds until worth looking again."""
        # Nothing is in flight between rounds: a row still claimed by this worker is
        # one a failed round (the store went away under it) never recorded.
        self._worker.release_own()
        rounds = [0]

        def stop_or_publish() -> bool:
            # Between batches: tell the screen how it is going, now and then.
            rounds[0] += 1
            if rounds[0] % 8 == 0:
                self.offline = self._worker.unanswered
                self._publish()
            return self._stop.is_set()

        counts = self._worker.drain(stop=stop_or_publish)
        log.debug("round: %s", {v.value: n for v, n in counts.items() if n})
        if sum(counts.values()):
            self.offline = self._worker.unanswered
        self._housekeeping()
        if self.offline and self._back_online():
            return 0.0
        self._publish()
        return self._next_wait()

    def _back_online(self) -> bool:
        """Probe each agency server; the waiting forms of one that was found silent and
        now answers are made due at once (the others keep their backoff). Only a
        server seen down and then up counts: one that never went away (another
        agency's, while this one is down) must not wake the rows every round."""
        came_back: set[str] = set()
        for endpoint, services in self._endpoints().items():
            if reachable(endpoint):
                if endpoint in self._down:
                    came_back |= services
                self._down.discard(endpoint)
            else:
                self._down.add(endpoint)
        if not came_back:
            return False
        log.info("an agency server answers again: sending what waits for it")
        self.offline = False
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxEntry)
                .where(
                    OutboxEntry.state == "pending",
                    OutboxEntry.submission_id.in_(
                        select(Submission.id).where(Submission.service_id.in_(came_back))
                    ),
                )
                .values(next_attempt_at=self._clock())
            )
        return True

    def _next_wait(self) -> float:
        with self._sessions() as session:
            due = session.scalar(
                select(func.min(OutboxEntry.next_attempt_at)).where(OutboxEntry.state == "pending")
            )
        if due is None:
            return IDLE_WAIT_S
        if due.tzinfo is None:  # func.min bypasses the column type
            due = due.replace(tzinfo=dt.UTC)
        wait = max((due - self._clock()).total_seconds(), 0.0)
        limit = self._probe_s if self.offline else IDLE_WAIT_S
        return min(wait + 0.05, limit)

    def _housekeeping(self) -> None:
        now = self._clock()
        last = self._last_housekeeping
        if last is not None and (now - last).total_seconds() < HOUSEKEEPING_S:
            return
        self._last_housekeeping = now
        self._worker.recover()  # other stations' workers that died on a shared store
        self._worker.resolve_tokens()
        purged = self._actions.purge(self._retention_days)
        if purged:
            log.info(
                "purged %d delivered submissions older than %d days", purged, self._retention_days
            )

    def _publish_stopped(self) -> float:
        self._publish(running=False)
        return 0.0

    def _publish(self, running: bool = True) -> None:
        self.state = sync_state(self._sessions, self.offline, running)
        if self._on_state is not None:
            self._on_state(self.state)

    def _guarded(self, step: Callable[[], float | int]) -> float | None:
        """A store that does not answer (locked, PostgreSQL restarting) must not kill the
        thread: log it and try again after the idle wait."""
        try:
            return float(step())
        except Exception:
            log.exception("sync round failed; trying again shortly")
            return None
