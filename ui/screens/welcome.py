"""The attract/welcome screen: the center's name and one button per language.

Nobody has chosen a language yet, so the greeting is shown in every language
the station offers, each in its own words.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.i18n import Translator, language_name
from ui.screens import Screen
from ui.widgets import button, label

TECH_CORNER_PX = 96
CORNER_TAPS = 5
CORNER_WINDOW_S = 3.0


class WelcomeScreen(Screen):
    language_chosen = Signal(str)
    technician_requested = Signal()

    def __init__(self, center_name: str, languages: list[str]) -> None:
        super().__init__()
        self.setObjectName("WelcomeScreen")
        self._languages = languages
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 50)
        top = QHBoxLayout()
        top.addSpacing(TECH_CORNER_PX)  # balances the corner, so the name stays centred
        top.addWidget(label("ScreenSubtitle", center_name, center=True), 1)
        # An unmarked corner: five taps within three seconds open technician mode.
        self.technician_corner = button(name="technician-corner")
        self.technician_corner.setAccessibleName("Technician mode")
        self.technician_corner.setFixedSize(TECH_CORNER_PX, TECH_CORNER_PX)
        self.technician_corner.clicked.connect(self._corner_tapped)
        self._corner_taps: list[float] = []
        top.addWidget(self.technician_corner)
        layout.addLayout(top)
        layout.addStretch(2)
        self.title = label("WelcomeTitle", center=True)
        self.subtitle = label("WelcomeSubtitle", center=True)
        layout.addWidget(self.title)
        layout.addSpacing(12)
        layout.addWidget(self.subtitle)
        layout.addStretch(1)
        row = self.buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.setSpacing(60)
        row.addStretch(1)
        self.language_buttons = {}
        for lang in languages:
            btn = button(language_name(lang), variant="language", name=f"welcome-{lang}")
            btn.clicked.connect(lambda _=False, code=lang: self.language_chosen.emit(code))
            row.addWidget(btn)
            self.language_buttons[lang] = btn
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.help = label("WelcomeHelp", center=True)
        layout.addWidget(self.help)
        self._broken = False
        self._portrait = False

    def add_status(self, status: QWidget) -> None:
        """A small status for staff (the sync pill) in the bottom-left corner, under
        everything a citizen touches. Added once the station is attached."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.setContentsMargins(0, 0, 0, 24)  # the pill takes the bottom margin's place
        row = QHBoxLayout()
        row.setContentsMargins(24, 12, 24, 0)
        row.addWidget(status)
        row.addStretch(1)
        layout.addLayout(row)

    def _corner_tapped(self) -> None:
        now = time.monotonic()
        self._corner_taps = [t for t in self._corner_taps if now - t < CORNER_WINDOW_S] + [now]
        if len(self._corner_taps) >= CORNER_TAPS:
            self._corner_taps = []
            self.technician_requested.emit()

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self.retranslate(Translator(self._languages[0]))
        # Language buttons side by side on a wide screen, stacked on a tall one.
        self.buttons.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def set_available(self, available: bool, *, broken: bool = False) -> None:
        """Language buttons work only once the station is up; a broken one says so."""
        self._broken = broken
        for btn in self.language_buttons.values():
            btn.setEnabled(available)
        self.retranslate(Translator(self._languages[0]))

    def retranslate(self, tr: Translator) -> None:
        # Same in every language on purpose: the citizen has not chosen yet.
        everyone = [Translator(lang) for lang in self._languages]
        # One line on a wide screen; one greeting per line on a tall one.
        separator = "\n" if self._portrait else "  ·  "
        self.title.setText(separator.join(t("welcome.title") for t in everyone))
        self.subtitle.setText("\n".join(t("welcome.subtitle") for t in everyone))
        key = "welcome.unavailable" if self._broken else "welcome.help"
        name = "WelcomeUnavailable" if self._broken else "WelcomeHelp"
        if self.help.objectName() != name:  # re-style only on a change: polish is not free
            self.help.setObjectName(name)
            self.help.style().unpolish(self.help)
            self.help.style().polish(self.help)
        self.help.setText("\n".join(t(key) for t in everyone))
