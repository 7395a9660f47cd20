"""Check your answers: every answer with a Change button, then Submit.

The citizen's own screen, so personal answers are shown in full here (the
printed receipt masks them). Change opens the question's page; once it is
right, Continue comes straight back here (the session's rule).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.forms.engine import FormSession
from kiosk.i18n import Translator
from ui.screens import Screen
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

        self.scroller = QScrollArea()
        self.scroller.setObjectName("FormScroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A finger swipe scrolls (touch events only: a tap on a choice stays a tap).
        QScroller.grabGesture(self.scroller.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.rows_widget = QWidget()
        self.rows_widget.setObjectName("FormContent")
        self.rows = QGridLayout(self.rows_widget)
        self.rows.setHorizontalSpacing(24)
        self.rows.setVerticalSpacing(6)
        self.rows.setColumnStretch(0, 2)
        self.rows.setColumnStretch(1, 3)
        self.scroller.setWidget(self.rows_widget)
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
        for row in self.rows_widget.findChildren(QWidget):
            row.setEnabled(not busy)
        if busy and self._tr is not None:
            self._show_status(self._tr("wizard.submitting"), fault=False)

    def show_failure(self) -> None:
        """The store could not take the form: say so; every answer is still here."""
        assert self._tr is not None
        self.set_busy(False)
        self._show_status(self._tr("wizard.submit_failed"), fault=True)

    def _show_status(self, text: str, *, fault: bool) -> None:
        self.status.setText(text)
        self.status.setProperty("fault", "true" if fault else "false")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
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
        """One row per answer: question, answer, Change (to the question's page)."""
        while self.rows.count():
            cell = self.rows.takeAt(0)
            widget = cell.widget() if cell is not None else None
            if widget is not None:
                widget.deleteLater()
        self.change_buttons = {}
        form, tr = self.form, self._tr
        if form is None or tr is None:
            return
        self.form_title.setText(form.text(form.definition.title))
        for row, item in enumerate(form.review()):
            question = label("ReviewQuestion")
            question.setText(item.label)
            answer = label("ReviewAnswer")
            answer.setText(item.shown_value)
            change = button(tr("wizard.change"), variant="link", name=f"change-{item.field_id}")
            change.setAccessibleName(f"{tr('wizard.change')}: {item.label}")
            change.clicked.connect(lambda _=False, page=item.page_id: self.change.emit(page))
            self.rows.addWidget(question, row, 0, Qt.AlignmentFlag.AlignTop)
            self.rows.addWidget(answer, row, 1, Qt.AlignmentFlag.AlignTop)
            self.rows.addWidget(change, row, 2, Qt.AlignmentFlag.AlignTop)
            self.change_buttons[item.field_id] = change
        self.rows.setRowStretch(len(self.change_buttons), 1)

    def clear(self) -> None:
        self.form = None
        self.status.hide()
        self._fill()
