"""Check your answers: every answer with a Change button, then Submit.

The citizen's own screen, so personal answers are shown in full here (the
printed receipt masks them). Change opens the question's page; once it is
right, Continue comes straight back here (the session's rule).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.forms.engine import FormSession
from kiosk.i18n import Translator
from ui.screens import Screen
from ui.touch import set_status, touch_scroll_area
from ui.widgets import button, label


class FormReviewScreen(Screen):
    change = Signal(str)  # page id
    submit = Signal()
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("FormReviewScreen")
        self.form: FormSession | None = None
        self._tr: Translator | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 24, 80, 24)
        layout.setSpacing(12)
        self.form_title = label("FormTitle")
        self.title = label("ScreenTitle")
        self.hint = label("ScreenSubtitle")
        self.status = label("SubmitStatus")
        self.status.hide()
        for widget in (self.form_title, self.title, self.hint, self.status):
            layout.addWidget(widget)

        self.rows_widget = QWidget()
        self.rows_widget.setObjectName("FormContent")
        self.rows = QGridLayout(self.rows_widget)
        self.rows.setHorizontalSpacing(24)
        self.rows.setVerticalSpacing(6)
        self.rows.setColumnStretch(0, 2)
        self.rows.setColumnStretch(1, 3)
        self.scroller = touch_scroll_area(self.rows_widget)
        layout.addWidget(self.scroller, 1)

        bar = QHBoxLayout()
        self.back_button = button(name="review-back")
        self.submit_button = button(variant="primary", name="review-submit")
        self.back_button.clicked.connect(self.back)
        self.submit_button.clicked.connect(self.submit)
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        bar.addWidget(self.submit_button)
        layout.addLayout(bar)
        self.change_buttons: dict[str, QPushButton] = {}
        self._rows: list[tuple[QLabel, QLabel, QPushButton]] = []
        self._pages: list[str] = []  # the page each row's Change opens

    def open(self, form: FormSession, tr: Translator) -> None:
        self.form = form
        self._tr = tr
        self.set_busy(False)
        self.status.hide()
        self.retranslate(tr)
        self.scroller.verticalScrollBar().setValue(0)

    def set_busy(self, busy: bool) -> None:
        """While the form is being saved: one tap, one submission."""
        self.submit_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.rows_widget.setEnabled(not busy)  # and every Change button in it
        if busy and self._tr is not None:
            self._show_status(self._tr("wizard.submitting"), fault=False)

    def show_failure(self) -> None:
        """The store could not take the form: say so; every answer is still here."""
        assert self._tr is not None
        self.set_busy(False)
        self._show_status(self._tr("wizard.submit_failed"), fault=True)

    def _show_status(self, text: str, *, fault: bool) -> None:
        set_status(self.status, text, fault=fault)
        self.status.show()

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self.title.setText(tr("wizard.review_title"))
        self.hint.setText(tr("wizard.review_hint"))
        self.back_button.setText("‹  " + tr("wizard.back"))
        self.submit_button.setText(tr("wizard.submit"))
        if self.status.isVisible() and self.status.property("fault") == "true":
            self.status.setText(tr("wizard.submit_failed"))
        self._fill()

    def _fill(self) -> None:
        """One row per answer: question, answer, Change (to the question's page).

        Rows are kept and refilled, not rebuilt: the review opens after every
        page's Continue once a citizen starts changing answers.
        """
        form, tr = self.form, self._tr
        items = form.review() if form is not None and tr is not None else []
        if form is not None:
            self.form_title.setText(form.text(form.definition.title))
        while len(self._rows) < len(items):
            self._add_row()
        self.change_buttons = {}
        self._pages = [item.page_id for item in items]
        for i, (question, answer, change) in enumerate(self._rows):
            shown = i < len(items)
            for widget in (question, answer, change):
                if widget.isHidden() == shown:
                    widget.setVisible(shown)
            if not shown:
                question.clear()
                answer.clear()  # nothing of a previous citizen waits in a hidden row
                continue
            assert tr is not None
            item = items[i]
            question.setText(item.label)
            answer.setText(item.shown_value)
            change.setText(tr("wizard.change"))
            change.setObjectName(f"change-{item.field_id}")
            change.setAccessibleName(f"{tr('wizard.change')}: {item.label}")
            self.change_buttons[item.field_id] = change

    def _add_row(self) -> None:
        row = len(self._rows)
        question, answer = label("ReviewQuestion"), label("ReviewAnswer")
        change = button(variant="link")
        change.clicked.connect(lambda _=False, i=row: self.change.emit(self._pages[i]))
        self.rows.setRowStretch(row, 0)
        self.rows.addWidget(question, row, 0, Qt.AlignmentFlag.AlignTop)
        self.rows.addWidget(answer, row, 1, Qt.AlignmentFlag.AlignTop)
        self.rows.addWidget(change, row, 2, Qt.AlignmentFlag.AlignTop)
        self.rows.setRowStretch(row + 1, 1)  # the rows stay at the top
        self._rows.append((question, answer, change))

    def clear(self) -> None:
        self.form = None
        self.status.hide()
        self._fill()
