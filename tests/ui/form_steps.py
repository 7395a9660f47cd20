"""Steps a citizen takes in the form wizard: typing, touching choices, Continue."""

from __future__ import annotations

import unicodedata
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from ui.form_fields import ChoiceEditor, DateEditor, FieldEditor, PartsEditor
from ui.window import KioskWindow

LEFT = Qt.MouseButton.LeftButton


MARK_KEYS = {"\u0301": "accent", "\u0308": "diaeresis"}


def type_into(qtbot: QtBot, box: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Touch the box, clear it and type, key by key: on the on-screen keyboard when
    the text has letters a US keyboard lacks (as a Spanish speaker at the kiosk
    would), else on a hardware keyboard."""
    qtbot.mouseClick(box, LEFT)
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    if not text.isascii():
        window = box.window()
        assert isinstance(window, KioskWindow)
        keyboard = window.forms.keyboard
        assert keyboard.target is box, "the keyboard came up for the box touched"
        for name in keys_for(text):
            qtbot.mouseClick(keyboard.key(name), LEFT)
    elif text:
        qtbot.keyClicks(box, text)


def keys_for(text: str) -> list[str]:
    """The on-screen keys that type ``text`` ("Ñ" is shift + ñ; "í" is ´ + i)."""
    names: list[str] = []
    for char in text:
        if char == " ":
            names.append("space")
            continue
        letter, *marks = unicodedata.normalize("NFD", char)
        if "\u0303" in marks:  # the tilde: ñ has a key of its own
            letter, marks = ("Ñ" if letter.isupper() else "ñ"), []
        if letter.isupper():
            names.append("shift")
        names += [MARK_KEYS[mark] for mark in marks]
        names.append(letter.lower())
    return names


def enter(qtbot: QtBot, editor: FieldEditor, value: Any) -> None:
    """Give one answer the way a person would on the touchscreen."""
    if isinstance(editor, ChoiceEditor):
        wanted = value if isinstance(value, list) else [value]
        for option in editor.options:
            if option.isChecked() != (option.value in wanted):
                qtbot.mouseClick(option, LEFT)
        return
    if isinstance(editor, DateEditor):
        year, month, day = str(value).split("-") if value else ("", "", "")
        for part, text in (("day", day), ("month", month), ("year", year)):
            type_into(qtbot, editor.parts[part], text)
        return
    if isinstance(editor, PartsEditor):  # an address
        for part, box in editor.parts.items():
            type_into(qtbot, box, str(value.get(part, "")))
        return
    (box,) = editor.text_inputs()
    type_into(qtbot, box, "" if value is None else str(value))


def fill_page(qtbot: QtBot, window: KioskWindow, answers: dict[str, Any]) -> None:
    """Answer what the page on screen asks (twice: an answer may reveal a question)."""
    page = window.forms.page
    for _ in range(2):
        for editor in page.editors():
            wanted = answers.get(editor.field_id, editor)
            if wanted is editor or not editor.isVisibleTo(page):
                continue  # not asked here, or hidden by an answer above
            if editor.raw() != _as_raw(editor, wanted):
                enter(qtbot, editor, wanted)


def press_continue(qtbot: QtBot, window: KioskWindow) -> None:
    qtbot.mouseClick(window.forms.page.next_button, LEFT)


def walk(
    qtbot: QtBot, window: KioskWindow, answers: dict[str, Any], until: str | None = None
) -> list[str]:
    """Fill each page and press Continue until the review (or page ``until``); the pages
    passed. A page the wizard refuses stops the walk with its errors on screen."""
    passed: list[str] = []
    page = window.forms.page
    while window.current is page:
        form = window.session.form
        assert form is not None and form.current_page is not None
        if form.current_page.id == until:
            break
        passed.append(form.current_page.id)
        fill_page(qtbot, window, answers)
        press_continue(qtbot, window)
        assert not page.summary.isVisible(), [e.text() for e in page.summary.entries]
    return passed


def _as_raw(editor: FieldEditor, value: Any) -> Any:
    """The raw value the editor would hold after ``enter`` (to skip answers already given)."""
    if isinstance(editor, ChoiceEditor):
        return _choice_raw(editor, value)
    if isinstance(editor, DateEditor):
        return value or None
    if isinstance(editor, PartsEditor):
        return {k: v for k, v in value.items() if v} or None
    return "" if value is None else str(value)


def _choice_raw(editor: ChoiceEditor, value: Any) -> Any:
    kind = editor.field.kind.value
    if kind == "multiple_choice":
        return list(value) or None
    if kind == "consent":
        return bool(value)
    return value
