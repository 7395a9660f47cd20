"""The waiting-room board rendered to PNG at 1080p and 720p, checked for clipping.

`make screenshots` writes them to docs/screenshots/ (KIOSK_SCREENSHOT_DIR);
otherwise they go to a temporary folder and the checks still run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.test_display_board import board_config, make_board, office  # noqa: F401 (fixtures)
from tests.ui.test_screenshots import FIXED_NOW, snap

pytestmark = pytest.mark.gui
NOTICE = "Closed Monday, December 1 · Cerrado el lunes 1 de diciembre"


def test_board_with_a_fresh_call_older_calls_waits_and_a_notice(
    qtbot: QtBot,
    tmp_path: Path,
    make_board,  # noqa: F811 (the fixture imported above)
    office,  # noqa: F811
    shots: Path,
) -> None:
    config = board_config(tmp_path, notice=NOTICE, highlight_seconds=60)
    counters = office(config, clock=lambda: FIXED_NOW)
    tickets = {
        "license-renewal": 6,
        "vehicle-registration": 3,
        "birth-certificate": 4,
        "marriage-license": 1,
        "pay-water-bill": 5,
        "report-pothole": 2,
    }
    for service, count in tickets.items():
        counters.issue(service, count)
    for counter in ("1", "4", "2", "12", "3"):  # five earlier calls
        counters.call_next(counter)
    board = make_board(config, clock=lambda: FIXED_NOW, tick_ms=1000)
    assert board.previous.shown_labels() != []

    counters.call_next("5")  # the fresh call, highlighted
    qtbot.waitUntil(
        lambda: board.now.highlighted and board.now.counter.text() == "5", timeout=10_000
    )
    assert board.waits is not None
    waiting = sum(tickets.values()) - 6
    qtbot.waitUntil(lambda: sum(board.waits.counts().values()) == waiting, timeout=10_000)
    board.now._pulse.stop()  # the picture shows the highlight's main colour
    board.now._set_state("highlight")

    assert len(board.previous.shown_labels()) == 5
    snap(board, shots, "display-board")  # type: ignore[arg-type]
    board.fit(1280, 720)
    qtbot.waitUntil(lambda: board.height() == 720)
    snap(board, shots, "display-board-720p", (1280, 720))  # type: ignore[arg-type]
