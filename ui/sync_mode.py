"""Sending forms to the agencies, as the kiosk shows it: the pills and the technician's list.

Kept out of the window (as technician mode and the form wizard are). This
object starts the station's outbox worker, turns its reports into the pills
(on the welcome screen and in the header of every other screen) and runs the
technician's sync actions. Everything that reads or writes the store runs on
the window's worker, never on the GUI thread; the outbox worker's reports
reach the GUI thread through :class:`ui.sync_indicator.SyncBridge`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.i18n import Translator
from kiosk.sync.actions import ActionError
from ui.screens.technician_sync import TechnicianSyncScreen
from ui.screens.technician_sync_action import TechnicianSyncActionScreen
from ui.sync_indicator import SyncBridge, SyncPill
from ui.theme import SYNC_QSS

if TYPE_CHECKING:
    from kiosk.station import Station
    from kiosk.sync.actions import Waiting
    from kiosk.sync.runner import SyncState
    from kiosk.sync.station_sync import StationSync
    from ui.window import KioskWindow

log = logging.getLogger(__name__)
ACTOR = "technician"  # who the audit log says acted (the station id is recorded too)
LIST_LIMIT = 100  # rows on the technician's list; `kiosk sync` shows every one


def start_sync(station: Station, publish: Callable[[SyncState], None]) -> SyncState:
    """On the worker: start the outbox thread, and read the state once for the pills.

    With no agency connector configured there is nothing to send with: the
    forms stay stored (and counted as waiting) and no thread is started.
    """
    sync = station.sync
    before = sync.state()
    if sync.routing.specs:
        sync.start(on_state=publish)
    return dataclasses.replace(before, running=sync.runner is not None)


class SyncMode(QObject):
    listing: TechnicianSyncScreen
    ask: TechnicianSyncActionScreen

    def __init__(self, window: KioskWindow, station: Station) -> None:
        super().__init__(window)
        self._window = window
        self._station = station
        self.bridge = SyncBridge(self)
        self.running = False  # whether the outbox thread runs (else the pills are polled)
        self.sheet = SYNC_QSS.read_text(encoding="utf-8")
        self.header_pill = SyncPill()
        self.welcome_pill = SyncPill()
        for pill in (self.header_pill, self.welcome_pill):
            pill.setStyleSheet(self.sheet)
        window.header.add_status(self.header_pill)
        window.welcome.add_status(self.welcome_pill)
        self.built = False  # the technician's screens: on first use
        self._loading = False
        self._stale = False
        self.bridge.changed.connect(self._changed)
        window.form_submitted.connect(self._form_submitted)
        window.technician.sync_requested.connect(self.open_list)

    def _build(self) -> None:
        """The technician's two screens, made the first time they are needed: a
        scroll area and a keyboard are not worth a citizen's wait at start-up."""
        if self.built:
            return
        window, station = self._window, self._station
        self.listing = TechnicianSyncScreen(station.pack, station.tz)
        self.ask = TechnicianSyncActionScreen()
        for screen in (self.listing, self.ask):
            screen.setStyleSheet(self.sheet)
        window.add_screen(self.listing)
        window.add_screen(self.ask)
        if self.bridge.latest is not None:
            self.listing.show_state(self.bridge.latest)
        self.listing.back.connect(lambda: window.show_screen(window.technician))
        self.listing.retry.connect(self._retry)
        self.listing.discard.connect(lambda ref: self._ask("discard", ref))
        self.listing.confirm.connect(lambda ref: self._ask("confirm", ref))
        self.ask.accepted.connect(self._answered)
        self.ask.cancelled.connect(lambda: window.show_screen(self.listing))
        self.built = True

    def start(self) -> None:
        station, publish = self._station, self.bridge.publish
        self._window.worker.submit(
            lambda: start_sync(station, publish),
            self._started,
            lambda exc: log.error("the outbox worker could not start", exc_info=exc),
        )

    def _started(self, state: SyncState) -> None:
        self.running = state.running
        self.bridge.seed(state)

    def retranslate(self, tr: Translator) -> None:
        self.header_pill.retranslate(tr)
        self.welcome_pill.retranslate(tr)

    # --- the state --------------------------------------------------------------------

    def _changed(self, state: SyncState) -> None:
        for pill in (self.header_pill, self.welcome_pill):
            pill.show_state(state)
        self._window.technician.show_sync(state)
        if self.built:
            self.listing.show_state(state)
            if self._window.current is self.listing:
                self.refresh()

    def _form_submitted(self, outcome: object) -> None:
        """A running outbox thread reports on its own (the submission woke it);
        without one, count again."""
        if outcome is not None and not self.running:
            self.poll()

    def poll(self) -> None:
        """Count again (on the worker): for a station whose outbox thread does not run."""
        station = self._station
        self._window.worker.submit(
            lambda: station.sync.state(),
            self.bridge.publish,
            lambda exc: log.error("reading the outbox failed", exc_info=exc),
        )

    # --- the technician's list --------------------------------------------------------

    def open_list(self) -> None:
        self._build()
        self.listing.clear()
        self._window.show_screen(self.listing)
        self.refresh()

    def refresh(self) -> None:
        """Read the list again (once at a time; a change meanwhile reads it once more)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        station = self._station
        self._window.worker.submit(
            lambda: station.sync.actions.waiting(LIST_LIMIT), self._loaded, self._load_failed
        )

    def _loaded(self, rows: list[Waiting]) -> None:
        self._loading = False
        self.listing.show_waiting(rows)
        if self._stale:
            self._stale = False
            self.refresh()

    def _load_failed(self, exc: Exception) -> None:
        self._loading = False
        log.error("reading the outbox failed", exc_info=exc)
        self.listing.show_message(
            self._window.translator("tech_sync.failed", error=type(exc).__name__), fault=True
        )

    def _ask(self, action: str, reference: str) -> None:
        self._window.show_screen(self.ask)
        self.ask.open(action, reference)

    def _retry(self, reference: str) -> None:
        self._act(lambda sync: sync.retry(reference, ACTOR), "tech_sync.retried", reference)

    def _answered(self, action: str, reference: str, text: str) -> None:
        self._window.show_screen(self.listing)
        if action == "discard":
            self._act(
                lambda sync: sync.discard(reference, ACTOR, text), "tech_sync.discarded", reference
            )
        else:
            self._act(
                lambda sync: sync.confirm(reference, ACTOR, text or None),
                "tech_sync.confirmed",
                reference,
            )

    def _act(self, action: Callable[[StationSync], None], done_key: str, reference: str) -> None:
        """Run one action on the worker, then show the list as it is now."""
        station, publish = self._station, self.bridge.publish
        tr = self._window.translator

        def job() -> list[Waiting]:
            sync = station.sync
            action(sync)
            if sync.runner is not None:
                sync.wake()  # its next report carries the new counts
            else:
                publish(sync.state())
            return sync.actions.waiting(LIST_LIMIT)

        def done(rows: list[Waiting]) -> None:
            self.listing.set_busy(False)
            self.listing.show_waiting(rows)
            self.listing.show_message(tr(done_key, reference=reference), fault=False)

        def failed(exc: Exception) -> None:
            self.listing.set_busy(False)
            if isinstance(exc, ActionError):  # written for a person: wrong state, unknown
                error = str(exc)
            else:
                log.error("sync action on %s failed", reference, exc_info=exc)
                error = type(exc).__name__
            self.listing.show_message(tr("tech_sync.failed", error=error), fault=True)
            self.refresh()

        self.listing.set_busy(True)
        self._window.worker.submit(job, done, failed)
