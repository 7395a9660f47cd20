"""Walking away: "Are you still there?", then nothing of the citizen is left."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from tests.ui.conftest import TICK_MS
from tests.ui.flow import choose_service, take_ticket, visible_texts
from ui.window import KioskWindow

pytestmark = pytest.mark.gui


def test_idle_citizen_is_asked_with_a_countdown_of_at_least_20_seconds(
    qtbot: QtBot, window: KioskWindow
) -> None:
    choose_service(qtbot, window, "es", "death-certificate")
    qtbot.waitUntil(window.idle_warning.isVisible, timeout=5_000)

    warning = window.idle_warning
    assert warning.title.text() == "¿Sigue ahí?"
    assert warning.continue_button.text() == "Sí, necesito más tiempo"
    # The countdown starts from the configured 30 s (validated to be >= 20 s).
    assert 20 <= int(warning.count.text()) <= 30
    assert window.current is window.priority  # nothing wiped while the question is up


def test_one_touch_on_continue_keeps_everything(qtbot: QtBot, window: KioskWindow) -> None:
    choose_service(qtbot, window, "es", "death-certificate")
    qtbot.waitUntil(window.idle_warning.isVisible, timeout=5_000)

    window.idle_warning.continue_button.click()

    assert not window.idle_warning.isVisible()
    assert window.current is window.priority
    assert window.session.service_id == "death-certificate"
    assert window.session.language == "es"
    assert window.watchdog.enabled  # and the guard is armed again


def test_touching_the_screen_postpones_the_question(qtbot: QtBot, window: KioskWindow) -> None:
    choose_service(qtbot, window, "en", "id-card")
    for _ in range(8):  # keep touching for 8 x 40 = 320 kiosk seconds
        qtbot.wait(40 * TICK_MS)
        qtbot.mouseClick(window.priority.title, Qt.MouseButton.LeftButton)
        assert not window.idle_warning.isVisible()
    assert window.current is window.priority


def test_unanswered_question_wipes_the_session_and_returns_to_welcome(
    qtbot: QtBot, window: KioskWindow
) -> None:
    choose_service(qtbot, window, "es", "death-certificate")
    chosen_name = window.priority.service.text()
    assert chosen_name == "Obtener acta de defunción"

    with qtbot.waitSignal(window.was_reset, timeout=10_000):
        pass

    assert window.current is window.welcome
    assert window.session.language == "en"
    assert window.session.service_id is None and window.session.priority is None
    assert not window.idle_warning.isVisible()
    texts = " ".join(visible_texts(window))
    assert chosen_name not in texts
    assert "Obtener" not in " ".join(w.text() for w in window.findChildren(QLabel))


def test_automatic_reset_after_a_ticket_leaves_no_number_anywhere(
    qtbot: QtBot, window: KioskWindow
) -> None:
    outcome = take_ticket(qtbot, window, "es", "property-records", priority=True)
    label = outcome.ticket.label

    assert not window.watchdog.enabled  # the confirmation's own countdown takes over
    with qtbot.waitSignal(window.was_reset, timeout=10_000):
        pass  # nobody touches the screen: the 20 s countdown runs out

    everything = [
        w.text() for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton)
    ]
    assert not any(label in text for text in everything)
    assert window.confirmation.preview.document is None
    assert window.session.outcome is None
    assert window.session.language == "en"


def test_welcome_screen_never_asks_are_you_still_there(qtbot: QtBot, window: KioskWindow) -> None:
    qtbot.wait(150 * TICK_MS)  # longer than the 60 s idle timeout
    assert not window.idle_warning.isVisible()
    assert window.current is window.welcome
