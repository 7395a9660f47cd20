"""The waiting-room board, as a citizen across the room sees it.

A real board station and real counters (each with its own Station on the
same SQLite file, and one in a separate process) call tickets; the board
reads them on its worker and shows, highlights and announces them.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.announcer import Announcer
from kiosk.config import StationConfig, load_config
from kiosk.counter import CounterDesk
from kiosk.queue import utcnow
from kiosk.station import Station
from tests.ui.conftest import TICK_MS, write_config
from tests.ui.test_screenshots import clipped_texts
from ui.display.window import BoardWindow
from ui.theme import apply_theme

pytestmark = pytest.mark.gui
STAFF_PIN = "2468"


def board_config(tmp_path: Path, **display: object) -> StationConfig:
    options: dict[str, object] = {"speech": "off", "chime": False, "poll_ms": 100}
    options |= display
    return load_config(write_config(tmp_path, display=options))


class Office:
    """The counters of the center: a Station of their own on the board's store."""

    def __init__(self, config: StationConfig, clock: Callable[[], dt.datetime]) -> None:
        self.station = Station.open(config, clock=clock)
        self.desks: dict[str, CounterDesk] = {}
        self.station.staff.add("maria", "Maria", STAFF_PIN)

    def issue(self, service_id: str, count: int = 1) -> list[str]:
        return [self.station.issue_ticket(service_id, "en").ticket.label for _ in range(count)]

    def desk(self, counter: str) -> CounterDesk:
        if counter not in self.desks:
            staff = self.station.staff.sign_in("maria", STAFF_PIN, counter)
            self.desks[counter] = self.station.counter_desk(staff, counter)
        return self.desks[counter]

    def call_next(self, counter: str) -> str:
        """The counter finishes its visitor (if any) and calls the next one."""
        desk = self.desk(counter)
        if desk.current() is not None:
            desk.start_serving()
            desk.complete("Done")
        called = desk.call_next()
        assert called is not None, "nobody was waiting"
        return called.label

    def close(self) -> None:
        self.station.close()


@pytest.fixture
def make_board(qtbot: QtBot, qapp: object) -> Iterator[Callable[..., BoardWindow]]:
    made: list[tuple[BoardWindow, Station]] = []

    def make(
        config: StationConfig,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        announcer: Announcer | None = None,
        tick_ms: int = TICK_MS,
        size: tuple[int, int] = (1920, 1080),
    ) -> BoardWindow:
        apply_theme(qapp)  # type: ignore[arg-type]
        station = Station.open(config, clock=clock)
        window = BoardWindow(config, announcer, tick_ms=tick_ms, clock=clock)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        with qtbot.waitSignal(window.station_ready, timeout=10_000):
            window.attach(station)
        made.append((window, station))
        return window

    yield make
    for window, station in made:
        window.detach()
        station.close()


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Callable[..., Office]]:
    offices: list[Office] = []

    def make(config: StationConfig, clock: Callable[[], dt.datetime] = utcnow) -> Office:
        offices.append(Office(config, clock))
        return offices[-1]

    yield make
    for one in offices:
        one.close()


def test_the_newest_call_shows_large_and_highlighted_after_a_counter_calls(
    qtbot: QtBot, tmp_path: Path, make_board, office
) -> None:
    config = board_config(tmp_path, highlight_seconds=60)
    counters = office(config)
    counters.issue("license-renewal", 2)
    board = make_board(config)
    assert board.now.state == "empty"

    counters.call_next("3")

    qtbot.waitUntil(lambda: board.now.number.text() == "A001", timeout=10_000)
    assert board.now.counter.text() == "3"
    assert board.now.highlighted
    assert board.previous.shown_labels() == []

    counters.call_next("5")
    qtbot.waitUntil(lambda: board.now.number.text() == "A002", timeout=10_000)
    assert board.now.counter.text() == "5"
    assert board.previous.shown_labels() == ["A001"]


def test_a_recall_is_highlighted_and_announced_again(
    qtbot: QtBot, tmp_path: Path, make_board, office
) -> None:
    said = tmp_path / "said.txt"
    speaker = [
        sys.executable,
        "-c",
        f"import sys; open({str(said)!r}, 'a').write(sys.argv[-1] + '\\n')",
    ]
    announcer = Announcer(["en"], chime=False, speech="espeak-ng", speaker=speaker)
    config = board_config(tmp_path, highlight_seconds=2)
    counters = office(config)
    counters.issue("license-renewal", 2)
    board = make_board(config, announcer=announcer, tick_ms=50)
    try:
        counters.call_next("1")
        counters.call_next("2")
        qtbot.waitUntil(lambda: board.now.number.text() == "A002", timeout=10_000)
        qtbot.waitUntil(lambda: board.now.state == "calm", timeout=10_000)
        assert board.previous.shown_labels() == ["A001"]

        states: list[str] = []
        with qtbot.waitSignal(
            board.call_shown,
            timeout=10_000,
            check_params_cb=lambda call: states.append(board.now.state) or call.recall == 1,
        ):
            counters.desk("1").recall()

        assert states[-1] == "highlight"
        assert (board.now.number.text(), board.now.counter.text()) == ("A001", "1")
        assert board.previous.shown_labels() == ["A002"]
        assert announcer.wait_idle(30)
        heard = said.read_text(encoding="utf-8").splitlines()
        assert [line.count("23") for line in heard] == [0, 0, 0]  # no stray numbers
        assert len(heard) == 3  # A001, A002, then A001 again
        assert "A</say-as> 1, counter 1" in heard[0] and heard[2] == heard[0]
    finally:
        announcer.stop()


def test_the_highlight_ends_after_the_configured_seconds(
    qtbot: QtBot, tmp_path: Path, make_board, office
) -> None:
    config = board_config(tmp_path, highlight_seconds=3)
    counters = office(config)
    counters.issue("vehicle-registration")
    board = make_board(config, tick_ms=40)  # 3 board seconds: 120 ms
    seen: list[str] = []
    board.call_shown.connect(lambda _call: seen.append(board.now.state))

    counters.call_next("4")

    qtbot.waitUntil(lambda: seen == ["highlight"], timeout=10_000)
    qtbot.waitUntil(lambda: board.now.state == "calm", timeout=10_000)
    assert board.now.number.text() == "B001"  # still shown, no longer highlighted


def test_waiting_counts_per_service_follow_the_tickets_issued(
    qtbot: QtBot, tmp_path: Path, make_board, office
) -> None:
    config = board_config(tmp_path)
    counters = office(config)
    board = make_board(config)
    assert board.waits is not None
    assert board.waits.counts()["license-renewal"] == 0

    counters.issue("license-renewal", 3)
    counters.issue("pay-water-bill", 1)

    qtbot.waitUntil(lambda: board.waits.counts()["license-renewal"] == 3, timeout=10_000)
    assert board.waits.counts()["pay-water-bill"] == 1
    assert board.waits.rows["license-renewal"].minutes.text().startswith("~")

    counters.call_next("2")
    qtbot.waitUntil(lambda: board.waits.counts()["license-renewal"] == 2, timeout=10_000)


def test_the_notice_and_both_languages_are_on_the_board(
    qtbot: QtBot, tmp_path: Path, make_board
) -> None:
    config = board_config(tmp_path, notice="We close at 5 pm today")
    board = make_board(config)

    assert board.notice.isVisible() and board.notice.text() == "We close at 5 pm today"
    assert [line.text() for line in board.now.title.lines] == ["Now serving", "Atendiendo"]
    assert board.waits is not None
    names = [name.text() for name in board.waits.rows["license-renewal"].names]
    assert names == ["Renew a driver's license", "Renovar licencia de conducir"]


COUNTER_PROCESS = textwrap.dedent(
    """
    import sys
    from kiosk.config import load_config
    from kiosk.station import Station

    station = Station.open(load_config(sys.argv[1]))
    staff = station.staff.sign_in("maria", sys.argv[2], "7")
    called = station.counter_desk(staff, "7").call_next()
    print(called.label)
    station.close()
    """
)


def test_a_call_made_by_another_process_appears_on_the_board(
    qtbot: QtBot, tmp_path: Path, make_board, office
) -> None:
    config = board_config(tmp_path)
    counters = office(config)
    counters.issue("road-test")
    board = make_board(config)

    done = subprocess.run(
        [sys.executable, "-c", COUNTER_PROCESS, str(config.source), STAFF_PIN],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    assert done.stdout.strip() == "D001"
    qtbot.waitUntil(lambda: board.now.number.text() == "D001", timeout=15_000)
    assert board.now.counter.text() == "7"


def test_calls_from_earlier_days_are_not_shown_or_announced(
    qtbot: QtBot, tmp_path: Path, make_board, office
) -> None:
    config = board_config(tmp_path)
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    old = office(config, clock=lambda: yesterday)
    old.issue("id-card")
    old.call_next("1")
    board = make_board(config)

    assert board.now.state == "empty"
    assert board.previous.shown_labels() == []


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160)])
def test_the_board_fits_every_tv_size_and_the_number_grows_with_it(
    qtbot: QtBot, tmp_path: Path, make_board, office, size: tuple[int, int]
) -> None:
    config = board_config(
        tmp_path, notice="Los sábados cerramos a las 12 · Closed Saturdays at noon"
    )
    counters = office(config)
    for service in ("license-renewal", "birth-certificate", "pay-water-bill", "road-test"):
        counters.issue(service, 3)
    for counter in ("1", "2", "3", "12", "B-2", "4", "5"):
        counters.call_next(counter)
    board = make_board(config, size=size)
    qtbot.waitUntil(lambda: board.now.number.text() != "", timeout=10_000)
    qtbot.waitUntil(lambda: sum(board.waits.counts().values()) == 12 - 7, timeout=10_000)

    assert (board.width(), board.height()) == size
    assert clipped_texts(board) == []  # type: ignore[arg-type]
    assert board.waits is not None
    assert [r.names[0].full_text for r in board.waits.rows.values() if r.names[0].elided] == []
    pixels = board.now.number.font().pixelSize()
    assert pixels >= size[1] * 0.2  # a fifth of the screen's height, on every size
    board.fit(size[0] * 2, size[1] * 2)
    qtbot.waitUntil(lambda: board.now.number.font().pixelSize() > pixels, timeout=5_000)


def test_the_board_says_it_is_starting_until_its_station_can_open(
    qtbot: QtBot, tmp_path: Path, qapp: object
) -> None:
    """A content pack not there yet (a PostgreSQL server still booting is the same):
    a calm page, tried again until it opens, with nobody at the TV."""
    import shutil

    from kiosk.config import SAMPLE_PACK
    from ui.display.app import open_board

    pack = tmp_path / "pack-arriving"
    config = load_config(
        write_config(tmp_path, content={"pack": str(pack)}, display={"speech": "off"})
    )
    apply_theme(qapp)  # type: ignore[arg-type]
    board = BoardWindow(config, tick_ms=TICK_MS)
    qtbot.addWidget(board)
    board.resize(1280, 720)
    board.show()
    open_board(board, retry_ms=100)
    qtbot.waitUntil(lambda: not board.worker.pool.activeThreadCount(), timeout=10_000)
    assert board.stack.currentWidget() is board.starting
    texts = [line.text() for line in board.findChildren(QLabel) if line.isVisibleTo(board)]
    assert "The board is starting" in texts and "La pantalla se está iniciando" in texts
    assert clipped_texts(board) == []  # type: ignore[arg-type]

    shutil.copytree(SAMPLE_PACK, pack)
    with qtbot.waitSignal(board.station_ready, timeout=20_000):
        pass
    assert board.stack.currentWidget() is board.board
    board.detach()
    assert board.station is not None
    board.station.close()
