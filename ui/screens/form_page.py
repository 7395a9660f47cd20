"""One page of a form: step indicator, title, help, the questions, Back and Continue.

A thin view of :class:`kiosk.forms.engine.FormSession`: every change a
citizen makes goes to the session at once (so a question shown only for some
answers appears or goes as they answer), and Continue asks the session
whether the page is right. When it is not, each question shows its own error
and a summary at the top lists them all, with focus moved there so a screen
reader reads it first (GOV.UK's error summary); touching an entry goes to
its question.

Each page's questions are built once per form and kept, so moving between
pages only shows and hides widgets (``make bench``: page-to-page time).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.forms.engine import FieldError, FormSession
from kiosk.i18n import Translator
from ui.form_fields import FieldEditor, make_editor
from ui.keyboard import TouchKeyboard
from ui.screens import Screen
from ui.touch import touch_scroll_area
from ui.widgets import button, label

TRACK, DONE = "#dfe1e2", "#0b3d91"  # the theme's light grey and navy


class StepBar(QWidget):
    """How far through the form: a thin bar, painted directly (a QProgressBar
    repaints itself synchronously on every change, several ms of a page turn)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("StepBar")
        self.setFixedHeight(12)
        self._fraction = 0.0

    def set_progress(self, step: int, steps: int) -> None:
        fraction = step / steps if steps else 0.0
        if fraction != self._fraction:
            self._fraction = fraction
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        radius = self.height() / 2
        painter.setBrush(QColor(TRACK))
        painter.drawRoundedRect(self.rect(), radius, radius)
        done = self.rect()
        done.setWidth(round(self.width() * self._fraction))
        painter.setBrush(QColor(DONE))
        painter.drawRoundedRect(done, radius, radius)


class ErrorSummary(QFrame):
    """ "There is a problem" and one entry per error; an entry goes to its question."""

    chosen = Signal(str)  # field id

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("ErrorSummary")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(24, 16, 24, 16)
        self.title = label("ErrorSummaryTitle")
        self.box.addWidget(self.title)
        self.entries: list[QPushButton] = []
        self.hide()

    def clear_errors(self) -> None:
        """No entries left behind: a message can quote an answer (a date, a number)."""
        for entry in self.entries:
            entry.deleteLater()
        self.entries = []
        self.setAccessibleName("")
        self.hide()

    def show_errors(self, errors: list[FieldError], tr: Translator) -> None:
        self.clear_errors()
        self.title.setText(tr("wizard.problem_title"))
        for error in errors:
            entry = button(error.message, variant="link", name=f"summary-{error.field_id}")
            entry.clicked.connect(lambda _=False, fid=error.field_id: self.chosen.emit(fid))
            self.box.addWidget(entry)
            self.entries.append(entry)
        self.setAccessibleName(" ".join([self.title.text(), *(e.message for e in errors)]))
        self.setVisible(bool(errors))


class FormPageScreen(Screen):
    left_form = Signal()  # Back on the first page
    reached_review = Signal()  # Continue on the last page, or Back while changing an answer
    page_shown = Signal()  # a page (another, or the same one again) was put on screen
    questions_changed = Signal()  # an answer showed or hid a question on the page

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("FormPageScreen")
        self.form: FormSession | None = None
        self._tr: Translator | None = None
        self._views: dict[str, tuple[QWidget, list[FieldEditor]]] = {}
        self._shown_view: QWidget | None = None
        self._languages: dict[str, str] = {}  # page id -> the language its questions show
        self._errors: list[FieldError] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = self.body = QVBoxLayout()
        body.setContentsMargins(80, 16, 80, 12)
        body.setSpacing(10)
        outer.addLayout(body, 1)
        # Fixed on top: where the citizen is. Everything else scrolls, so with the
        # keyboard up the question being typed into can still be read in full.
        top = QHBoxLayout()
        self.step = label("StepLabel", wrap=False)
        self.progress = StepBar()
        top.addWidget(self.step)
        top.addSpacing(24)
        top.addWidget(self.progress, 1)
        body.addLayout(top)

        self.content = QWidget()
        self.content.setObjectName("FormContent")
        self.pages_box = QVBoxLayout(self.content)
        self.pages_box.setContentsMargins(0, 0, 16, 0)
        self.pages_box.setSpacing(10)
        self.summary = ErrorSummary()
        self.summary.chosen.connect(self.focus_field)
        self.form_title = label("FormTitle")
        self.title = label("ScreenTitle")
        self.help = label("ScreenSubtitle")
        for widget in (self.summary, self.form_title, self.title, self.help):
            self.pages_box.addWidget(widget)
        self.pages_box.addStretch(1)
        self.scroller = touch_scroll_area(self.content)
        body.addWidget(self.scroller, 1)

        bar = QHBoxLayout()
        self.back_button = button(name="form-back")
        self.next_button = button(variant="primary", name="form-next")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        bar.addWidget(self.next_button)
        body.addLayout(bar)
        # The keyboard docks under the page's own buttons, the window's full width:
        # only this screen makes room for it, so no other screen in the window's
        # stack has to fit above it.
        self.keyboard = TouchKeyboard()
        self.keyboard.hide()
        outer.addWidget(self.keyboard)

    def set_portrait(self, portrait: bool) -> None:
        side = 32 if portrait else 80
        self.body.setContentsMargins(side, 16, side, 12)

    # --- driven by the window -------------------------------------------------------

    def open(self, form: FormSession, tr: Translator) -> None:
        """Start showing ``form`` (a new citizen's, or the same one after "Change")."""
        if form is not self.form:
            self._drop_views()
            self.form = form
        self._tr = tr
        self.show_page()
        QTimer.singleShot(0, self, lambda: self._prebuild(form))

    def _prebuild(self, form: FormSession) -> None:
        """Build the form's other pages one per event-loop turn while the citizen
        reads the first, so Continue only has to show a page, not make it."""
        if form is not self.form:
            return  # wiped or replaced meanwhile
        missing = [p.id for p in form.definition.pages if p.id not in self._views]
        if missing:
            view, _ = self._view(missing[0])
            view.ensurePolished()
            QTimer.singleShot(0, self, lambda: self._prebuild(form))

    def show_page(self) -> None:
        """Show the session's current page with its answers, no errors yet."""
        form = self.form
        assert form is not None and form.current_page is not None
        page = form.current_page
        view, editors = self._view(page.id)
        if self._shown_view is not view:  # only what changes: a page turn is one frame
            if self._shown_view is not None:
                self._shown_view.hide()
            view.show()
            self._shown_view = view
        for editor in editors:
            editor.blockSignals(True)
            editor.set_raw(form.raw(editor.field_id))
            editor.blockSignals(False)
            editor.set_error(None)
        self._errors = []
        self.summary.clear_errors()
        self._refresh()
        self.scroller.verticalScrollBar().setValue(0)
        self.retranslate_page()
        self.page_shown.emit()

    def go_next(self) -> None:
        form = self.form
        if form is None:
            return
        self._errors = form.next()
        if self._errors:
            self._show_errors()
        elif form.at_review:
            self.reached_review.emit()
        else:
            self.show_page()

    def go_back(self) -> None:
        form = self.form
        if form is None:
            return
        if not form.back():
            self.left_form.emit()
        elif form.at_review:
            self.reached_review.emit()
        else:
            self.show_page()

    def focus_field(self, field_id: str) -> None:
        """Go to a question (from the summary): to the wrong box of an address."""
        part = next((e.part for e in self._errors if e.field_id == field_id), None)
        for editor in self.editors():
            if editor.field_id == field_id:
                self.show_question(editor)
                editor.focus_input(part)

    def show_question(self, widget: QWidget) -> None:
        """Scroll so the question holding ``widget`` shows from its label down."""
        editor = widget if isinstance(widget, FieldEditor) else None
        parent = widget.parentWidget()
        while editor is None and parent is not None:
            editor = parent if isinstance(parent, FieldEditor) else None
            parent = parent.parentWidget()
        if editor is not None:
            self.scroller.ensureWidgetVisible(editor, 0, 8)
        self.scroller.ensureWidgetVisible(widget, 0, 8)

    def editors(self) -> list[FieldEditor]:
        """The questions of the page on screen (shown or not)."""
        form = self.form
        if form is None or form.current_page is None:
            return []
        return self._view(form.current_page.id)[1]

    def editor(self, field_id: str) -> FieldEditor:
        return next(e for e in self.editors() if e.field_id == field_id)

    # --- screen ---------------------------------------------------------------------

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self.back_button.setText("‹  " + tr("wizard.back"))
        self.next_button.setText(tr("wizard.next") + "  ›")
        self.retranslate_page()

    def retranslate_page(self) -> None:
        form, tr = self.form, self._tr
        if form is None or tr is None or form.current_page is None:
            return
        self.form_title.setText(form.text(form.definition.title))
        self.title.setText(form.text(form.current_page.title))
        help_text = form.text(form.current_page.help)
        self.help.setText(help_text)
        self.help.setVisible(bool(help_text))
        self._show_progress()
        if self._languages.get(form.current_page.id) != tr.lang:
            for editor in self.editors():
                editor.retranslate(tr)
            self._languages[form.current_page.id] = tr.lang
        if self._errors:  # the messages come from the session, in its language
            self._errors = [e for e in form.errors() if e.field_id in self._shown_ids()]
            self._show_errors(move_focus=False)

    def clear(self) -> None:
        """Forget the citizen: every answer box goes with the views."""
        self._drop_views()
        self.form = None
        self._errors = []
        self.summary.clear_errors()

    # --- inside ---------------------------------------------------------------------

    def _view(self, page_id: str) -> tuple[QWidget, list[FieldEditor]]:
        found = self._views.get(page_id)
        if found is not None:
            return found
        form = self.form
        assert form is not None
        view = QWidget()
        view.hide()  # until it is the page on screen
        box = QVBoxLayout(view)
        box.setContentsMargins(0, 8, 0, 8)
        box.setSpacing(28)
        editors = []
        for field in form.definition.page(page_id).fields:
            editor = make_editor(form.definition, field)
            editor.changed.connect(self._changed)
            box.addWidget(editor)
            editors.append(editor)
        if self._tr is not None:
            for editor in editors:
                editor.retranslate(self._tr)
            self._languages[page_id] = self._tr.lang
        self.pages_box.insertWidget(self.pages_box.count() - 1, view)  # above the stretch
        self._views[page_id] = (view, editors)
        return view, editors

    def _changed(self, field_id: str) -> None:
        form = self.form
        if form is None:
            return
        editor = next(e for e in self.editors() if e.field_id == field_id)
        form.answer(field_id, editor.raw())
        self._refresh()

    def _shown_ids(self) -> set[str]:
        assert self.form is not None
        return {field.id for field in self.form.visible_fields()}

    def _refresh(self) -> None:
        """Show the questions that apply to the answers so far; update the step count."""
        form = self.form
        assert form is not None
        shown = self._shown_ids()
        changed = False
        for editor in self.editors():
            wanted = editor.field_id in shown
            if editor.isHidden() == wanted:
                editor.setVisible(wanted)
                changed = True
        self._show_progress()
        if changed:
            self.questions_changed.emit()

    def _show_progress(self) -> None:
        form, tr = self.form, self._tr
        if form is None or tr is None:
            return
        step, steps = form.progress()
        self.step.setText(tr("wizard.step", step=step, steps=steps))
        self.progress.set_progress(step, steps)

    def _show_errors(self, move_focus: bool = True) -> None:
        assert self._tr is not None
        messages = {error.field_id: error.message for error in self._errors}
        for editor in self.editors():
            editor.set_error(messages.get(editor.field_id))
        self.summary.show_errors(self._errors, self._tr)
        if move_focus:
            self.summary.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroller.verticalScrollBar().setValue(0)
            # Again once the layout has settled (the keyboard going changes the page).
            QTimer.singleShot(0, self, lambda: self.scroller.verticalScrollBar().setValue(0))

    def _drop_views(self) -> None:
        for view, _ in self._views.values():
            view.setParent(None)
            view.deleteLater()
        self._views = {}
        self._shown_view = None
        self._languages = {}
