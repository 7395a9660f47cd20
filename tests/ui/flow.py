"""Steps a citizen takes, for the screen tests to reuse."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.station import TicketOutcome
from ui.window import KioskWindow


def visible_texts(window: KioskWindow) -> list[str]:
    """Every string a person could read on the window right now."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    texts = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if widget.isVisibleTo(window) and widget.text():
            texts.append(widget.text())
    return texts


def choose_service(qtbot: QtBot, window: KioskWindow, lang: str, service_id: str) -> None:
    qtbot.mouseClick(window.welcome.language_buttons[lang], _left())
    assert window.current is window.services
    qtbot.mouseClick(window.services.cards[service_id], _left())


def take_ticket(
    qtbot: QtBot, window: KioskWindow, lang: str, service_id: str, priority: bool
) -> TicketOutcome:
    choose_service(qtbot, window, lang, service_id)
    assert window.current is window.priority
    answer = window.priority.yes_button if priority else window.priority.no_button
    with qtbot.waitSignal(window.ticket_shown, timeout=10_000) as blocker:
        qtbot.mouseClick(answer, _left())
    outcome = blocker.args[0]
    assert outcome is not None, "the kiosk could not issue a ticket"
    return outcome


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
