"""A station printing its tickets to an office printer's CUPS queue."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.config import load_config
from kiosk.station import Station
from tests.helpers.cups_server import cups_server
from tests.helpers.pdf import decode_qr, pdf_text, render_page


def test_ticket_goes_to_the_cups_queue_and_a_stopped_queue_keeps_it(
    tmp_path: Path, monkeypatch
) -> None:
    with cups_server() as cups:
        out = cups.add_queue("lobby")
        monkeypatch.setenv("CUPS_SERVER", cups.socket)
        config = tmp_path / "station.toml"
        config.write_text(
            '[station]\ndata_dir = "data"\n[printer]\nbackend = "cups"\nqueue = "lobby"\n',
            encoding="utf-8",
        )
        station = Station.open(load_config(config))

        cups.disable("lobby")  # someone paused the office printer
        held = station.issue_ticket("vehicle-registration", "es")
        assert not held.printed and "disabled" in (held.print_error or "")
        assert not out.exists()

        cups.enable("lobby")
        assert [o.printed for o in station.print_queue.retry_pending()] == [True]
        station.close()
        deadline = time.monotonic() + 15
        while not out.exists():
            assert time.monotonic() < deadline, "CUPS never delivered the ticket"
            time.sleep(0.05)
        assert "Registrar un vehículo" in " ".join(pdf_text(out).split())
        assert decode_qr(render_page(out)) == [held.ticket.id]
