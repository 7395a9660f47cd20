"""Technician mode: the submissions not yet delivered to their agency, and what to do.

One row per submission (reference, service, state, tries, the agency's last
answer; never a citizen's answers). A technician sends a refused one again
once its cause is fixed, discards one with a reason (the next screen asks,
technician_sync_action.py), or, for an uncertain one, records that the agency
has it after checking with them. The screen only shows and asks:
:class:`ui.sync_mode.SyncMode` runs the actions on the worker.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from ui.screens import Screen
from ui.sync_indicator import technician_status
from ui.touch import restyle, set_status, touch_scroll_area
from ui.widgets import button, label

if TYPE_CHECKING:
    from kiosk.sync.actions import Waiting
    from kiosk.sync.runner import SyncState


class SyncRow(QFrame):
    """One undelivered submission: what happened to it, and the buttons that apply."""

    def __init__(self, waiting: Waiting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncRow")
        self.setProperty("state", waiting.state)
        self.waiting = waiting
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(24, 16, 24, 16)
        self.box.setSpacing(16)
        text = QVBoxLayout()
        text.setSpacing(4)
        self.heading = label("SyncRowTitle")
        self.state = label("SyncRowState")
        self.details = label("SyncRowDetail")
        self.error = label("SyncRowError")
        for widget in (self.heading, self.state, self.details, self.error):
            widget.setTextFormat(Qt.TextFormat.PlainText)  # an agency's words are not markup
            text.addWidget(widget)
        self.box.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        state = waiting.state
        uncertain = state == "uncertain"
        # Uncertain: "the agency has it" is the likely answer and the safe one; a
        # resend could file the report twice, so it takes a second, deliberate tap.
        self.retry_button = button(variant="" if uncertain else "primary", name="sync-retry")
        self.discard_button = button(name="sync-discard")
        self.confirm_button = button(variant="primary" if uncertain else "", name="sync-confirm")
        self.armed = False  # uncertain rows: the first tap on Send again only asks
        self._tr: Translator | None = None
        for btn in (self.retry_button, self.discard_button, self.confirm_button):
            btn.setProperty("row", True)  # the theme's smaller type: three fit upright
        shown = {
            self.retry_button: state in ("pending", "dead", "uncertain"),
            self.discard_button: state in ("pending", "dead", "uncertain"),
            self.confirm_button: state == "uncertain",  # checked with the agency: it has it
        }
        self.box.addLayout(buttons)
        for btn, show in shown.items():
            buttons.addWidget(btn)
            # Only once it is the row's: a shown button with no parent is a window of
            # its own, and takes the kiosk's focus and activation with it.
            btn.setVisible(show)

    def set_enabled(self, enabled: bool) -> None:
        for btn in (self.retry_button, self.discard_button, self.confirm_button):
            btn.setEnabled(enabled)

    def set_portrait(self, portrait: bool) -> None:
        self.box.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def tapped_retry(self) -> bool:
        """Whether a tap on Send again sends: at once, except on an uncertain row,
        where the first tap turns the button into "Tap again: they do not have it"."""
        if self.waiting.state != "uncertain" or self.armed:
            return True
        self.armed = True
        self._arm_text()
        return False

    def _arm_text(self) -> None:
        if self.armed and self._tr is not None:
            self.retry_button.setText(self._tr("tech_sync.retry_uncertain_sure"))

    def retranslate(self, tr: Translator, service: str, tz: dt.tzinfo | None) -> None:
        self._tr = tr
        w = self.waiting
        self.heading.setText(f"{w.reference} · {service}")
        state = tr(f"tech_sync.state_{w.state}")
        if w.state == "pending":
            state += f" ({tr('tech_sync.next_try', time=_when(w.next_attempt_at, tr, tz))})"
        self.state.setText(state)
        stored = tr("tech_sync.stored", time=_when(w.created_at, tr, tz))
        self.details.setText(f"{tr.plural('tech_sync.tried', w.attempts)} · {stored}")
        error = w.last_error or ""
        if error and w.last_status is not None and not error.startswith(str(w.last_status)):
            error = tr("tech_sync.last_answer_status", status=w.last_status, error=error)
        elif error:
            error = tr("tech_sync.last_answer", error=error)
        self.error.setText(error)
        self.error.setVisible(bool(error))
        send = "tech_sync.send_now" if w.state == "pending" else "tech_sync.retry"
        self.retry_button.setText(tr(send))
        self.discard_button.setText(tr("tech_sync.discard"))
        self.confirm_button.setText(tr("tech_sync.confirm"))
        self._arm_text()


class TechnicianSyncScreen(Screen):
    retry = Signal(str)  # a reference
    discard = Signal(str)
    confirm = Signal(str)
    back = Signal()

    def __init__(self, pack: ContentPack, tz: dt.tzinfo | None) -> None:
        super().__init__()
        self.setObjectName("TechnicianSyncScreen")
        self._pack = pack
        self._tz = tz
        self._tr: Translator | None = None
        self._portrait = False
        self._state: SyncState | None = None
        self._message: tuple[str, bool] | None = None
        self.rows: dict[str, SyncRow] = {}
        self._busy = False
        self.loaded = False  # the list has been read since the screen opened

        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 30, 80, 30)
        layout.setSpacing(14)
        self.title = label("ScreenTitle")
        self.summary = label("TechLine")
        self.message = label("PrintStatus")
        self.message.hide()
        for widget in (self.title, self.summary, self.message):
            layout.addWidget(widget)
        content = self._content = QWidget()
        content.setObjectName("SyncListContent")
        self.list_box = QVBoxLayout(content)
        self.list_box.setContentsMargins(0, 0, 12, 0)
        self.list_box.setSpacing(14)
        self.empty = label("TechLine")
        self.list_box.addWidget(self.empty)
        self.list_box.addStretch(1)
        self.list_area = touch_scroll_area(content)
        self.list_area.setObjectName("SyncList")
        layout.addWidget(self.list_area, 1)
        self.back_button = button(name="tech-sync-back")
        self.back_button.clicked.connect(self.back)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)

    # --- what the mode controller tells it -------------------------------------------

    def show_waiting(self, rows: list[Waiting]) -> None:
        """Rebuild the list when it changed (a few dozen rows at most); an unchanged
        list keeps its buttons, so a finger on one is never pulled away."""
        self.loaded = True
        if [row.waiting for row in self.rows.values()] == rows:
            self._render()
            return
        for row in self.rows.values():
            self.list_box.removeWidget(row)
            row.deleteLater()
        self.rows = {}
        for index, waiting in enumerate(rows):
            row = SyncRow(waiting, self._content)  # never a window of its own, even briefly
            ref = waiting.reference
            row.retry_button.clicked.connect(
                lambda _=False, r=ref, w=row: self.retry.emit(r) if w.tapped_retry() else None
            )
            row.discard_button.clicked.connect(lambda _=False, r=ref: self.discard.emit(r))
            row.confirm_button.clicked.connect(lambda _=False, r=ref: self.confirm.emit(r))
            row.set_portrait(self._portrait)
            row.set_enabled(not self._busy)
            # The list's stylesheet (ui/theme/sync.qss) sets the rows' type: apply it
            # now, so the layout sizes each row for its real text, not the default font.
            row.ensurePolished()
            self.list_box.insertWidget(index, row)
            row.show()  # now, not at the layout's next pass
            self.rows[ref] = row
        self._render()

    def show_state(self, state: SyncState) -> None:
        self._state = state
        self._render()

    def show_message(self, text: str, *, fault: bool) -> None:
        self._message = (text, fault)
        set_status(self.message, text, fault=fault)
        self.message.show()

    def set_busy(self, busy: bool) -> None:
        """One action at a time: every row's buttons wait for the last to finish."""
        self._busy = busy
        for row in self.rows.values():
            row.set_enabled(not busy)

    # --- Screen -----------------------------------------------------------------------

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        side = 40 if portrait else 80
        self._layout.setContentsMargins(side, 30, side, 30)
        for row in self.rows.values():
            row.set_portrait(portrait)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self._render()

    def clear(self) -> None:
        """Nothing personal is listed; only the last action's message goes."""
        self._message = None
        self.message.setText("")
        self.message.hide()
        self.loaded = False

    def _render(self) -> None:
        tr = self._tr
        if tr is None:
            return
        self.title.setText(tr("tech_sync.title"))
        self.summary.setText(technician_status(self._state, tr))
        self.empty.setText(tr("tech_sync.empty") if self.loaded else tr("tech_sync.checking"))
        self.empty.setVisible(not self.rows)
        self.back_button.setText(tr("tech_sync.back"))
        for row in self.rows.values():
            service_id = row.waiting.service_id
            try:
                service = self._pack.text(self._pack.service(service_id).name, tr.lang)
            except KeyError:  # a service since taken out of the pack
                service = service_id
            row.retranslate(tr, service, self._tz)
            restyle(row)


def _when(moment: dt.datetime, tr: Translator, tz: dt.tzinfo | None) -> str:
    """A stored time in the station's time zone, as the tickets print it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).strftime(tr("ticket.datetime_format"))
