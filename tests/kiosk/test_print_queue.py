"""The print queue: nothing lost when the printer fails, nothing printed twice."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.config import load_config
from kiosk.station import Station
from offline_cache.models import PrintJob, PrintJobState
from tests.helpers.pdf import decode_qr, render_page


def blocked_spool_station(tmp_path: Path, clock=None) -> tuple[Station, Path]:
    """A station whose spool folder cannot be made until ``blocker`` is removed."""
    blocker = tmp_path / "spool-parent"
    blocker.write_text("a file in the way, like a printer out of paper")
    config_path = tmp_path / "station.toml"
    config_path.write_text(
        '[station]\nid = "test-kiosk"\ndata_dir = "data"\n'
        f'[printer]\nspool_dir = "{blocker / "spool"}"\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    station = Station.open(config, clock=clock) if clock else Station.open(config)
    return station, blocker


def jobs(station: Station) -> list[PrintJob]:
    with Session(station.engine) as session:
        return list(session.scalars(select(PrintJob).order_by(PrintJob.created_at)))


def test_ticket_kept_while_the_printer_fails_then_printed_once(tmp_path: Path) -> None:
    station, blocker = blocked_spool_station(tmp_path)
    outcome = station.issue_ticket("id-card", "en")
    assert not outcome.printed and outcome.job_id is not None
    assert [j.state for j in jobs(station)] == ["pending"]
    assert station.print_queue.retry_pending()[0].printed is False  # still broken: kept

    blocker.unlink()  # paper loaded
    first = station.print_queue.retry_pending()
    second = station.print_queue.retry_pending()

    assert [o.printed for o in first] == [True]
    assert second == []
    pdfs = list((blocker / "spool").glob("*.pdf"))
    assert len(pdfs) == 1
    assert decode_qr(render_page(pdfs[0])) == [outcome.ticket.id]
    (job,) = jobs(station)
    assert (job.state, job.attempts) == ("printed", 3)
    station.close()


def test_pending_job_survives_a_restart_and_prints_once(tmp_path: Path) -> None:
    station, blocker = blocked_spool_station(tmp_path)
    station.issue_ticket("license-renewal", "es")
    station.close()  # power cut before the printer came back

    blocker.unlink()
    restarted = Station.open(load_config(tmp_path / "station.toml"))
    printed = restarted.print_queue.retry_pending()
    again = restarted.print_queue.retry_pending()

    assert [o.printed for o in printed] == [True] and again == []
    assert len(list((blocker / "spool").glob("*.pdf"))) == 1
    restarted.close()


def test_job_caught_mid_print_by_a_stop_is_never_resent_on_its_own(tmp_path: Path) -> None:
    station, blocker = blocked_spool_station(tmp_path)
    outcome = station.issue_ticket("id-card", "en")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    with station.engine.begin() as conn:  # the station died while the printer had the job
        conn.execute(update(PrintJob).values(state=PrintJobState.PRINTING, updated_at=long_ago))
    station.close()
    blocker.unlink()

    restarted = Station.open(load_config(tmp_path / "station.toml"))
    assert restarted.print_queue.retry_pending() == []
    assert restarted.print_queue.state_of(outcome.job_id) == "uncertain"

    # A person looks at the printer, sees no ticket and asks for a reprint.
    copy = restarted.print_queue.reprint(outcome.job_id)
    assert [o.printed for o in restarted.print_queue.retry_pending()] == [True]
    (original, reprint) = jobs(restarted)
    assert (reprint.id, reprint.reprint_of, reprint.ticket_id) == (
        copy,
        original.id,
        outcome.ticket.id,
    )
    assert len(list((blocker / "spool").glob("*.pdf"))) == 1
    restarted.close()


def test_two_workers_racing_for_one_job_print_it_once(tmp_path: Path) -> None:
    station, blocker = blocked_spool_station(tmp_path)
    outcome = station.issue_ticket("id-card", "en")
    blocker.unlink()
    results = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        results.append(station.print_queue.print_job(outcome.job_id).printed)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, False, False, True]
    assert len(list((blocker / "spool").glob("*.pdf"))) == 1
    station.close()


def test_a_ticket_nobody_is_waiting_for_any_more_expires_instead_of_printing(
    tmp_path: Path,
) -> None:
    now = [dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)]
    station, blocker = blocked_spool_station(tmp_path, clock=lambda: now[0])
    outcome = station.issue_ticket("id-card", "en")
    blocker.unlink()
    now[0] += dt.timedelta(minutes=30)  # the printer came back half an hour later

    assert station.print_queue.retry_pending() == []
    assert station.print_queue.state_of(outcome.job_id) == "expired"
    assert not (blocker / "spool").exists() or not list((blocker / "spool").glob("*.pdf"))
    station.close()


def test_reprint_last_ticket_prints_a_second_copy(tmp_path: Path) -> None:
    station, blocker = blocked_spool_station(tmp_path)
    blocker.unlink()
    outcome = station.issue_ticket("id-card", "en")
    assert outcome.printed

    last = station.print_queue.last_job_id("ticket")
    assert last == outcome.job_id
    station.print_queue.reprint(last)
    station.print_queue.retry_pending()

    pdfs = sorted((blocker / "spool").glob("*.pdf"))
    assert len(pdfs) == 2
    assert all(decode_qr(render_page(p)) == [outcome.ticket.id] for p in pdfs)
    station.close()


def test_a_command_run_beside_the_kiosk_leaves_its_job_in_print_alone(tmp_path: Path) -> None:
    station, _ = blocked_spool_station(tmp_path)
    outcome = station.issue_ticket("id-card", "en")
    with station.engine.begin() as conn:  # the kiosk is printing it right now
        conn.execute(update(PrintJob).values(state=PrintJobState.PRINTING))

    technician = Station.open(load_config(tmp_path / "station.toml"))  # e.g. `kiosk printer jobs`

    assert technician.print_queue.state_of(outcome.job_id) == "printing"
    technician.close()
    station.close()


def test_reprint_while_the_original_still_waits_prints_one_copy(tmp_path: Path) -> None:
    station, blocker = blocked_spool_station(tmp_path)
    outcome = station.issue_ticket("id-card", "en")  # kept: the printer is in trouble
    blocker.unlink()

    copy = station.print_queue.reprint(outcome.job_id)  # the technician presses Reprint
    station.print_queue.print_job(copy)
    station.print_queue.retry_pending()  # and the idle check runs right after

    assert copy == outcome.job_id
    assert [(j.state, j.attempts) for j in jobs(station)] == [("printed", 2)]
    station.close()


def test_old_receipts_wait_for_the_printer_while_old_tickets_expire(tmp_path: Path) -> None:
    now = [dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)]
    station, blocker = blocked_spool_station(tmp_path, clock=lambda: now[0])
    ticket = station.issue_ticket("id-card", "en")
    page = station.print_test_page()
    blocker.unlink()
    now[0] += dt.timedelta(hours=2)

    outcomes = station.print_queue.retry_pending()

    assert [o.job_id for o in outcomes if o.printed] == [page.job_id]
    assert station.print_queue.state_of(ticket.job_id) == "expired"
    station.close()
