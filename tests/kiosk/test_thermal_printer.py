"""A kiosk printing to a thermal printer over TCP 9100, end to end.

The printer is :class:`tests.helpers.fake_printer.FakeEscposPrinter`, a real
TCP server answering status queries; what it received is decoded back into
text lines, QR payloads and cuts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.station import Station
from tests.helpers.escpos import decode
from tests.helpers.fake_printer import FakeEscposPrinter


@pytest.fixture
def printer() -> Iterator[FakeEscposPrinter]:
    with FakeEscposPrinter("ready") as fake:
        yield fake


def thermal_config(tmp_path: Path, printer: FakeEscposPrinter) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(
        '[station]\nid = "door-kiosk"\ncenter_name = "Riverside Service Center"\n'
        'data_dir = "data"\n'
        f'[printer]\nbackend = "escpos-network"\nhost = "{printer.host}"\n'
        f"port = {printer.port}\ntimeout_ms = 300\n",
        encoding="utf-8",
    )
    return path


def test_ticket_prints_natively_with_its_qr_and_one_cut(
    tmp_path: Path, printer: FakeEscposPrinter
) -> None:
    station = Station.open(load_config(thermal_config(tmp_path, printer)))
    outcome = station.issue_ticket("license-renewal", "es", priority=True)
    station.close()

    assert outcome.printed
    (job,) = printer.jobs
    paper = decode(job)
    text = " ".join(" ".join(paper.text_lines).split())  # double-width lines wrap
    assert "A001" in text and "Renovar licencia de conducir" in text
    assert "Atención prioritaria" in text  # accents printed as text, not as an image
    assert paper.images == []
    assert paper.qr_payloads == [outcome.ticket.id]
    assert paper.cut_kinds == ["partial"]


def test_paper_out_keeps_the_job_tells_the_citizen_and_prints_it_once_later(
    tmp_path: Path, printer: FakeEscposPrinter
) -> None:
    printer.state = "paper_out"
    station = Station.open(load_config(thermal_config(tmp_path, printer)))

    outcome = station.issue_ticket("id-card", "en")

    assert not outcome.printed
    assert "paper out" in (outcome.print_error or "")
    assert printer.jobs == []  # not sent into a printer that would hold it
    assert station.print_queue.state_of(outcome.job_id) == "pending"

    printer.state = "ready"  # staff loaded a roll
    assert [o.printed for o in station.print_queue.retry_pending()] == [True]
    assert station.print_queue.retry_pending() == []
    station.close()
    (job,) = printer.jobs
    assert decode(job).qr_payloads == [outcome.ticket.id]


def test_silent_printer_is_reported_within_its_timeout_and_nothing_is_lost(
    tmp_path: Path, printer: FakeEscposPrinter
) -> None:
    printer.state = "silent"
    station = Station.open(load_config(thermal_config(tmp_path, printer)))

    outcome = station.issue_ticket("id-card", "en")

    assert not outcome.printed
    assert "did not answer" in (outcome.print_error or "")
    assert station.print_queue.state_of(outcome.job_id) == "pending"
    assert printer.jobs == []
    station.close()


def test_pending_job_prints_once_after_a_restart(
    tmp_path: Path, printer: FakeEscposPrinter
) -> None:
    config = thermal_config(tmp_path, printer)
    printer.state = "cover_open"
    station = Station.open(load_config(config))
    outcome = station.issue_ticket("marriage-license", "es")
    station.close()  # the kiosk is switched off with the job still waiting

    printer.state = "ready"
    restarted = Station.open(load_config(config))
    first = restarted.print_queue.retry_pending()
    second = restarted.print_queue.retry_pending()
    restarted.close()

    assert [o.printed for o in first] == [True] and second == []
    (job,) = printer.jobs
    assert decode(job).qr_payloads == [outcome.ticket.id]


@pytest.mark.parametrize(
    ("state", "code", "expected"),
    [
        ("ready", 0, "escpos-network: ready"),
        ("near_end", 0, "escpos-network: paper near end"),
        ("paper_out", 1, "escpos-network: paper out"),
        ("silent", 1, "escpos-network: printer did not answer"),
    ],
)
def test_technician_asks_the_printer_how_it_is(
    tmp_path: Path, printer: FakeEscposPrinter, run_kiosk, state: str, code: int, expected: str
) -> None:
    printer.state = state  # type: ignore[assignment]
    result = run_kiosk("--config", str(thermal_config(tmp_path, printer)), "printer", "status")

    assert result.returncode == code, result.stderr
    assert result.stdout.startswith(expected)
    assert ("paper near end" in result.stderr) == (state == "near_end")


def test_technician_prints_a_test_page_to_the_thermal_printer(
    tmp_path: Path, printer: FakeEscposPrinter, run_kiosk
) -> None:
    result = run_kiosk("--config", str(thermal_config(tmp_path, printer)), "printer", "test-page")

    assert (result.returncode, result.stdout) == (0, "test page printed\n"), result.stderr
    (job,) = printer.jobs
    paper = decode(job)
    assert "Printer test page" in paper.text_lines
    assert "123456789012345678901234567890123456789012345678" in paper.text_lines  # 48 columns
    assert paper.qr_payloads == ["onestop-test:door-kiosk"]
    assert paper.cut_kinds == ["partial"]


def test_serial_printer_station_prints_and_keeps_a_job_through_paper_out(
    tmp_path: Path,
) -> None:
    from tests.helpers.fake_printer import FakeSerialPrinter

    with FakeSerialPrinter("paper_out") as serial_printer:
        path = tmp_path / "station.toml"
        path.write_text(
            '[station]\ndata_dir = "data"\n'
            f'[printer]\nbackend = "escpos-serial"\ndevice = "{serial_printer.device}"\n'
            "timeout_ms = 300\n",
            encoding="utf-8",
        )
        station = Station.open(load_config(path))
        outcome = station.issue_ticket("pay-water-bill", "en")
        assert not outcome.printed and "paper out" in (outcome.print_error or "")

        serial_printer.state = "ready"
        assert [o.printed for o in station.print_queue.retry_pending()] == [True]
        station.close()
        serial_printer.wait_closed(1)  # a pty has no connections: the cut ends the job
        assert [decode(job).qr_payloads for job in serial_printer.jobs] == [[outcome.ticket.id]]


def test_receipt_prints_with_personal_answers_masked(
    tmp_path: Path, printer: FakeEscposPrinter
) -> None:
    import datetime as dt

    from kiosk.receipts import Answer, Receipt

    station = Station.open(load_config(thermal_config(tmp_path, printer)))
    receipt = Receipt(
        reference="CLK-4H7P-Q2M8",
        agency="County Clerk-Recorder",
        service="Get a birth certificate",
        submitted_at=dt.datetime(2026, 11, 30, 15, 41, tzinfo=dt.UTC),
        language="en",
        answers=(
            Answer("Name on the record", "Ana Lucía Gómez", personal=True),
            Answer("Relationship", "Parent"),
        ),
        next_steps="A clerk will call your number to check your ID.",
    )

    outcome = station.print_receipt(receipt)
    station.close()

    assert outcome.printed
    (job,) = printer.jobs
    paper = decode(job)
    text = " ".join(paper.text_lines)
    assert "CLK-4H7P-Q2M8" in text and "Parent" in text and "********" in text
    assert "Gómez" not in text and "Ana" not in text
    assert paper.qr_payloads == ["CLK-4H7P-Q2M8"]
