"""The newest call, as large as the screen allows: amber and pulsing while it is new.

A citizen glancing up sees one number and one counter. For the first
``highlight`` milliseconds after a call (or a recall of the same ticket) the
card is amber and pulses briefly; then it calms to the board's colours and
stays, so someone who looks up late still finds the latest number.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.board import BoardCall
from ui.display.parts import Bilingual, Languages
from ui.widgets import label

PULSE_MS = 450  # one pulse step: amber, lighter, amber...
PULSES = 6


class NowServing(QFrame):
    def __init__(
        self, languages: Languages, highlight_ms: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("NowServing")
        self.call: BoardCall | None = None
        self._pulses_left = 0

        self.title = Bilingual(languages.all("board.now_serving"), center=True)
        self.empty = Bilingual(
            languages.all("board.none_yet"), "NowEmpty", "NowEmptySecondary", center=True
        )
        self.ticket_caption = Bilingual(
            languages.all("board.ticket"),
            "NowCaption",
            "CaptionSecondary",
            across=True,
            center=True,
        )
        self.number = label("NowNumber", wrap=False, center=True)
        self.counter_caption = Bilingual(
            languages.all("board.counter"),
            "NowCaption",
            "CaptionSecondary",
            across=True,
            center=True,
        )
        self.counter = label("NowCounter", wrap=False, center=True)
        for big in (self.number, self.counter):
            big.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        self._layout = layout
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addWidget(self.empty)
        layout.addWidget(self.ticket_caption)
        layout.addWidget(self.number)
        layout.addWidget(self.counter_caption)
        layout.addWidget(self.counter)
        layout.addStretch(1)

        self._highlight = QTimer(self)
        self._highlight.setSingleShot(True)
        self._highlight.setInterval(highlight_ms)
        self._highlight.timeout.connect(self._calm)
        self._pulse = QTimer(self)
        self._pulse.setInterval(min(PULSE_MS, max(1, highlight_ms // (PULSES + 2))))
        self._pulse.timeout.connect(self._pulse_step)
        self._set_state("empty")
        self._show_parts(False)

    @property
    def state(self) -> str:
        """ "empty", "highlight" (or "pulse", its lighter beat) or "calm"."""
        return str(self.property("state"))

    @property
    def highlighted(self) -> bool:
        return self.state in ("highlight", "pulse")

    def show_call(self, call: BoardCall, highlight: bool = True) -> None:
        """Show ``call`` large; a new call (or a recall) is highlighted again."""
        self.call = call
        self.number.setText(call.label)
        self.counter.setText(call.counter)
        self._show_parts(True)
        self._pulse.stop()
        if highlight:
            self._set_state("highlight")
            self._pulses_left = PULSES
            self._pulse.start()
            self._highlight.start()
        else:
            self._highlight.stop()
            self._set_state("calm")

    def set_margins(self, scale: float) -> None:
        """Padding and spacing that grow with the screen, like the fonts."""
        side = round(32 * scale)
        self._layout.setContentsMargins(side, round(24 * scale), side, round(24 * scale))
        self._layout.setSpacing(round(6 * scale))

    def _show_parts(self, has_call: bool) -> None:
        self.empty.setVisible(not has_call)
        for part in (self.ticket_caption, self.number, self.counter_caption, self.counter):
            part.setVisible(has_call)

    def _pulse_step(self) -> None:
        self._pulses_left -= 1
        if self._pulses_left <= 0 or not self.highlighted:
            self._pulse.stop()
            if self.highlighted:
                self._set_state("highlight")
            return
        self._set_state("pulse" if self.state == "highlight" else "highlight")

    def _calm(self) -> None:
        self._pulse.stop()
        self._set_state("calm" if self.call is not None else "empty")

    def _set_state(self, state: str) -> None:
        self.setProperty("state", state)
        style = self.style()
        for widget in [self, *self.findChildren(QWidget)]:
            style.unpolish(widget)
            style.polish(widget)
        self.update()
