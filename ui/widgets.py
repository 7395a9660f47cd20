"""Small reusable touch widgets: buttons, labels, the header bar.

These build the first frame (the welcome screen), so they never touch
PySide6's ``Qt`` namespace: its first use builds ~100 Python enums, a fifth
of a bare window's whole start-up. Plain text, centring and focus policy come
from the theme instead (``ui/theme/kiosk.qss``), and the window enforces
plain text again once the station is attached (:meth:`KioskWindow.attach`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.i18n import Translator, language_name


def label(object_name: str, text: str = "", *, wrap: bool = True, center: bool = False) -> QLabel:
    """A label styled by ``object_name``, showing plain text: nothing a pack author
    or a citizen types acts as markup (tests/ui/test_text_safety.py)."""
    widget = QLabel(text)
    widget.setObjectName(object_name)
    widget.setWordWrap(wrap)
    if center:
        widget.setProperty("center", True)  # the theme centres QLabel[center="true"]
    return widget


def button(text: str = "", *, variant: str = "", name: str = "") -> QPushButton:
    widget = QPushButton(text)
    if variant:
        widget.setProperty("variant", variant)
    if name:
        widget.setObjectName(name)
    # The theme gives buttons focusPolicy TabFocus: keyboard users still tab to
    # them, and a touch does not leave a "selected"-looking ring behind.
    return widget


class HeaderBar(QFrame):
    """Navy bar on top of every screen after the welcome: center, language, start over."""

    language_chosen = Signal(str)
    start_over = Signal()

    def __init__(
        self, center_name: str, languages: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("HeaderBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 12, 32, 12)
        layout.setSpacing(16)
        self.center = label("HeaderCenter", center_name, wrap=False)
        layout.addWidget(self.center, 1)
        self.language_buttons: dict[str, QPushButton] = {}
        for lang in languages:
            btn = button(language_name(lang), variant="header", name=f"lang-{lang}")
            btn.clicked.connect(lambda _=False, code=lang: self.language_chosen.emit(code))
            layout.addWidget(btn)
            self.language_buttons[lang] = btn
        self.start_over_button = button(variant="header", name="start-over")
        self.start_over_button.clicked.connect(self.start_over)
        layout.addWidget(self.start_over_button)
        self._name_box: QBoxLayout | None = None
        self._portrait = False

    def add_status(self, status: QWidget) -> None:
        """A small status (the sync pill) beside the center's name, or under it on a
        tall screen, where the buttons leave no room beside it. Added once the
        station is attached, so the first frame does not pay for it."""
        from PySide6.QtCore import Qt

        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.removeWidget(self.center)
        box = self._name_box = QBoxLayout(self._direction())
        box.setSpacing(4 if self._portrait else 20)
        box.addWidget(self.center)
        box.addWidget(status, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        layout.insertLayout(0, box, 1)

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        if self._name_box is not None:
            self._name_box.setDirection(self._direction())
            self._name_box.setSpacing(4 if portrait else 20)
            outer = self.layout()
            if outer is not None:  # it would keep the wide row's minimum otherwise
                outer.invalidate()
            self.updateGeometry()

    def _direction(self) -> QBoxLayout.Direction:
        return (
            QBoxLayout.Direction.TopToBottom if self._portrait else QBoxLayout.Direction.LeftToRight
        )

    def retranslate(self, tr: Translator) -> None:
        for lang, btn in self.language_buttons.items():
            # The current language's button is hidden: offer only a change.
            btn.setVisible(lang != tr.lang)
        self.start_over_button.setText(tr("nav.start_over"))
