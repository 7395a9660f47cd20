"""Faults at the kiosk: the citizen keeps their number and is told what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.config import load_config
from offline_cache.models import Ticket
from tests.ui.conftest import write_config
from tests.ui.flow import choose_service, take_ticket

pytestmark = pytest.mark.gui


def test_unwritable_spool_still_issues_and_shows_the_number(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the spool folder should be")
    config = load_config(write_config(tmp_path, printer={"spool_dir": str(blocker / "spool")}))
    window = make_window(config)

    outcome = take_ticket(qtbot, window, "en", "marriage-license", priority=False)

    assert not outcome.printed
    assert window.confirmation.number.text() == "G001"
    assert window.confirmation.status.text() == (
        "We could not print your ticket. Please show this number at the front desk."
    )
    assert window.confirmation.status.property("fault") == "true"
    with Session(window.station.engine) as session:
        assert [t.label for t in session.scalars(select(Ticket))] == ["G001"]


def test_store_failure_sends_the_citizen_to_the_front_desk(qtbot: QtBot, window) -> None:
    with window.station.engine.begin() as conn:  # the store breaks behind the kiosk's back
        conn.execute(text("DROP TABLE ticket_events"))
        conn.execute(text("DROP TABLE tickets"))
    choose_service(qtbot, window, "es", "license-renewal")
    with qtbot.waitSignal(window.ticket_shown, timeout=10_000) as blocker:
        window.priority.no_button.click()

    assert blocker.args == [None]
    assert window.current is window.confirmation
    assert window.confirmation.number.text() == ""
    assert window.confirmation.status.text() == (
        "Lo sentimos, ahora no podemos dar boletos. Por favor, pregunte en la recepción."
    )


def test_no_display_gives_a_clear_message_not_a_qt_abort(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    config = write_config(tmp_path)
    launcher = "from ui.launcher import main; raise SystemExit(main())"
    result = subprocess.run(
        [sys.executable, "-c", launcher, "--config", str(config), "run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    assert "no display found" in result.stderr
    assert "xvfb-run" in result.stderr
    assert "Traceback" not in result.stderr
