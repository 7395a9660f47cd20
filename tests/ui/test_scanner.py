"""A barcode scan fills the ID field, wherever the focus is, and leaves the rest alone.

A scanner is a keyboard that types very fast and ends with Enter; these tests
type into a small real form (a name field, the ID field, a default OK button)
with a fake clock, so "fast" and "slow" are exact. A code may span lines (a
licence's AAMVA record), so a scan ends when no key has come for a while: a
timer. The tests wait for it: for ``scanned`` when a scan is expected, or for a
few gaps' worth of the event loop before checking that nothing happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.forms.barcodes import id_from_scan
from ui.scanner import ScanDetector

pytestmark = pytest.mark.gui
SCANNER_MS = 5  # between a scanner's keystrokes
PERSON_MS = 180  # between a quick typist's keystrokes
MAX_GAP_MS = 50  # the detector's default: no key for this long ends a burst
SETTLE_MS = MAX_GAP_MS * 3  # long enough for a pending burst to have ended
SIGNAL_MS = 2000  # the most a test waits for the scan to end


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


def use_detector(form: Form, qapp: QApplication, detector: ScanDetector) -> None:
    """Put ``detector`` in place of the form's, aimed at the ID field."""
    form.detector.uninstall(qapp)
    form.detector = detector
    detector.set_target(form.id_field)
    detector.install(qapp)
    detector.scanned.connect(lambda code: form.scans.append((code, form.id_field.text())))


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
    f = Form(dialog, name, id_field, ok, ScanDetector(clock=clock), clock)
    use_detector(f, qapp, f.detector)
    ok.clicked.connect(lambda: f.clicks.append("ok"))
    dialog.show()
    yield f
    f.detector.uninstall(qapp)


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
    """A scanner types ``code``; each line break in it is an Enter, as is the end."""
    for i, line in enumerate(code.split("\n")):
        if i:
            press_enter(qtbot, form, widget, SCANNER_MS)
        type_keys(qtbot, form, widget, line, SCANNER_MS)
    press_enter(qtbot, form, widget, SCANNER_MS)


def settle(qtbot: QtBot) -> None:
    """Let the detector's end-of-burst timer fire, if anything is pending."""
    qtbot.wait(SETTLE_MS)


def test_scan_while_typing_a_name_fills_the_id_and_leaves_the_name_as_it_was(
    qtbot: QtBot, form: Form
) -> None:
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "Ana", PERSON_MS)
    form.name.setCursorPosition(1)  # the citizen had tapped between "A" and "na"
    form.clock.advance(2000)

    with qtbot.waitSignal(form.detector.scanned, timeout=SIGNAL_MS):
        scan(qtbot, form, form.name, "D1234567")

    assert form.name.text() == "Ana"
    assert form.name.cursorPosition() == 1
    assert form.id_field.text() == "D1234567"
    assert form.scans == [("D1234567", "D1234567")]  # announced once it is in the field
    settle(qtbot)
    assert form.clicks == []  # the scanner's Enter did not press OK
    assert len(form.scans) == 1


def test_scan_into_the_id_field_replaces_what_was_there(qtbot: QtBot, form: Form) -> None:
    form.id_field.setText("old number")
    form.id_field.setFocus()
    form.id_field.setCursorPosition(3)

    with qtbot.waitSignal(form.detector.scanned, timeout=SIGNAL_MS):
        scan(qtbot, form, form.id_field, " R-0042917 ")

    assert form.id_field.text() == "R-0042917"  # surrounding spaces stripped
    assert form.scans == [("R-0042917", "R-0042917")]
    settle(qtbot)
    assert form.clicks == []


def test_person_typing_the_id_and_pressing_enter_works_as_usual(qtbot: QtBot, form: Form) -> None:
    form.id_field.setFocus()
    type_keys(qtbot, form, form.id_field, "D1234567", PERSON_MS)
    press_enter(qtbot, form, form.id_field, PERSON_MS)

    assert form.clicks == ["ok"]  # Enter reached the dialog at once
    settle(qtbot)
    assert form.id_field.text() == "D1234567"
    assert form.clicks == ["ok"]
    assert form.scans == []


def test_fast_typing_then_a_slow_enter_is_not_a_scan(qtbot: QtBot, form: Form) -> None:
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "Anabel", SCANNER_MS)
    press_enter(qtbot, form, form.name, 51)

    assert form.clicks == ["ok"]  # a slow Enter is not held back
    settle(qtbot)
    assert form.name.text() == "Anabel"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]


def test_fast_typing_without_enter_is_not_a_scan(qtbot: QtBot, form: Form) -> None:
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "Anabel Nunez", SCANNER_MS)

    settle(qtbot)

    assert form.name.text() == "Anabel Nunez"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == []


def test_a_short_fast_burst_is_not_a_scan_and_its_enter_still_presses_ok(
    qtbot: QtBot, form: Form
) -> None:
    form.name.setFocus()
    scan(qtbot, form, form.name, "Ana")

    qtbot.waitUntil(lambda: form.clicks == ["ok"], timeout=SIGNAL_MS)  # held, then delivered
    settle(qtbot)
    assert form.name.text() == "Ana"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]  # once


def test_without_a_target_field_a_scan_is_just_typing(qtbot: QtBot, form: Form) -> None:
    form.detector.set_target(None)
    form.name.setText("Ana")
    form.name.setFocus()

    scan(qtbot, form, form.name, "D1234567")
    settle(qtbot)

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
    with qtbot.waitSignal(form.detector.scanned, timeout=SIGNAL_MS):
        scan(qtbot, form, form.name, "34567")

    assert form.id_field.text() == "34567"
    assert form.name.text() == "AnaD12"  # what the last run found there
    settle(qtbot)
    assert form.clicks == []


def test_a_pause_that_leaves_a_short_last_run_is_not_a_scan(qtbot: QtBot, form: Form) -> None:
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "D1234", SCANNER_MS)
    form.clock.advance(300)
    scan(qtbot, form, form.name, "567")

    qtbot.waitUntil(lambda: form.clicks == ["ok"], timeout=SIGNAL_MS)
    settle(qtbot)
    assert form.name.text() == "D1234567"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]


def test_a_scanner_ending_with_keypad_enter_works_too(qtbot: QtBot, form: Form) -> None:
    form.name.setText("Ana")
    form.name.setFocus()
    type_keys(qtbot, form, form.name, "D1234567", SCANNER_MS)
    with qtbot.waitSignal(form.detector.scanned, timeout=SIGNAL_MS):
        press_enter(qtbot, form, form.name, SCANNER_MS, Qt.Key.Key_Enter)

    assert form.name.text() == "Ana"
    assert form.id_field.text() == "D1234567"
    settle(qtbot)
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
    press_enter(qtbot, form, window, SCANNER_MS)
    qtbot.waitUntil(lambda: form.clicks == ["ok"], timeout=SIGNAL_MS)
    settle(qtbot)
    assert form.scans == []  # min_length - 1 keys: not a scan
    assert form.clicks == ["ok"]  # its Enter was delivered, once

    form.clock.advance(1000)
    for key in (Qt.Key.Key_D, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        form.clock.advance(SCANNER_MS)
        qtbot.keyClick(window, key)
    with qtbot.waitSignal(form.detector.scanned, timeout=SIGNAL_MS):
        press_enter(qtbot, form, window, SCANNER_MS)
    settle(qtbot)
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
    settle(qtbot)

    assert form.name.text() == "D1234567"
    assert form.id_field.text() == ""
    assert form.scans == []
    assert form.clicks == ["ok"]


# A licence's PDF417 barcode, as a keyboard scanner types it: its line breaks become
# Enters, and it drops the header's RS and CR (QTest could not type them anyway).
AAMVA_LINES = [
    "@",
    "ANSI 636014090002DL00410278ZC03190024DLDAQD1234567",
    "DCSNUNEZ",
    "DDEN",
    "DACLUCIA",
    "DDFN",
    "DADNONE",
    "DBB02031980",
    "DBA10212026",
    "DBC2",
    "DAYBRO",
    "DAG12 OAK AVE",
    "DAIRIVERSIDE",
    "DAJCA",
    "DAK925010000",
    "DCGUSA",
    "ZCZCAW",
    "ZCBBRN",
]
PERSONAL = ("NUNEZ", "LUCIA", "02031980", "OAK AVE", "RIVERSIDE", "925010000")


def every_text(form: Form) -> str:
    return form.name.text() + "|" + form.id_field.text() + "|" + repr(form.scans)


def test_a_licence_barcode_fills_the_id_with_its_number_and_nothing_else(
    qtbot: QtBot, form: Form, qapp: QApplication
) -> None:
    use_detector(form, qapp, ScanDetector(clock=form.clock, decode=id_from_scan))
    form.name.setText("Ana")
    form.name.setFocus()
    form.name.setCursorPosition(1)

    with qtbot.waitSignal(form.detector.scanned, timeout=SIGNAL_MS):
        scan(qtbot, form, form.name, "\n".join(AAMVA_LINES))

    assert form.id_field.text() == "D1234567"
    assert form.name.text() == "Ana"  # 17 lines typed into it, and none stayed
    assert form.name.cursorPosition() == 1
    settle(qtbot)
    assert form.scans == [("D1234567", "D1234567")]  # one scan, not one a line
    assert form.clicks == []  # none of its 18 Enters pressed OK
    assert not any(value in every_text(form) for value in PERSONAL)


def test_a_licence_barcode_without_a_number_changes_nothing(
    qtbot: QtBot, form: Form, qapp: QApplication
) -> None:
    use_detector(form, qapp, ScanDetector(clock=form.clock, decode=id_from_scan))
    form.id_field.setText("D7654321")  # typed by the citizen
    form.name.setText("Ana")
    form.name.setFocus()
    without_number = [line.replace("DLDAQD1234567", "DL") for line in AAMVA_LINES]

    scan(qtbot, form, form.name, "\n".join(without_number))
    qtbot.waitUntil(lambda: form.name.text() == "Ana", timeout=SIGNAL_MS)  # restored
    settle(qtbot)

    assert form.id_field.text() == "D7654321"
    assert form.scans == []
    assert form.clicks == []
    assert not any(value in every_text(form) for value in PERSONAL)


def test_a_multi_line_code_is_one_scan(qtbot: QtBot, form: Form) -> None:
    form.name.setFocus()

    with qtbot.waitSignal(form.detector.scanned, timeout=SIGNAL_MS):
        scan(qtbot, form, form.name, "R-00\n42917")

    assert form.scans == [("R-00\n42917", form.id_field.text())]  # decode: str.strip
    assert form.name.text() == ""
    settle(qtbot)
    assert form.clicks == []
    assert len(form.scans) == 1


@pytest.mark.parametrize("gone", ["hidden", "deleted"])
def test_a_scan_after_the_id_field_went_away_is_just_typing(
    qtbot: QtBot, form: Form, gone: str
) -> None:
    if gone == "hidden":
        form.id_field.hide()
    else:
        shiboken6.delete(form.id_field)
    form.name.setFocus()

    scan(qtbot, form, form.name, "D1234567")
    settle(qtbot)

    assert form.name.text() == "D1234567"
    assert form.scans == []
    assert form.clicks == ["ok"]


@pytest.mark.parametrize("gone", ["hidden", "deleted"])
def test_an_id_field_gone_while_the_scan_ends_gets_nothing_and_nothing_breaks(
    qtbot: QtBot, form: Form, gone: str
) -> None:
    form.name.setText("Ana")
    form.name.setFocus()
    scan(qtbot, form, form.name, "D1234567")  # its end is pending: the timer has not run
    if gone == "hidden":
        form.id_field.hide()
    else:
        shiboken6.delete(form.id_field)

    qtbot.waitUntil(lambda: form.name.text() == "Ana", timeout=SIGNAL_MS)  # not left there
    settle(qtbot)

    assert form.scans == []
    assert form.clicks == []
    if gone == "hidden":
        assert form.id_field.text() == ""
