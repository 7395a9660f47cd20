"""The form wizard on the kiosk: pages, review, submit, and the keyboard and scanner.

Kept out of the window (as technician mode is) so the window stays about
navigation. The citizen's :class:`kiosk.forms.engine.FormSession` lives in the
window's :class:`kiosk.session.KioskSession`, so the idle reset that wipes the
session wipes every answer; the screens keep nothing once cleared.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from kiosk.forms.barcodes import id_from_scan
from kiosk.forms.definition import Kind
from kiosk.forms.engine import FormSession
from ui.keyboard import TouchKeyboard
from ui.scanner import ScanDetector
from ui.screens.form_page import FormPageScreen
from ui.screens.form_review import FormReviewScreen
from ui.screens.form_submitted import FormSubmittedScreen
from ui.theme import FORMS_QSS

if TYPE_CHECKING:
    from kiosk.station import FormOutcome, Station
    from ui.window import KioskWindow

log = logging.getLogger(__name__)


class FormFlow(QObject):
    page: FormPageScreen
    review: FormReviewScreen
    submitted: FormSubmittedScreen
    keyboard: TouchKeyboard
    scanner: ScanDetector

    def __init__(self, window: KioskWindow, station: Station, tick_ms: int) -> None:
        super().__init__(window)
        self._window = window
        self._station = station
        self._tick_ms = tick_ms
        self.built = False

    def build(self) -> None:
        """Make the wizard's screens (once). The window calls this just after the
        station is ready, not before: Qt's first scroll area in a process costs a
        tenth of a second, which "ready for a touch" need not wait for."""
        if self.built:
            return
        w = self._window
        seconds = w.config.settings.kiosk.confirmation_seconds
        self.page = FormPageScreen()
        self.review = FormReviewScreen()
        self.submitted = FormSubmittedScreen(self._station.pack, seconds, self._tick_ms)
        self.keyboard = self.page.keyboard
        sheet = FORMS_QSS.read_text(encoding="utf-8")
        for screen in self.screens:
            screen.setStyleSheet(sheet)
            w.add_screen(screen)
        self.keyboard.retranslate(w.translator)
        self.scanner = ScanDetector(self, decode=id_from_scan)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.scanner.install(app)
        app.focusChanged.connect(self._focus_changed)
        self.keyboard.done.connect(self._keyboard_done)
        self.page.left_form.connect(self._left_form)
        self.page.reached_review.connect(self._show_review)
        self.review.change.connect(self._change)
        self.review.back.connect(self._review_back)
        self.review.submit.connect(self._submit)
        self.submitted.finished.connect(w.reset)
        self.page.page_shown.connect(self._page_changed)
        self.page.questions_changed.connect(self._aim_scanner)
        self.built = True

    @property
    def screens(self) -> tuple[FormPageScreen, FormReviewScreen, FormSubmittedScreen]:
        return self.page, self.review, self.submitted

    def has_form(self, service_id: str) -> bool:
        """A service whose form loaded (a broken one is unavailable, not shown)."""
        service = self._station.pack.service(service_id)
        return service.form is not None and service.form in self._station.forms

    def issues_ticket(self, service_id: str) -> bool:
        service = self._station.pack.service(service_id)
        return not self.has_form(service_id) or service.ticket_after_form

    def start(self, service_id: str) -> None:
        """A new form for this citizen, in their language, dated by the station's clock."""
        w = self._window
        service = self._station.pack.service(service_id)
        assert service.form is not None
        self.build()
        today = self._station.clock().astimezone(self._station.tz).date()
        form = FormSession(self._station.forms[service.form], w.session.language, today)
        for field_id, value in service.form_answers.items():  # "Report a pothole": a pothole
            form.answer(field_id, value)
        w.session.form = form
        w.show_screen(self.page)
        self.page.open(w.session.form, w.translator)

    # --- moving ---------------------------------------------------------------------

    def clear(self) -> None:
        """Forget the citizen's form on every screen, the keyboard and the scanner
        (the window's reset, Back on the first page, and after submitting)."""
        if not self.built:
            return
        self.keyboard.detach()
        self.scanner.set_target(None)
        self.page.clear()
        self.review.clear()

    def _page_changed(self) -> None:
        """After every page turn: the citizen sees the whole page first; the keyboard
        comes up when they touch a box (it would cover half of the page's questions)."""
        self.keyboard.detach()
        self.page.setFocus(Qt.FocusReason.OtherFocusReason)
        self._aim_scanner()

    def _aim_scanner(self) -> None:
        """A scan fills the ID question on screen (again after every answer: one may
        show or hide it), or nothing off the form's pages."""
        target = None
        form = self._window.session.form
        if form is not None and not form.at_review and self._window.current is self.page:
            for editor in self.page.editors():
                if editor.field.kind is Kind.ID_NUMBER and editor.isVisibleTo(self.page):
                    box = editor.text_inputs()[0]
                    target = box if isinstance(box, QLineEdit) else None
                    break
        self.scanner.set_target(target)

    def _left_form(self) -> None:
        """Back on the first page: the answers go, the citizen chooses again."""
        w = self._window
        w.session.form = None
        self.clear()
        w.show_screen(w.services)

    def _show_review(self) -> None:
        w = self._window
        assert w.session.form is not None
        self.keyboard.detach()
        self.scanner.set_target(None)
        self.review.open(w.session.form, w.translator)
        w.show_screen(self.review)

    def _change(self, page_id: str) -> None:
        w = self._window
        assert w.session.form is not None
        w.session.form.go_to(page_id)
        w.show_screen(self.page)
        self.page.open(w.session.form, w.translator)

    def _review_back(self) -> None:
        w = self._window
        assert w.session.form is not None
        w.session.form.back()
        w.show_screen(self.page)
        self.page.open(w.session.form, w.translator)

    # --- submitting -----------------------------------------------------------------

    def _submit(self) -> None:
        """Store and print on the worker; nothing on screen reacts until it is done."""
        w = self._window
        form, service_id = w.session.form, w.session.service_id
        assert form is not None and service_id is not None
        errors = form.errors()
        if errors:  # e.g. an answer emptied while changing it, then Back: show where
            page = next(
                p
                for p in form.visible_pages
                if any(f.id == errors[0].field_id for f in form.visible_fields(p))
            )
            form.go_to(page.id)
            w.show_screen(self.page)
            self.page.open(form, w.translator)
            self.page.go_next()  # the same page again, with its errors shown
            return
        priority = bool(w.session.priority)
        generation = w.generation
        self.review.set_busy(True)
        w.header.setEnabled(False)
        w.watchdog.set_enabled(False)  # no idle wipe while the form is being saved
        station = self._station
        w.worker.submit(
            lambda: station.submit_form(service_id, form, priority),
            lambda outcome: self._submitted(generation, service_id, outcome),
            lambda exc: self._submit_failed(generation, exc),
        )

    def _submitted(self, generation: int, service_id: str, outcome: FormOutcome) -> None:
        w = self._window
        if generation != w.generation:
            return
        form = w.session.form
        next_steps = form.definition.next_steps if form is not None else None
        w.session.form = None  # stored: nothing of it needs to stay in memory
        self.clear()
        w.idle_warning.stop()
        self.submitted.show_outcome(service_id, outcome, next_steps)
        self.submitted.retranslate(w.translator)
        w.show_screen(self.submitted)
        w.arm_idle_guard()
        w.form_submitted.emit(outcome)

    def _submit_failed(self, generation: int, exc: Exception) -> None:
        """The store refused (disk full, database down): the answers stay, the citizen
        is told to try again or ask at the desk."""
        w = self._window
        if generation != w.generation:
            return
        # The type only: a store error's text can quote what was being written.
        log.error("a form could not be stored (%s); its answers stay on screen", type(exc).__name__)
        self.review.show_failure()
        w.header.setEnabled(True)
        w.arm_idle_guard()
        w.form_submitted.emit(None)

    # --- keyboard -------------------------------------------------------------------

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not self.page.isAncestorOf(new):
            if new is not None and not self.keyboard.isAncestorOf(new):
                self.keyboard.detach()
            return
        layout = new.property("keyboard")
        if isinstance(new, QLineEdit | QPlainTextEdit) and isinstance(layout, str):
            self.keyboard.attach(new, layout)
            # After the keyboard has taken its room: the page is shorter then.
            QTimer.singleShot(0, self, lambda: self._show_question(new))
        else:
            self.keyboard.detach()

    def _show_question(self, box: QWidget) -> None:
        if shiboken6.isValid(box) and box.isVisibleTo(self.page):
            self.page.show_question(box)

    def _keyboard_done(self) -> None:
        """Done: on to the next box on the page, or put the keyboard away after the last."""
        target = self.keyboard.target
        boxes = [
            box
            for editor in self.page.editors()
            if editor.isVisibleTo(self.page)
            for box in editor.text_inputs()
        ]
        if target in boxes and boxes.index(target) + 1 < len(boxes):
            boxes[boxes.index(target) + 1].setFocus()
        else:
            self.keyboard.detach()
