"""The on-screen keyboard, typed on with real clicks on its keys.

A small form stands in for the form wizard: a title, a one-line field and a
notes box above, the keyboard docked below, with the kiosk theme and the
keyboard's rules in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.i18n import Translator
from ui.keyboard import MIN_KEY_WIDTH, PAGES, TouchKeyboard
from ui.theme import apply_theme
from ui.widgets import label

pytestmark = pytest.mark.gui
LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)


@dataclass
class Form:
    qtbot: QtBot
    window: QWidget
    field: QLineEdit
    notes: QPlainTextEdit
    keyboard: TouchKeyboard

    def press(self, *names: str) -> None:
        for name in names:
            self.qtbot.mouseClick(self.keyboard.key(name), Qt.MouseButton.LeftButton)

    def type_into(self, target: QLineEdit | QPlainTextEdit, layout: str) -> None:
        target.setFocus()
        self.keyboard.attach(target, layout)

    def resize(self, size: tuple[int, int]) -> None:
        self.window.resize(*size)
        QApplication.processEvents()
        layout = self.window.layout()
        assert layout is not None
        layout.activate()


@pytest.fixture(scope="module")
def themed(qapp: QApplication) -> Iterator[None]:
    """Once per module: each change of the app's stylesheet re-polishes every widget."""
    sheet, font = qapp.styleSheet(), qapp.font()
    apply_theme(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


@pytest.fixture
def form(qtbot: QtBot, themed: None) -> Iterator[Form]:
    window = QWidget()
    qtbot.addWidget(window)
    window.setObjectName("KioskWindow")
    column = QVBoxLayout(window)
    column.setContentsMargins(0, 0, 0, 0)
    title = label("ScreenTitle", "Your name")
    field, notes = QLineEdit(), QPlainTextEdit()
    keyboard = TouchKeyboard()
    inner = QVBoxLayout()
    inner.setContentsMargins(120, 40, 120, 20)
    for widget in (title, field, notes):
        inner.addWidget(widget)
    column.addLayout(inner, 1)
    column.addWidget(keyboard)
    window.resize(*LANDSCAPE)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    form = Form(qtbot, window, field, notes, keyboard)
    form.type_into(field, "text")
    yield form
    window.deleteLater()  # now, not at the next garbage collection
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_typing_a_spanish_name_with_shift_accent_and_enye(form: Form) -> None:
    form.press("shift", "j", "o", "s", "accent", "e", "space")
    form.press("shift", "n", "accent", "u", "ñ", "e", "z")
    assert form.field.text() == "José Núñez"


def test_shift_capitalises_one_letter_and_shows_capitals_meanwhile(form: Form) -> None:
    assert form.keyboard.key("a").text() == "a"
    form.press("shift")
    assert form.keyboard.key("shift").isChecked()
    assert form.keyboard.key("a").text() == "A"
    form.press("a", "a")
    assert form.field.text() == "Aa"
    assert not form.keyboard.key("shift").isChecked()
    assert form.keyboard.key("a").text() == "a"


def test_the_first_letter_of_an_empty_field_is_not_capitalised(form: Form) -> None:
    form.press("a", "n", "a")
    assert form.field.text() == "ana"


def test_accent_shows_on_the_vowels_and_lands_on_the_next_letter_only(form: Form) -> None:
    form.press("accent")
    assert [form.keyboard.key(c).text() for c in "aeioun"] == list("áéíóúń")
    assert form.keyboard.key("x").text() == "x"
    form.press("x", "a")  # a key the accent cannot go on types itself alone
    form.press("diaeresis", "u", "e")
    assert form.field.text() == "xaüe"


def test_pressing_the_accent_again_takes_it_back(form: Form) -> None:
    form.press("accent", "accent", "a")
    assert form.field.text() == "a"
    assert not form.keyboard.key("accent").isChecked()


def test_shift_and_accent_together_give_a_capital_accented_letter(form: Form) -> None:
    form.press("accent", "shift", "a", "shift", "diaeresis", "u")
    assert form.field.text() == "ÁÜ"


def test_typing_in_the_middle_of_a_word_inserts_at_the_cursor(form: Form) -> None:
    form.field.setText("Lpez")
    form.field.setCursorPosition(1)
    form.press("accent", "o")
    assert form.field.text() == "López"
    assert form.field.cursorPosition() == 2


def test_backspace_deletes_the_character_before_the_cursor(form: Form) -> None:
    form.field.setText("Anna Lopezz")
    form.press("backspace")
    assert form.field.text() == "Anna Lopez"
    form.field.setCursorPosition(3)
    form.press("backspace")
    assert form.field.text() == "Ana Lopez"
    assert form.field.cursorPosition() == 2


def test_email_layout_types_an_address_with_the_dot_com_key(form: Form) -> None:
    form.type_into(form.field, "email")
    assert form.keyboard.layout_name == "email"
    form.press(*"ana", ".", *"lopez", "@", *"example", ".com")
    assert form.field.text() == "ana.lopez@example.com"
    for missing in ("shift", "accent", "diaeresis", "space", "ñ"):
        with pytest.raises(KeyError):
            form.keyboard.key(missing)


def test_digits_layout_types_a_year(form: Form) -> None:
    form.type_into(form.field, "digits")
    form.press("1", "9", "8", "8", "backspace", "0")
    assert form.field.text() == "1980"
    with pytest.raises(KeyError):
        form.keyboard.key("a")


def test_phone_layout_types_a_us_number(form: Form) -> None:
    form.type_into(form.field, "phone")
    form.press("+", "1", "space", "(", *"555", ")", "space", *"123", "-", *"4567")
    assert form.field.text() == "+1 (555) 123-4567"


def test_id_layout_types_capitals_without_shift(form: Form) -> None:
    form.type_into(form.field, "id")
    form.press("D", "1", "2", "-", "X", "9")
    assert form.field.text() == "D12-X9"
    assert form.keyboard.key("Q").text() == "Q"
    for missing in ("a", "shift", "space"):
        with pytest.raises(KeyError):
            form.keyboard.key(missing)


def test_symbols_page_and_back_to_letters(form: Form) -> None:
    form.press("symbols", "#", "1", "/", "¿")
    form.press("letters", "b")
    assert form.field.text() == "#1/¿b"


def test_the_ampersand_key_shows_an_ampersand(form: Form) -> None:
    form.press("symbols", "&")
    assert form.field.text() == "&"
    # A lone "&" in a button's text marks a shortcut letter and shows nothing.
    assert form.keyboard.key("&").text() == "&&"


def test_a_full_field_takes_no_more_characters(form: Form) -> None:
    form.field.setMaxLength(4)
    form.type_into(form.field, "digits")
    form.press(*"12345")
    assert form.field.text() == "1234"
    form.field.setMaxLength(5)
    form.field.clear()
    form.type_into(form.field, "email")
    form.press("a", "b", ".com")
    assert form.field.text() == "ab.co"


def test_a_read_only_field_is_not_changed(form: Form) -> None:
    form.field.setText("fixed")
    form.field.setReadOnly(True)
    form.press("a", "backspace", "space")
    assert form.field.text() == "fixed"


def test_the_field_keeps_focus_while_keys_are_pressed(form: Form) -> None:
    assert QApplication.focusWidget() is form.field
    for name in ("shift", "m", "accent", "a", "space", "backspace", "symbols", "@", "letters"):
        form.press(name)
        assert QApplication.focusWidget() is form.field, name
        assert form.field.hasFocus(), name
    assert form.field.text() == "Má@"


def test_no_key_can_take_focus_even_after_the_theme_is_reapplied(
    form: Form, qapp: QApplication
) -> None:
    for _page in show_every_page(form):
        pass
    qapp.setStyleSheet(qapp.styleSheet() + "\n")  # re-polishes every widget
    keys = form.keyboard.findChildren(QPushButton)
    assert len(keys) > 150
    assert {key.focusPolicy() for key in keys} == {Qt.FocusPolicy.NoFocus}


def test_typing_into_a_notes_box(form: Form) -> None:
    form.type_into(form.notes, "text")
    assert form.keyboard.target is form.notes
    form.press("shift", "h", "o", "l", "a", "space", "x", "backspace", "accent", "u")
    assert form.notes.toPlainText() == "Hola ú"
    assert QApplication.focusWidget() is form.notes
    assert form.field.text() == ""


def test_after_detach_the_keys_change_nothing(form: Form) -> None:
    form.press("a")
    form.keyboard.detach()
    assert form.keyboard.target is None
    assert not form.keyboard.isVisible()
    form.press("b", "backspace", "space")
    assert form.field.text() == "a"


def test_a_key_after_the_field_is_deleted_does_not_crash(form: Form) -> None:
    form.field.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert form.keyboard.target is None
    assert not form.keyboard.isVisible()
    form.press("a", "backspace", "done")


def test_a_key_after_the_field_is_hidden_types_nothing_and_hides_the_keyboard(
    form: Form,
) -> None:
    form.press("a")
    form.field.hide()
    form.press("b")
    assert form.field.text() == "a"
    assert form.keyboard.target is None
    assert not form.keyboard.isVisible()


def test_done_tells_the_wizard(form: Form) -> None:
    with form.qtbot.waitSignal(form.keyboard.done, timeout=1_000):
        form.press("done")
    assert form.keyboard.isVisible()


def test_hide_puts_the_keyboard_away_until_the_field_is_touched_again(form: Form) -> None:
    form.press("hide")
    assert not form.keyboard.isVisible()
    assert form.keyboard.target is None
    # No cursor left blinking, and a touch on the field is a focus change again.
    assert not form.field.hasFocus()
    form.qtbot.mouseClick(form.field, Qt.MouseButton.LeftButton)
    assert form.field.hasFocus()
    form.press("a")
    assert form.field.text() == ""
    form.type_into(form.field, "text")
    assert form.keyboard.isVisible()
    form.press("a")
    assert form.field.text() == "a"


def test_keys_read_in_spanish(form: Form) -> None:
    form.keyboard.retranslate(Translator("es"))
    assert form.keyboard.key("space").text() == "espacio"
    assert form.keyboard.key("done").text() == "Listo"
    assert form.keyboard.key("hide").text() == "Ocultar teclado"
    form.type_into(form.field, "phone")  # a page built after the change reads Spanish too
    assert form.keyboard.key("space").text() == "espacio"
    form.keyboard.retranslate(Translator("en"))
    assert form.keyboard.key("done").text() == "Done"


def test_an_unknown_layout_is_refused(form: Form) -> None:
    with pytest.raises(ValueError, match="layout"):
        form.keyboard.attach(form.field, "klingon")


def show_every_page(form: Form) -> Iterator[str]:
    for layout in TouchKeyboard.LAYOUTS:
        form.type_into(form.field, layout)
        QApplication.processEvents()
        yield layout
        if f"{layout}-symbols" in PAGES:
            form.press("symbols")
            QApplication.processEvents()
            yield f"{layout}-symbols"


def key_problems(form: Form) -> list[str]:
    """Keys smaller than a fingertip, cut off by the window, or with clipped labels."""
    problems = []
    screen = form.window.rect()
    keys = [k for k in form.keyboard.findChildren(QPushButton) if k.isVisibleTo(form.window)]
    assert len(keys) >= 13  # the digit pad, the smallest page
    for key in keys:
        name = key.property("key")
        where = QRect(key.mapTo(form.window, QPoint(0, 0)), key.size())
        if key.width() < MIN_KEY_WIDTH or key.height() < 64:
            problems.append(f"{name!r} is {key.width()}x{key.height()}")
        if not screen.contains(where):
            problems.append(f"{name!r} is cut off at {where}")
        if key.fontMetrics().horizontalAdvance(key.text()) > key.contentsRect().width():
            problems.append(f"{name!r} label {key.text()!r} is clipped")
    return problems


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_key_is_big_enough_to_touch(form: Form, size: tuple[int, int], lang: str) -> None:
    form.keyboard.retranslate(Translator(lang))
    form.resize(size)
    for page in show_every_page(form):
        assert form.keyboard.width() == size[0], page
        assert form.window.size().toTuple() == size, f"{page}: the keyboard grew the window"
        assert key_problems(form) == [], page


@pytest.mark.parametrize(
    ("name", "lang", "size", "typed"),
    [
        ("text-en", "en", LANDSCAPE, ("shift", "j", "o", "s", "accent")),
        ("email-en", "en", LANDSCAPE, (*"ana", ".", *"lopez", "@")),
        ("digits-en", "en", LANDSCAPE, ("1", "9", "8")),
        ("text-es", "es", LANDSCAPE, ("shift", "n", "accent", "u", "ñ", "e", "z", "shift")),
        ("text-es-portrait", "es", PORTRAIT, ("shift", "n", "accent", "u", "ñ", "e", "z")),
    ],
)
def test_screenshot_of_each_layout(
    form: Form, shots: Path, name: str, lang: str, size: tuple[int, int], typed: tuple[str, ...]
) -> None:
    """Written to KIOSK_SCREENSHOT_DIR when set, for a person to look at."""
    form.keyboard.retranslate(Translator(lang))
    form.type_into(form.field, name.split("-")[0])
    form.press(*typed)  # a pending shift or accent shows lit in the picture
    form.resize(size)
    assert key_problems(form) == []
    path = shots / f"keyboard-{name}.png"
    assert form.window.grab().save(str(path))
    assert path.stat().st_size > 10_000
