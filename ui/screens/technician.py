"""Technician mode: the printer's state and the few actions a technician needs
at the station (test page, reprint the last ticket, send waiting jobs), and
where the submissions to the agencies stand (their list: technician_sync.py),
and the day's queue reports (technician_report.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout

from kiosk.i18n import Translator
from ui.screens import Screen
from ui.sync_indicator import technician_status
from ui.widgets import button, label

if TYPE_CHECKING:
    from kiosk.sync.runner import SyncState

ACTIONS = ("test_page", "reprint", "retry")


class TechnicianScreen(Screen):
    action = Signal(str)
    sync_requested = Signal()
    reports_requested = Signal()
    exit = Signal()

    def __init__(self, station_name: str) -> None:
        super().__init__()
        self.setObjectName("TechnicianScreen")
        self._station_name = station_name
        self._printer: str | None = None
        self._jobs: int | None = None
        self._result = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 30, 80, 30)
        layout.setSpacing(14)
        self.title = label("ScreenTitle")
        self.printer = label("TechLine")
        self.jobs = label("TechLine")
        self.result = label("TechResult")
        # A service whose form is broken is hidden from citizens; the reason is here.
        self.unavailable = label("TechLine")
        self._unavailable: dict[str, str] = {}
        for widget in (self.title, self.printer, self.jobs, self.unavailable):
            layout.addWidget(widget)
        row = self.action_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.setSpacing(24)
        self.buttons = {}
        for name in ACTIONS:
            btn = button(variant="primary", name=f"tech-{name}")
            btn.clicked.connect(lambda _=False, n=name: self.action.emit(n))
            row.addWidget(btn)
            self.buttons[name] = btn
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addSpacing(12)
        self._sync: SyncState | None = None
        self.sync = label("TechLine")
        self.sync_button = button(variant="primary", name="tech-sync")
        self.sync_button.clicked.connect(self.sync_requested)
        layout.addWidget(self.sync)
        layout.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(12)
        self.reports_button = button(variant="primary", name="tech-reports")
        self.reports_button.clicked.connect(self.reports_requested)
        layout.addWidget(self.reports_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.exit_button = button(name="tech-exit")
        self.exit_button.clicked.connect(self.exit)
        layout.addWidget(self.exit_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._tr: Translator | None = None

    def set_portrait(self, portrait: bool) -> None:
        self.action_row.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def show_report(self, printer: str, jobs: int) -> None:
        self._printer, self._jobs = printer, jobs
        if self._tr:
            self.retranslate(self._tr)

    def set_unavailable(self, reasons: dict[str, str]) -> None:
        """Services not offered at this station, and why (e.g. a form that does not load)."""
        self._unavailable = dict(reasons)
        if self._tr:
            self.retranslate(self._tr)

    def show_sync(self, state: SyncState) -> None:
        """Where the outbox stands (the same words as the pill, in a sentence)."""
        self._sync = state
        if self._tr:
            self.retranslate(self._tr)

    def show_result(self, text: str) -> None:
        self._result = text
        self.result.setText(text)

    def set_busy(self, busy: bool) -> None:
        for btn in self.buttons.values():
            btn.setEnabled(not busy)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self.title.setText(f"{tr('technician.title')} — {self._station_name}")
        printer = self._printer if self._printer is not None else tr("technician.checking")
        self.printer.setText(f"{tr('technician.printer')}: {printer}")
        self.jobs.setText(tr("technician.jobs", n=self._jobs) if self._jobs is not None else "")
        lines = [f"{service}: {why}" for service, why in sorted(self._unavailable.items())]
        heading = tr("technician.unavailable")
        self.unavailable.setText("\n".join([heading, *lines]) if lines else "")
        self.unavailable.setVisible(bool(lines))
        for name, btn in self.buttons.items():
            btn.setText(tr(f"technician.{name}"))
        self.exit_button.setText(tr("technician.exit"))
        self.sync.setText(technician_status(self._sync, tr))
        self.sync_button.setText(tr("tech_sync.open"))
        self.reports_button.setText(tr("report.open"))
        self.result.setText(self._result)

    def clear(self) -> None:
        self._printer, self._jobs, self._result = None, None, ""
        self.result.setText("")
