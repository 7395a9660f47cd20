"""Steps for the sync screens: a station whose DMV forms go to a loopback agency, a
citizen's renewal, the technician's PIN. Shared by the sync tests and the screenshots.

The sample pack's DMV connector is rest_json (docs/agency-api.yaml); the station
config lays this center's address and token over it, as a real center would."""

from __future__ import annotations

import socket
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.config import StationConfig, load_config
from kiosk.i18n import Translator
from kiosk.technician import hash_pin
from tests.helpers.sample_answers import license_renewal
from tests.ui.conftest import write_config
from tests.ui.flow import choose_service
from tests.ui.form_steps import LEFT, walk
from ui.window import KioskWindow

TOKEN = "station-token-1"  # what the station sends
PIN = "246810"


def free_port() -> int:
    """A loopback port nothing listens on (the agency starts there later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dmv_agency_config(tmp_path: Path, port: int, token: str = TOKEN) -> StationConfig:
    """The DMV's forms go to the reference agency on ``port``; the worker looks for a
    lost agency every 2 s."""
    path = write_config(
        tmp_path,
        sync={"enabled": True, "probe_seconds": 2},
        technician={"pin_hash": hash_pin(PIN)},
    )
    with path.open("a", encoding="utf-8") as fh:
        fh.write(
            "[agencies.dmv]\n"
            'type = "rest_json"\n'
            f'url = "http://127.0.0.1:{port}/v1/submissions"\n'
            "[agencies.dmv.auth]\n"
            'kind = "bearer"\n'
            f'token = "{token}"\n'
        )
    return load_config(path)


def renew_license(qtbot: QtBot, window: KioskWindow, lang: str = "en") -> tuple[str, str]:
    """A citizen renews a license and is told it is submitted; (submission id, reference)."""
    choose_service(qtbot, window, lang, "license-renewal")
    assert window.current is window.priority  # a place in line follows this form
    qtbot.mouseClick(window.priority.no_button, LEFT)
    assert window.station is not None  # the form's "today" is the station clock's
    today = window.station.clock().astimezone(window.station.tz).date()
    walk(qtbot, window, license_renewal(today))
    with qtbot.waitSignal(window.form_submitted, timeout=15_000) as blocker:
        qtbot.mouseClick(window.forms.review.submit_button, LEFT)
    outcome = blocker.args[0]
    assert outcome is not None, "the form could not be stored"
    done = window.forms.submitted
    assert window.current is done
    assert done.title.text() == Translator(lang)("wizard.submitted_title")
    assert done.reference.text() == outcome.reference
    qtbot.mouseClick(done.done_button, LEFT)
    assert window.current is window.welcome
    return outcome.submission_id, outcome.reference


def pill_text(window: KioskWindow) -> str:
    assert window.sync_mode is not None
    return window.sync_mode.welcome_pill.text.text()


def open_technician(window: KioskWindow) -> None:
    """Five taps in the corner and the PIN, checked off the GUI thread."""
    for _ in range(5):
        window.welcome.technician_corner.click()
    for digit in PIN:
        window.technician_pin.keys[digit].click()  # type: ignore[attr-defined]
    window.technician_pin.ok_button.click()  # type: ignore[attr-defined]
    window.technician_mode._pin_worker.wait_idle()
    QApplication.processEvents()
    assert window.current is window.technician
