"""Faults at the kiosk: the citizen keeps their number and is told what to do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.config import load_config
from offline_cache.models import Ticket
from tests.ui.conftest import TICK_MS, unwritable_spool_config, write_config
from tests.ui.flow import choose_service, take_ticket

pytestmark = pytest.mark.gui


def test_unwritable_spool_still_issues_and_shows_the_number(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    window = make_window(unwritable_spool_config(tmp_path))

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
    choose_service(qtbot, window, "es", "vehicle-registration")
    with qtbot.waitSignal(window.ticket_shown, timeout=10_000) as blocker:
        window.priority.no_button.click()

    assert blocker.args == [None]
    assert window.current is window.confirmation
    assert window.confirmation.number.text() == ""
    assert window.confirmation.status.text() == (
        "Lo sentimos, ahora no podemos dar turnos. Por favor, pregunte en la recepción."
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


def test_a_slow_store_never_lets_the_idle_wipe_hide_the_number_being_issued(
    qtbot: QtBot, window
) -> None:
    store = Path(window.station.config.store_url.removeprefix("sqlite:///"))
    other_kiosk = sqlite3.connect(store, isolation_level=None)
    other_kiosk.execute("BEGIN IMMEDIATE")  # another station holds the write lock
    try:
        choose_service(qtbot, window, "en", "vehicle-registration")
        window.priority.no_button.click()
        qtbot.wait(100 * TICK_MS)  # longer than the 60 s idle timeout
        assert not window.idle_warning.isVisible()
        assert not window.header.isEnabled()  # no "Start over" while a ticket is issued
        assert not window.stack.isEnabled()
    finally:
        other_kiosk.execute("ROLLBACK")
        other_kiosk.close()
    with qtbot.waitSignal(window.ticket_shown, timeout=10_000):
        pass
    assert window.confirmation.number.text() == "B001"
    assert window.header.isEnabled()


def test_a_number_that_did_not_print_stays_until_the_citizen_is_done(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    window = make_window(unwritable_spool_config(tmp_path))
    take_ticket(qtbot, window, "es", "marriage-license", priority=False)

    qtbot.wait(40 * TICK_MS)  # twice the printed ticket's 20 s countdown
    assert window.current is window.confirmation
    assert window.confirmation.number.text() == "G001"
    assert not window.confirmation.countdown.isVisible()

    # Left alone, the citizen is asked first, and one touch keeps the number.
    qtbot.waitUntil(window.idle_warning.isVisible, timeout=5_000)
    window.idle_warning.continue_button.click()
    assert window.current is window.confirmation
    assert window.watchdog.enabled
    window.confirmation.done_button.click()
    assert window.current is window.welcome


def test_station_that_cannot_start_says_so_and_recovers_without_a_restart(
    qtbot: QtBot, qapp, tmp_path: Path
) -> None:
    from kiosk.config import SAMPLE_PACK
    from ui.app import open_station
    from ui.window import KioskWindow

    pack = tmp_path / "pack"  # not there yet: the agency's pack is still being copied
    window = KioskWindow(load_config(write_config(tmp_path, content={"pack": str(pack)})))
    qtbot.addWidget(window)
    window.show()
    open_station(window, retry_ms=100)

    qtbot.waitUntil(lambda: window.welcome.help.objectName() == "WelcomeUnavailable", timeout=5_000)
    assert "This kiosk is not available right now" in window.welcome.help.text()
    assert not window.welcome.language_buttons["en"].isEnabled()

    shutil.copytree(SAMPLE_PACK, pack)
    with qtbot.waitSignal(window.station_ready, timeout=10_000):
        pass
    assert window.welcome.language_buttons["en"].isEnabled()
    assert "This kiosk is not available" not in window.welcome.help.text()
    window.worker.wait_idle()
    window.station.close()


def test_held_back_ticket_prints_by_itself_once_the_printer_is_back(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    window = make_window(unwritable_spool_config(tmp_path))
    outcome = take_ticket(qtbot, window, "en", "id-card", priority=False)
    assert not outcome.printed

    (tmp_path / "not-a-folder").unlink()  # the technician fixes the printer
    spool = tmp_path / "not-a-folder" / "spool"
    qtbot.waitUntil(lambda: len(list(spool.glob("*.pdf"))) == 1, timeout=10_000)
    qtbot.wait(50 * TICK_MS)  # more retry rounds: still one copy
    window.worker.wait_idle()
    assert len(list(spool.glob("*.pdf"))) == 1
    assert window.station.print_queue.state_of(outcome.job_id) == "printed"


def test_citizen_is_warned_before_choosing_when_the_printer_is_out_of_paper(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    from tests.helpers.escpos import decode
    from tests.helpers.fake_printer import FakeEscposPrinter

    with FakeEscposPrinter("paper_out") as printer:
        config = load_config(
            write_config(
                tmp_path,
                printer={
                    "backend": "escpos-network",
                    "host": printer.host,
                    "port": printer.port,
                    "timeout_ms": 300,
                },
            )
        )
        window = make_window(config)
        qtbot.waitUntil(lambda: window.printer_status is not None, timeout=5_000)
        window.welcome.language_buttons["es"].click()
        assert window.services.printer_notice.isVisible()
        assert window.services.printer_notice.text().startswith(
            "La impresora de turnos no funciona"
        )

        outcome = take_ticket(qtbot, window, "es", "id-card", priority=False)
        assert not outcome.printed  # shown on screen, kept in the queue
        window.confirmation.done_button.click()

        printer.state = "ready"  # a roll is loaded; the idle kiosk notices
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=10_000)
        qtbot.waitUntil(lambda: window.printer_status.ok, timeout=5_000)
        window.welcome.language_buttons["en"].click()
        assert not window.services.printer_notice.isVisible()
        assert decode(printer.jobs[0]).qr_payloads == [outcome.ticket.id]
        window.worker.wait_idle()


def test_a_broken_form_makes_only_its_service_unavailable(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    from kiosk.config import SAMPLE_PACK

    pack = tmp_path / "pack"
    shutil.copytree(SAMPLE_PACK, pack)
    form = pack / "forms" / "birth-certificate.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("kind: date", "kind: dat", 1))
    window = make_window(load_config(write_config(tmp_path, content={"pack": str(pack)})))

    window.welcome.language_buttons["en"].click()

    card = window.services.cards["birth-certificate"]
    assert not card.isEnabled()
    assert card.agency.text().startswith("Not available at this kiosk today")
    assert "kind" in window.station.unavailable["birth-certificate"]
    assert window.services.cards["death-certificate"].isEnabled()
    take_ticket(qtbot, window, "en", "death-certificate", priority=False)  # others carry on
