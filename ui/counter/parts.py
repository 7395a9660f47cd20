"""Small pieces the counter's screens share: badges, times, emptying a layout."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QLayout, QStackedWidget

from kiosk.i18n import Translator
from ui.widgets import label


def badge(text: str, kind: str) -> QLabel:
    """A small pill (priority, appointment, transferred, a warning). Never colour
    alone: the pill always says in words what it means."""
    pill = label("Badge", text, wrap=False)
    pill.setProperty("kind", kind)
    return pill


def clock_time(moment: dt.datetime, tz: ZoneInfo | None, tr: Translator) -> str:
    """``9:41 AM`` / ``09:41``: the station's local time in the console's language."""
    text = moment.astimezone(tz).strftime(tr("counter.time_format"))
    return text[1:] if text.startswith("0") and "%p" in tr("counter.time_format") else text


def clear_layout(layout: QLayout) -> None:
    """Take every widget out of ``layout`` and delete it (hidden at once, so nothing
    of it stays on screen until the deletion runs)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item.layout() is not None:
            inner = item.layout()
            assert inner is not None
            clear_layout(inner)


class CurrentPageStack(QStackedWidget):
    """Sized by the page on show, not the largest page: the buttons take less room
    than the questions, and the ticket gets what they leave."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _: self.updateGeometry())

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()
