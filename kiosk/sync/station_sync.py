"""A station's sync: its routing, its worker thread and the technician's actions, together.

The kiosk and ``kiosk sync run`` start the same :class:`SyncRunner`; the
technician screen and ``kiosk sync retry|discard|confirm`` go through the
same :class:`SyncActions`, and wake the runner so a retried form goes now.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.sync.actions import SyncActions
from kiosk.sync.routing import Routing, payload_problems, route
from kiosk.sync.runner import SyncRunner, SyncState, sync_state
from kiosk.sync.worker import OutboxWorker
from offline_cache.engine import make_sessionmaker

if TYPE_CHECKING:
    from kiosk.station import Station

log = logging.getLogger(__name__)


class StationSync:
    def __init__(self, station: Station) -> None:
        config = station.config
        self._station = station
        self._sessions = make_sessionmaker(station.engine)
        self.settings = config.settings.sync
        source = config.source or Path("station.toml")
        self.routing: Routing = route(station.pack, config.settings.agencies, source)
        self.routing.problems += payload_problems(self.routing, station.pack, station.forms)
        for problem in self.routing.problems:
            log.error("sync: %s", problem)
        if self.routing.unrouted:
            log.warning(
                "no connector for %s: their forms are kept until one is configured",
                ", ".join(self.routing.unrouted),
            )
        self.actions = SyncActions(self._sessions, config.settings.station.id, station.clock)
        self.runner: SyncRunner | None = None
        self._starting = threading.Lock()

    def worker(self, senders: int | None = None) -> OutboxWorker:
        return OutboxWorker(
            self._sessions,
            self._station.cipher,
            self.routing.connector_for,
            self._station.clock,
            senders=senders or self.settings.senders,
            services=self.sendable,
            backoff=(self.settings.retry_first_ms / 1000, float(self.settings.retry_max_seconds)),
        )

    def sendable(self) -> set[str]:
        """Services this station has working connector settings for."""
        return set(self.routing.specs) - self.routing.broken

    def start(self, on_state: Callable[[SyncState], None] | None = None) -> SyncRunner | None:
        """Start the worker thread (unless sync is turned off for this station)."""
        if not self.settings.enabled:
            log.info("sync is turned off for this station ([sync] enabled = false)")
            return None
        with self._starting:  # the window's worker and a caller may race here
            if self.runner is None:
                self.runner = self._new_runner(on_state)
                self.runner.start()
            return self.runner

    def _new_runner(self, on_state: Callable[[SyncState], None] | None) -> SyncRunner:
        return SyncRunner(
            self.worker(),
            self._sessions,
            self.actions,
            endpoints=self.routing.endpoints,
            clock=self._station.clock,
            retention_days=self.settings.retention_days,
            probe_seconds=self.settings.probe_seconds,
            on_state=on_state,
        )

    def wake(self) -> None:
        if self.runner is not None:
            self.runner.wake()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None

    def state(self) -> SyncState:
        offline = self.runner.offline if self.runner is not None else False
        return sync_state(self._sessions, offline, running=self.runner is not None)

    def retry(self, reference: str, actor: str, note: str | None = None) -> None:
        self.actions.retry(reference, actor, note)
        self.wake()

    def discard(self, reference: str, actor: str, note: str) -> None:
        self.actions.discard(reference, actor, note)

    def confirm(
        self, reference: str, actor: str, confirmation: str | None, note: str | None = None
    ) -> None:
        self.actions.confirm(reference, actor, confirmation, note)
