"""One editor per kind of question, for the form wizard's pages.

An editor shows a question's label, hint and error and hands the engine what
the citizen entered, *as entered* (:meth:`FieldEditor.raw`): judging it is
:class:`kiosk.forms.engine.FormSession`'s job, so the screen and the tests
share one definition of "valid". Choices are big touch rows rather than
Qt's radio buttons and check boxes, which neither wrap long labels nor offer
a target a finger can hit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.forms.definition import FormDefinition, FormField, Kind
from kiosk.forms.validation import ADDRESS_PARTS, DEFAULT_MAX_LENGTH
from kiosk.i18n import Translator
from ui.touch import restyle
from ui.widgets import label

TextInput = QLineEdit | QPlainTextEdit
#: The on-screen keyboard layout each kind of question opens (ui/keyboard.py).
KEYBOARD = {
    Kind.EMAIL: "email",
    Kind.PHONE: "phone",
    Kind.NUMBER: "digits",
    Kind.DATE: "digits",
    Kind.ID_NUMBER: "id",
}
MARKS = {False: ("\u25cb", "\u25c9"), True: ("\u2610", "\u2611")}  # radio, check box


class Option(QPushButton):
    """A whole-row touch target: a mark (radio or check box) and a wrapping label.

    A QPushButton with no text of its own, so its frame is drawn by Qt (no Python
    ``paintEvent`` on every repaint of a page full of choices); the labels in its
    layout carry the mark and the text.
    """

    def __init__(self, value: object, multiple: bool, name: str) -> None:
        super().__init__()
        self.value = value
        self.setProperty("variant", "option")  # the theme's look; the name is for tests
        self.setAccessibleName(name)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._marks = MARKS[multiple]
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(18)
        self.mark = label("OptionMark", self._marks[0], wrap=False)
        self.text_label = label("OptionText")
        row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text_label, 1)
        self.toggled.connect(self._show_state)

    def setText(self, text: str) -> None:
        self.text_label.setText(text)
        self.setAccessibleName(text)

    def text(self) -> str:
        return self.text_label.text()

    def _show_state(self, checked: bool) -> None:
        self.mark.setText(self._marks[checked])
        self.setProperty("selected", "true" if checked else "false")
        restyle(self)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else -1


class FieldEditor(QFrame):
    """A question on a page. Subclasses add the input and say how to read it."""

    changed = Signal(str)  # the field id, whenever the citizen changes the answer

    def __init__(self, definition: FormDefinition, field: FormField) -> None:
        super().__init__()
        self.setObjectName("FormField")
        self.definition = definition
        self.field = field
        self.keyboard_layout = KEYBOARD.get(field.kind, "text")
        box = self.box = QVBoxLayout(self)
        box.setContentsMargins(24, 8, 8, 8)
        box.setSpacing(8)
        self.label = label("FieldLabel")
        self.hint = label("FieldHint")
        self.error = label("FieldError")
        self.error.hide()
        for widget in (self.label, self.hint, self.error):
            box.addWidget(widget)

    @property
    def field_id(self) -> str:
        return self.field.id

    def retranslate(self, tr: Translator) -> None:
        text = self.definition.text(self.field.label, tr.lang)
        if not self.field.required and self.field.kind is not Kind.CONSENT:
            text = f"{text} {tr('wizard.optional')}"
        self.label.setText(text)
        hint = self.definition.text(self.field.hint, tr.lang)
        if not hint and self.field.kind is Kind.MULTIPLE_CHOICE:
            hint = tr("wizard.select_all")
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))

    def set_error(self, message: str | None) -> None:
        """Show what is wrong next to the question (GOV.UK: above the input, red bar)."""
        self.error.setText(message or "")
        if self.error.isHidden() != bool(message):
            return  # no change of state: no restyling (it is done on every page turn)
        self.error.setVisible(bool(message))
        self.setProperty("error", "true" if message else "false")
        restyle(self, *self.text_inputs())  # the boxes turn red too

    def text_inputs(self) -> list[TextInput]:
        """The boxes the on-screen keyboard types into (none for choices)."""
        return []

    def raw(self) -> object:
        raise NotImplementedError

    def set_raw(self, raw: object) -> None:
        raise NotImplementedError

    def focus_input(self, part: str | None = None) -> None:
        """Put the focus in the answer box (``part``: one box of several, if named)."""
        inputs = self.text_inputs()
        target: QWidget = inputs[0] if inputs else self
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _emit(self, *_: object) -> None:
        self.changed.emit(self.field.id)


class TextEditor(FieldEditor):
    """Short text, number, phone, email and ID numbers: one box."""

    def __init__(self, definition: FormDefinition, field: FormField) -> None:
        super().__init__(definition, field)
        self.input = QLineEdit()
        self.input.setObjectName(f"input-{field.id}")
        self.input.setProperty("keyboard", self.keyboard_layout)
        self.input.setMaxLength(field.max_length or DEFAULT_MAX_LENGTH.get(field.kind, 200))
        self.input.textChanged.connect(self._emit)  # typing, and a scan setting the text
        self.box.addWidget(self.input)

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        if self.field.kind is Kind.ID_NUMBER:  # a scanner can fill it (ui/scanner.py)
            hint = self.hint.text()
            self.hint.setText(
                f"{hint}\n{tr('wizard.scan_hint')}" if hint else tr("wizard.scan_hint")
            )
            self.hint.show()

    def text_inputs(self) -> list[TextInput]:
        return [self.input]

    def raw(self) -> object:
        return self.input.text()

    def set_raw(self, raw: object) -> None:
        self.input.setText("" if raw is None else str(raw))


class LongTextEditor(FieldEditor):
    def __init__(self, definition: FormDefinition, field: FormField) -> None:
        super().__init__(definition, field)
        self.input = QPlainTextEdit()
        self.input.setObjectName(f"input-{field.id}")
        self.input.setProperty("keyboard", self.keyboard_layout)
        self.input.setTabChangesFocus(True)
        self.input.setMinimumHeight(160)
        self.input.textChanged.connect(self._emit)
        self.box.addWidget(self.input)

    def text_inputs(self) -> list[TextInput]:
        return [self.input]

    def raw(self) -> object:
        return self.input.toPlainText()

    def set_raw(self, raw: object) -> None:
        self.input.setPlainText("" if raw is None else str(raw))


class PartsEditor(FieldEditor):
    """Several labelled boxes making one answer: a date (day, month, year) or an address."""

    def __init__(self, definition: FormDefinition, field: FormField, parts: dict[str, int]) -> None:
        super().__init__(definition, field)
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        self.parts: dict[str, QLineEdit] = {}
        self.part_labels: dict[str, QLabel] = {}
        wide = field.kind is Kind.ADDRESS
        for i, (part, length) in enumerate(parts.items()):
            box = QLineEdit()
            box.setObjectName(f"input-{field.id}-{part}")
            box.setProperty("keyboard", "digits" if part == "postal_code" else self.keyboard_layout)
            box.setMaxLength(length)
            box.textChanged.connect(self._emit)
            caption = label("PartLabel", wrap=False)
            caption.setBuddy(box)
            row, col = (2 * i, 0) if wide else (0, i)
            grid.addWidget(caption, row, col)
            grid.addWidget(box, row + 1, col)
            if not wide:
                box.setFixedWidth(140 if length <= 2 else 190)
            self.parts[part] = box
            self.part_labels[part] = caption
        if not wide:
            grid.setColumnStretch(len(parts), 1)
        self.box.addLayout(grid)

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        for part, caption in self.part_labels.items():
            caption.setText(tr(f"wizard.{part}"))

    def text_inputs(self) -> list[TextInput]:
        return list(self.parts.values())

    def focus_input(self, part: str | None = None) -> None:
        box = self.parts.get(part or "")
        if box is None:
            super().focus_input()
        else:
            box.setFocus(Qt.FocusReason.OtherFocusReason)

    def _texts(self) -> dict[str, str]:
        return {part: box.text().strip() for part, box in self.parts.items()}


class DateEditor(PartsEditor):
    """Day, month, year in three boxes (GOV.UK's date input): no picker to scroll."""

    def __init__(self, definition: FormDefinition, field: FormField) -> None:
        super().__init__(definition, field, {"day": 2, "month": 2, "year": 4})

    def raw(self) -> object:
        t = self._texts()
        if not any(t.values()):
            return None
        if all(v.isdigit() for v in t.values()) and len(t["year"]) == 4:
            return f"{t['year']}-{int(t['month']):02d}-{int(t['day']):02d}"
        return f"{t['year']}-{t['month']}-{t['day']}"  # not a date: the engine says so

    def set_raw(self, raw: object) -> None:
        year, month, day = [*str(raw).split("-"), "", "", ""][:3] if raw else ("", "", "")
        for part, text in (("day", day), ("month", month), ("year", year)):
            self.parts[part].setText(text)


class AddressEditor(PartsEditor):
    def __init__(self, definition: FormDefinition, field: FormField) -> None:
        lengths = {"line1": 100, "line2": 100, "city": 60, "region": 40, "postal_code": 10}
        super().__init__(definition, field, {part: lengths[part] for part in ADDRESS_PARTS})

    def raw(self) -> object:
        parts = {part: text for part, text in self._texts().items() if text}
        return parts or None

    def set_raw(self, raw: object) -> None:
        values = raw if isinstance(raw, dict) else {}
        for part, box in self.parts.items():
            box.setText(str(values.get(part, "")))


class ChoiceEditor(FieldEditor):
    """Single and multiple choice, yes/no and consent, as touch rows."""

    def __init__(self, definition: FormDefinition, field: FormField) -> None:
        super().__init__(definition, field)
        kind = field.kind
        multiple = kind in (Kind.MULTIPLE_CHOICE, Kind.CONSENT)
        values: list[object]
        if kind is Kind.YES_NO:
            values = [True, False]
        elif kind is Kind.CONSENT:
            values = [True]
        else:
            values = [choice.value for choice in field.choices or []]
        self.group = QButtonGroup(self)
        self.group.setExclusive(not multiple)
        self.options: list[Option] = []
        for value in values:
            option = Option(value, multiple, f"option-{field.id}-{value}")
            option.setObjectName(f"option-{field.id}-{str(value).lower()}")
            self.group.addButton(option)
            self.box.addWidget(option)
            self.options.append(option)
        self.group.buttonToggled.connect(self._emit)

    def retranslate(self, tr: Translator) -> None:
        super().retranslate(tr)
        kind = self.field.kind
        labels = {choice.value: choice.label for choice in self.field.choices or []}
        for option in self.options:
            if kind is Kind.YES_NO:
                option.setText(tr("forms.value.yes" if option.value else "forms.value.no"))
            elif kind is Kind.CONSENT:
                option.setText(tr("forms.value.agreed"))
            else:
                option.setText(self.definition.text(labels[str(option.value)], tr.lang))

    def option(self, value: object) -> Option:
        return next(o for o in self.options if o.value == value)

    def raw(self) -> object:
        chosen = [o.value for o in self.options if o.isChecked()]
        if self.field.kind is Kind.MULTIPLE_CHOICE:
            return chosen or None
        if self.field.kind is Kind.CONSENT:
            return bool(chosen)
        return chosen[0] if chosen else None

    def set_raw(self, raw: object) -> None:
        chosen = raw if isinstance(raw, list) else [raw]
        self.group.blockSignals(True)
        exclusive = self.group.exclusive()
        self.group.setExclusive(False)  # an exclusive group cannot uncheck its last row
        for option in self.options:
            option.setChecked(option.value in chosen and raw is not None)
        self.group.setExclusive(exclusive)
        self.group.blockSignals(False)


def make_editor(definition: FormDefinition, field: FormField) -> FieldEditor:
    kind = field.kind
    if kind is Kind.LONG_TEXT:
        return LongTextEditor(definition, field)
    if kind is Kind.DATE:
        return DateEditor(definition, field)
    if kind is Kind.ADDRESS:
        return AddressEditor(definition, field)
    if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.YES_NO, Kind.CONSENT):
        return ChoiceEditor(definition, field)
    return TextEditor(definition, field)
