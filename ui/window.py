"""The kiosk window: the screens in a stack, the header, the idle guard.

The window owns navigation and nothing else: the citizen's choices live in a
:class:`kiosk.session.KioskSession`, tickets come from a
:class:`kiosk.station.Station` called on a worker thread, and each screen
draws itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.config import StationConfig
from kiosk.i18n import Translator
from kiosk.session import KioskSession
from ui.idle import IdleWarning, IdleWatchdog
from ui.screens import Screen
from ui.screens.welcome import WelcomeScreen
from ui.widgets import HeaderBar
from ui.workers import StationWorker

log = logging.getLogger(__name__)
PRINTER_CHECK_SECONDS = 15

if TYPE_CHECKING:  # the heavy modules load in attach(), after the first paint
    from kiosk.station import Station, TicketOutcome
    from kiosk.technician import TechnicianAccess
    from printing.status import PrinterStatus
    from ui.form_flow import FormFlow
    from ui.screens.confirmation import ConfirmationScreen
    from ui.screens.form_submitted import FormSubmittedScreen
    from ui.screens.priority import PriorityScreen
    from ui.screens.services import ServicesScreen
    from ui.screens.technician import TechnicianScreen
    from ui.screens.technician_pin import TechnicianPinScreen
    from ui.sync_mode import SyncMode
    from ui.technician_mode import TechnicianMode


class KioskWindow(QWidget):
    """The kiosk window; built in two steps so the welcome screen shows at once.

    The constructor needs only the config and builds the welcome screen;
    :meth:`attach` takes the opened :class:`Station` (store, content, printer:
    the slow imports) and builds the rest. ``ui.app`` paints the welcome screen
    between the two; tests and benchmarks call both.
    """

    ticket_shown = Signal(object)  # TicketOutcome, or None when no ticket could be issued
    form_submitted = Signal(object)  # FormOutcome, or None when the form could not be stored
    was_reset = Signal()
    station_ready = Signal()
    services: ServicesScreen
    priority: PriorityScreen
    confirmation: ConfirmationScreen
    technician_pin: TechnicianPinScreen
    technician: TechnicianScreen
    technician_access: TechnicianAccess
    technician_mode: TechnicianMode
    forms: FormFlow

    def __init__(self, config: StationConfig, tick_ms: int = 1000) -> None:
        """``tick_ms`` is the length of one second on the kiosk's clocks; tests shorten it."""
        super().__init__()
        self.setObjectName("KioskWindow")
        self.config = config
        self.station: Station | None = None
        self.sync_mode: SyncMode | None = None  # the outbox's pills and list, once attached
        self.printer_status: PrinterStatus | None = None
        self.worker = StationWorker(self)
        self._tick_ms = tick_ms
        self._portrait = False
        settings = config.settings
        self.session = KioskSession(settings.station.default_language)
        self._generation = 0  # bumped on reset: late results for a wiped session are dropped
        self.setWindowTitle(f"OneStop — {settings.station.center_name}")

        languages = settings.station.languages
        self.header = HeaderBar(settings.station.center_name, languages)
        self.welcome = WelcomeScreen(settings.station.center_name, languages)
        self.screens: list[Screen] = [self.welcome]
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)

        self.watchdog = IdleWatchdog(settings.kiosk.idle_timeout_seconds * tick_ms, self)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.watchdog)
        self.idle_warning = IdleWarning(self, settings.kiosk.idle_warning_seconds, tick_ms)

        self.welcome.language_chosen.connect(self._start)
        self.header.language_chosen.connect(self.set_language)
        self.header.start_over.connect(self.reset)
        self.watchdog.expired.connect(self._idle)
        self.idle_warning.continued.connect(self._continued)
        self.idle_warning.expired.connect(self.reset)
        self.welcome.set_available(False)  # until a station is attached
        self.settled = False  # True once the form screens are built (see _settle)
        self.reset()

    def attach(self, station: Station) -> None:
        """Build the screens that need the store, the content and the printer."""
        from kiosk.technician import TechnicianAccess
        from ui.form_flow import FormFlow
        from ui.screens.confirmation import ConfirmationScreen
        from ui.screens.priority import PriorityScreen
        from ui.screens.services import ServicesScreen
        from ui.screens.technician import TechnicianScreen
        from ui.screens.technician_pin import TechnicianPinScreen
        from ui.sync_mode import SyncMode
        from ui.technician_mode import TechnicianMode

        self.station = station
        self.technician_access = TechnicianAccess(
            self.config.settings.technician.pin_hash, lambda: dt.datetime.now(dt.UTC)
        )
        seconds = self.config.settings.kiosk.confirmation_seconds
        self.services = ServicesScreen(station.pack)
        self.services.set_unavailable(set(station.unavailable))
        self.priority = PriorityScreen(station.pack)
        self.confirmation = ConfirmationScreen(station.pack, seconds, self._tick_ms)
        self.technician_pin = TechnicianPinScreen()
        self.technician = TechnicianScreen(self.config.settings.station.name)
        self.forms = FormFlow(self, station, self._tick_ms)  # its screens: after "ready"
        extra = (self.services, self.priority, self.confirmation)
        for screen in (*extra, self.technician_pin, self.technician):
            screen.set_portrait(self._portrait)
            self.screens.append(screen)
            self.stack.addWidget(screen)
        self.services.service_chosen.connect(self._service_chosen)
        self.priority.answered.connect(self._priority_answered)
        self.priority.back.connect(lambda: self.show_screen(self.services))
        self.confirmation.finished.connect(self.reset)
        self.technician_mode = TechnicianMode(self)
        # The outbox worker starts first on the worker (a few milliseconds), so the
        # staff's sync pill shows from the start; it sends on a thread of its own.
        self.sync_mode = SyncMode(self, station)
        self.sync_mode.start()
        from ui.report_mode import ReportMode  # the technician's Reports screen, on first use

        self.report_mode = ReportMode(self, station)
        # Load the renderer and fonts now, on the worker, not on the first tap.
        self.worker.submit(station.printer.prepare, lambda _: None, lambda _: None)
        # While idle, ask the printer how it is (citizens are warned before they
        # choose), and send what a printer fault held back once it is back.
        self.printer_check = QTimer(self)
        self.printer_check.setInterval(PRINTER_CHECK_SECONDS * self._tick_ms)
        self.printer_check.timeout.connect(self._check_printer)
        self.printer_check.start()
        self._check_printer()
        # Belt and braces: whatever the theme says, no label ever renders markup.
        # (Qt's enum namespace is imported here, after the first frame.)
        from PySide6.QtCore import Qt

        for text in self.findChildren(QLabel):
            text.setTextFormat(Qt.TextFormat.PlainText)
        self.welcome.set_available(True)
        self.reset()
        self.station_ready.emit()
        QTimer.singleShot(0, self, self._settle)

    def _settle(self) -> None:
        """After the first frame: build the form screens, then set aside everything
        made so far from Python's cycle collector (``gc.freeze``). Its full passes
        otherwise walk the whole window, every screen and the store's mappings,
        which stalled the screen for ~100 ms while a backlog was being sent."""
        import gc

        self.forms.build()
        gc.collect()
        gc.freeze()
        self.settled = True

    def add_screen(self, screen: Screen) -> None:
        """A screen built after the station was attached (the form wizard's)."""
        from PySide6.QtCore import Qt

        screen.set_portrait(self._portrait)
        self.screens.append(screen)
        self.stack.addWidget(screen)
        for text in screen.findChildren(QLabel):
            text.setTextFormat(Qt.TextFormat.PlainText)
        screen.retranslate(self.translator)

    def _check_printer(self) -> None:
        station = self.station
        assert station is not None
        if self.current is not self.welcome:
            return  # only while idle: a citizen's ticket never waits behind a check
        self.worker.submit(
            station.check_printer,
            self._printer_checked,
            lambda exc: log.error("checking the printer failed", exc_info=exc),
        )

    def _printer_checked(self, status: PrinterStatus) -> None:
        self.printer_status = status
        self.services.set_printer_ok(status.ok)

    def show_unavailable(self) -> None:
        """The station could not start (store, content): send citizens to the desk."""
        self.welcome.set_available(False, broken=True)

    # navigation -----------------------------------------------------------

    @property
    def translator(self) -> Translator:
        return Translator(self.session.language)

    @property
    def current(self) -> Screen:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Screen)
        return widget

    def show_screen(self, screen: Screen) -> None:
        self.stack.setCurrentWidget(screen)
        self.header.setVisible(screen is not self.welcome)
        self.header.setEnabled(True)
        self.stack.setEnabled(True)
        screen.setFocus()  # no button looks pre-selected; Tab still walks the buttons

    def set_language(self, lang: str) -> None:
        """Switch every visible string at once; the citizen stays where they are."""
        self.session.language = lang
        if self.session.form is not None:  # a form's own text and its messages too
            self.session.form.language = lang
        tr = self.translator
        self.header.retranslate(tr)
        for screen in self.screens:
            screen.retranslate(tr)
        if self.idle_warning.isVisible():
            self.idle_warning.retranslate(tr)
        if self.station is not None and self.forms.built:
            self.forms.keyboard.retranslate(tr)
        if self.sync_mode is not None:
            self.sync_mode.retranslate(tr)

    def _start(self, lang: str) -> None:
        self.set_language(lang)
        self.show_screen(self.services)
        self.watchdog.set_enabled(True)

    def _service_chosen(self, service_id: str) -> None:
        self.session.service_id = service_id
        # Priority matters only for a place in line: a form with no ticket skips it.
        if self.config.settings.kiosk.ask_priority and self.forms.issues_ticket(service_id):
            self.priority.set_service(service_id, self.translator)
            self.show_screen(self.priority)
        else:
            self._begin(service_id)

    def _priority_answered(self, priority: bool) -> None:
        self.session.priority = priority
        assert self.session.service_id is not None
        self._begin(self.session.service_id)

    def _begin(self, service_id: str) -> None:
        """A service with a form starts the form; any other issues a ticket now."""
        if self.forms.has_form(service_id):
            self.forms.start(service_id)
        else:
            self._issue()

    @property
    def generation(self) -> int:
        """Bumped on every reset: a worker's late result for a wiped session is dropped."""
        return self._generation

    def _issue(self) -> None:
        """Issue and print on the worker; the screen waits without freezing."""
        session = self.session
        station = self.station
        assert session.service_id is not None and station is not None
        service_id, lang, priority = session.service_id, session.language, bool(session.priority)
        generation = self._generation
        # One tap, one ticket: nothing on screen reacts until the ticket is
        # shown, and no idle wipe can hide a number being issued.
        self.stack.setEnabled(False)
        self.header.setEnabled(False)
        self.watchdog.set_enabled(False)
        self.worker.submit(
            lambda: station.issue_ticket(service_id, lang, priority),
            lambda outcome: self._issued(generation, outcome),
            lambda exc: self._issue_failed(generation, exc),
        )

    def _issue_failed(self, generation: int, exc: Exception) -> None:
        log.error("no ticket could be issued", exc_info=exc)
        self._issued(generation, None)

    def _issued(self, generation: int, outcome: TicketOutcome | None) -> None:
        if generation != self._generation:
            return  # the session was wiped while the ticket was being issued
        self.session.outcome = outcome
        self.idle_warning.stop()
        if outcome is None:
            self.confirmation.show_failure()
        else:
            self.confirmation.show_outcome(outcome)
        self.confirmation.retranslate(self.translator)
        self.show_screen(self.confirmation)
        self.arm_idle_guard()
        self.ticket_shown.emit(outcome)

    def arm_idle_guard(self) -> None:
        """A printed ticket's screen closes on its own countdown; any other screen
        (including a number that did not print) waits for the idle guard, so the
        citizen is asked before it goes and can ask for more time."""
        countdowns: list[ConfirmationScreen | FormSubmittedScreen] = [self.confirmation]
        if self.forms.built:
            countdowns.append(self.forms.submitted)
        counting_down = any(self.current is s and s.counting_down for s in countdowns)
        self.watchdog.set_enabled(not counting_down and self.current is not self.welcome)

    def _continued(self) -> None:
        self.arm_idle_guard()

    def _idle(self) -> None:
        if self.session.has_citizen_data or self.current is not self.welcome:
            self.watchdog.set_enabled(False)
            self.idle_warning.start(self.translator)

    def reset(self) -> None:
        """Wipe the citizen's session: nothing of theirs stays on any screen."""
        self._generation += 1
        self.watchdog.set_enabled(False)
        self.idle_warning.stop()
        self.session.reset()
        for screen in self.screens:
            screen.clear()
        if self.station is not None:
            self.forms.clear()
        self.set_language(self.session.language)
        self.show_screen(self.welcome)
        self.was_reset.emit()

    # window ---------------------------------------------------------------

    def fit(self, width: int, height: int) -> None:
        """Lay every screen out for this shape, then take that size."""
        self._portrait = height > width
        self.header.set_portrait(self._portrait)
        for screen in self.screens:
            screen.set_portrait(self._portrait)
            page_layout = screen.layout()
            if page_layout is not None:
                page_layout.invalidate()  # a hidden page would keep its wide minimum
            screen.updateGeometry()  # and the stack its cached size of the page
        self.stack.updateGeometry()
        # The window's minimum still holds the wide layout's until the layouts
        # run again; let this resize through, they recompute on the next pass.
        self.setMinimumSize(0, 0)
        self.resize(width, height)

    def show_kiosk(self) -> None:
        """Full screen on the primary screen, even without a window manager."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self._fit_screen(screen.geometry())
            screen.geometryChanged.connect(self._fit_screen)  # rotated or replaced
        self.showFullScreen()
        self.activateWindow()

    def _fit_screen(self, rect: QRect) -> None:
        self.fit(rect.width(), rect.height())
        self.move(rect.topLeft())
