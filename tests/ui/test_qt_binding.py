"""The Qt binding must not corrupt the interpreter over a long day at the door.

PySide6 6.12.0 under Python 3.11 drops a reference to ``None`` on every call
of a method returning void; after a few hundred tickets the kiosk aborted
with "Fatal Python error: none_dealloc". This guards the pinned range.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

pytestmark = pytest.mark.gui


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_thousands_of_widget_updates_leave_none_refcount_intact(qapp: object) -> None:
    label, button = QLabel(), QPushButton()
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
        button.setEnabled(bool(i % 2))
        label.clear()
    assert sys.getrefcount(None) >= before - 50
