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


FIRST_FRAME = """
import sys
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kiosk.config import load_config
from ui.theme import apply_theme
from ui.window import KioskWindow
apply_theme(app)
window = KioskWindow(load_config(sys.argv[1]))
window.resize(1920, 1080)
window.show()
app.processEvents()
print("built" if "Qt" in QtCore.__dict__ else "not built")
"""


def test_the_welcome_screen_paints_without_building_qts_enum_namespace(tmp_path) -> None:
    """PySide6 builds ~100 Python enums the first time anything touches ``Qt``;
    keeping that after the first frame is most of what keeps start-up near a
    bare window (make bench). The screens after the welcome may use it freely."""
    import os
    import subprocess
    import sys

    from tests.ui.conftest import write_config

    config = write_config(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(config)],
        capture_output=True,
        text=True,
        env=os.environ | {"QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "not built"
