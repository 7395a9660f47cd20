"""A barcode scan fills the ID field, wherever the focus is, and leaves the rest alone.

A scanner is a keyboard that types very fast and ends with Enter; these tests
type into a small real form (a name field, the ID field, a default OK button)
with a fake clock, so "fast" and "slow" are exact and nothing waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.scanner import ScanDetector

pytestmark = pytest.mark.gui
SCANNER_MS = 5  # between a scanner's keystrokes
PERSON_MS = 180  # between a quick typist's keystrokes


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


@dataclass
class Form:
    dialog: QDialog
    name: QLineEdit
    id_field: QLineEdit
    ok: QPushButton
    detector: ScanDetector
    clock: FakeClock
    clicks: list[str] = field(default_factory=list)
    scans: list[tuple[str, str]] = field(default_factory=list)  # (code, ID field then)


@pytest.fixture
def form(qtbot: QtBot, qapp: QApplication) -> Iterator[Form]:
    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    fields = QWidget()  # keys the fields ignore (Enter) propagate through here
    inner = QVBoxLayout(fields)
    name, id_field = QLineEdit(), QLineEdit()
    inner.addWidget(name)
    inner.addWidget(id_field)
    layout.addWidget(fields)
    ok = QPushButton("OK")
    ok.setDefault(True)  # in a dialog, Enter in a field presses it
    layout.addWidget(ok)
    qtbot.addWidget(dialog)
    clock = FakeClock()
    detector = ScanDetector(clock=clock)
    detector.set_target(id_field)
    detector.install(qapp)
    f = Form(dialog, name, id_field, ok, detector, clock)
    ok.clicked.connect(lambda: f.clicks.append("ok"))
    detector.scanned.connect(lambda code: f.scans.append((code, id_field.text())))
    dialog.show()
    yield f
    detector.uninstall(qapp)


def type_keys(qtbot: QtBot, form: Form, widget: QWidget, text: str, gap_ms: float) -> None:
    for char in text:
        form.clock.advance(gap_ms)
        qtbot.keyClick(widget, char)


def press_enter(
    qtbot: QtBot,
    form: Form,
    widget: QWidget | QWindow,
    gap_ms: float,
    key: Qt.Key = Qt.Key.Key_Return,
) -> None:
    form.clock.advance(gap_ms)
    modifier = Qt.KeyboardModifier.NoModifier
    if key == Qt.Key.Key_Enter:
        modifier = Qt.KeyboardModifier.KeypadModifier  # Enter is the keypad's key
    qtbot.keyClick(widget, key, modifier)


def scan(qtbot: QtBot, form: Form, widget: QWidget, code: str) -> None:
    type_keys(qtbot, form, widget, code, SCANNER_MS)
    press_enter(qtbot, form, widget, SCANNER_MS)


def test_scan_while_typing_a_name_fills_the_id_and_leaves_the_name_as_it_was(
    qtbot: QtBot, form: Form
) -> None:
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "Ana", PERSON_MS)
    form.name.setCursorPosition(1)  # the citizen had tapped between "A" and "na"
    form.clock.advance(2000)

    scan(qtbot, form, form.name, "D1234567")

    assert form.name.text() == "Ana"
    assert form.name.cursorPosition() == 1
    assert form.id_field.text() == "D1234567"
    assert form.scans == [("D1234567", "D1234567")]  # announced once it is in the field
    assert form.clicks == []  # the scanner's Enter did not press OK


def test_scan_into_the_id_field_replaces_what_was_there(qtbot: QtBot, form: Form) -> None:
    form.id_field.setText("old number")
    form.id_field.setFocus()
    form.id_field.setCursorPosition(3)

    scan(qtbot, form, form.id_field, " R-0042917 ")

    assert form.id_field.text() == "R-0042917"  # surrounding spaces stripped
    assert form.scans == [("R-0042917", "R-0042917")]
    assert form.clicks == []


def test_person_typing_the_id_and_pressing_enter_works_as_usual(qtbot: QtBot, form: Form) -> None:
    form.id_field.setFocus()
    type_keys(qtbot, form, form.id_field, "D1234567", PERSON_MS)
    press_enter(qtbot, form, form.id_field, PERSON_MS)

    assert form.id_field.text() == "D1234567"
    assert form.clicks == ["ok"]  # Enter reached the dialog
    assert form.scans == []


def test_fast_typing_then_a_slow_enter_is_not_a_scan(qtbot: QtBot, form: Form) -> None:
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "Anabel", SCANNER_MS)
    press_enter(qtbot, form, form.name, 51)

    assert form.name.text() == "Anabel"
    assert form.id_field.text() == ""
    assert form.clicks == ["ok"]


def test_a_short_fast_burst_is_not_a_scan(qtbot: QtBot, form: Form) -> None:
    form.name.setFocus()
    scan(qtbot, form, form.name, "Ana")

    assert form.name.text() == "Ana"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]


def test_without_a_target_field_a_scan_is_just_typing(qtbot: QtBot, form: Form) -> None:
    form.detector.set_target(None)
    form.name.setText("Ana")
    form.name.setFocus()

    scan(qtbot, form, form.name, "D1234567")

    assert form.name.text() == "AnaD1234567"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]


def test_a_pause_splits_a_burst_and_only_the_last_fast_run_is_the_code(
    qtbot: QtBot, form: Form
) -> None:
    form.name.setText("Ana")
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "D12", SCANNER_MS)
    form.clock.advance(300)
    scan(qtbot, form, form.name, "34567")

    assert form.id_field.text() == "34567"
    assert form.name.text() == "AnaD12"  # what the last run found there
    assert form.clicks == []


def test_a_pause_that_leaves_a_short_last_run_is_not_a_scan(qtbot: QtBot, form: Form) -> None:
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "D1234", SCANNER_MS)
    form.clock.advance(300)
    scan(qtbot, form, form.name, "567")

    assert form.name.text() == "D1234567"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]


def test_a_scanner_ending_with_keypad_enter_works_too(qtbot: QtBot, form: Form) -> None:
    form.name.setText("Ana")
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "D1234567", SCANNER_MS)
    press_enter(qtbot, form, form.name, SCANNER_MS, Qt.Key.Key_Enter)

    assert form.name.text() == "Ana"
    assert form.id_field.text() == "D1234567"
    assert form.clicks == []


@pytest.mark.parametrize("focus", ["name", "ok"])
def test_each_key_counts_once_exactly_min_length_is_a_scan(
    qtbot: QtBot, form: Form, focus: str
) -> None:
    """Keys arrive the way a real keyboard's do (the window first, then the focus
    widget, then its parents when the focus widget ignores a key, as the OK button
    ignores letters): were any counted twice, three keys would pass for six."""
    getattr(form, focus).setFocus()
    window = form.dialog.windowHandle()
    for key in (Qt.Key.Key_D, Qt.Key.Key_1, Qt.Key.Key_2):
        form.clock.advance(SCANNER_MS)
        qtbot.keyClick(window, key)
    assert form.scans == []
    press_enter(qtbot, form, window, SCANNER_MS)
    assert form.scans == []  # min_length - 1 keys: not a scan
    assert form.clicks == ["ok"]

    for key in (Qt.Key.Key_D, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        form.clock.advance(SCANNER_MS)
        qtbot.keyClick(window, key)
    press_enter(qtbot, form, window, SCANNER_MS)
    assert form.scans == [("d123", "d123")]  # QTest types Key_D as "d"
    assert form.clicks == ["ok"]  # the scan's Enter was eaten
    if focus == "name":
        assert form.name.text() == "d12"  # the first, too-short burst stays


def test_after_uninstall_a_scan_is_just_typing(
    qtbot: QtBot, form: Form, qapp: QApplication
) -> None:
    form.detector.uninstall(qapp)
    form.name.setFocus()

    scan(qtbot, form, form.name, "D1234567")

    assert form.name.text() == "D1234567"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]
