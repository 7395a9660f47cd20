"""The visitor's kiosk form, read-only, beside the ticket it came with.

Personal answers are shown in full (the clerk is signed in and needs them)
and marked as personal; on sign-out every answer widget is deleted, so
nothing of the visitor stays on the screen for the next person.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.counter_forms import FormRow, LinkedForm
from kiosk.i18n import Translator
from ui.counter.parts import badge, clear_layout, clock_time
from ui.counter.state import DeskView
from ui.touch import touch_scroll_area
from ui.widgets import label

QWIDGETSIZE_MAX = (1 << 24) - 1
WIDE = 3  # answers side by side on a wide panel
NARROW = 2
NARROW_BELOW = 1000  # panel width (px)


class AnswerCell(QFrame):
    def __init__(self, row: FormRow, personal_text: str) -> None:
        super().__init__()
        self.setObjectName("AnswerCell")
        self.row = row
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.caption = label("AnswerLabel", row.label)
        top.addWidget(self.caption, 1)
        if row.personal:
            top.addWidget(badge(personal_text, "personal"), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.value = label("AnswerValue", row.value)
        layout.addWidget(self.value)
        for text in (self.caption, self.value):  # typed by a citizen: never markup
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class FormPanel(QFrame):
    def __init__(self, tz: ZoneInfo | None) -> None:
        super().__init__()
        self.setObjectName("FormPanel")
        self.tz = tz
        self.cells: list[AnswerCell] = []
        self.form: LinkedForm | None = None
        self._shown: object = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(8)
        self.title = label("PanelTitle")
        self.meta = label("FormMeta")
        self.empty = label("PanelEmpty")
        for widget in (self.title, self.meta, self.empty):
            layout.addWidget(widget)
        self.content = QWidget()
        self.content.setObjectName("AnswerGrid")
        self.grid = QGridLayout(self.content)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(10)
        self.columns = WIDE
        for column in range(WIDE):
            self.grid.setColumnStretch(column, 1)
        self.scroller = touch_scroll_area(self.content)
        self.scroller.setObjectName("FormScroll")
        layout.addWidget(self.scroller, 1)

    @property
    def has_form(self) -> bool:
        return self.form is not None

    def values(self) -> list[tuple[str, str, bool]]:
        """(label, value, personal) of every answer on screen, for tests and speech."""
        return [(c.row.label, c.row.value, c.row.personal) for c in self.cells]

    def show_view(self, view: DeskView | None, tr: Translator) -> None:
        ticket = view.current if view is not None else None
        form = view.form if view is not None else None
        key = (tr.lang, ticket.id if ticket else None, form)
        if key == self._shown:
            return
        self._shown = key
        self._drop_cells()
        self.form = form
        self.title.setText(tr("counter.form.title") if view is not None else "")
        if form is None:
            self.setMaximumHeight(QWIDGETSIZE_MAX)
            self.meta.setText("")
            self.meta.hide()
            self.scroller.hide()
            if view is None:
                self.empty.setText("")
            elif ticket is None:
                self.empty.setText(tr("counter.form.placeholder"))
            else:
                self.empty.setText(tr("counter.form.none", label=ticket.label))
            self.empty.show()
            return
        when = clock_time(form.submitted_at, self.tz, tr)
        self.meta.setText(
            tr("counter.form.reference", form=form.title, reference=form.reference, time=when)
        )
        self.meta.show()
        self.empty.setText("")
        self.empty.hide()
        personal = tr("counter.form.personal")
        self.cells = [AnswerCell(row, personal) for row in form.rows]
        self._place()
        self.scroller.show()
        self.scroller.verticalScrollBar().setValue(0)

    def _place(self) -> None:
        for i, cell in enumerate(self.cells):
            self.grid.addWidget(cell, i // self.columns, i % self.columns)
        for column in range(WIDE):
            self.grid.setColumnStretch(column, 1 if column < self.columns else 0)
        QTimer.singleShot(0, self, self._fit)  # once the new answers have their style

    def _fit(self) -> None:
        """As tall as the answers need (the waiting list below gets the rest); it
        scrolls only when they need more than their share of the column."""
        if not self.cells:
            return
        answers = self.content.sizeHint().height() + 4
        self.scroller.setMaximumHeight(answers)
        margins = self.contentsMargins()
        above = sum(w.sizeHint().height() + 8 for w in (self.title, self.meta))
        self.setMaximumHeight(above + answers + margins.top() + margins.bottom() + 40)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = NARROW if event.size().width() < NARROW_BELOW else WIDE
        if columns != self.columns:
            self.columns = columns
            for cell in self.cells:
                self.grid.removeWidget(cell)
            self._place()

    def clear(self) -> None:
        """Sign-out: every answer gone from the screen and from memory."""
        self._shown = None
        self._drop_cells()
        for text in (self.title, self.meta, self.empty):
            text.setText("")
        self.scroller.hide()

    def _drop_cells(self) -> None:
        clear_layout(self.grid)
        self.cells = []
        self.form = None
