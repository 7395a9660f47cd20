"""Daily queue reports: a day played through the real queue and counters, then counted.

The day (America/Chicago, 2025-01-15, UTC-6) is played by :func:`play_day` with
a clock the test sets; every figure asserted below is worked out by hand from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest

from kiosk.cli import main
from kiosk.config import load_config
from kiosk.problems import EXIT_BAD_INPUT
from kiosk.report_csv import COLUMNS, metric_names
from kiosk.report_files import write_report, write_station_report
from kiosk.report_pdf import COMPLETED_COLOR, ISSUED_COLOR, SERVICE_COLOR, WAIT_COLOR
from kiosk.reports import DayReport, HourFigures, ServiceFigures, Times, station_report
from kiosk.station import Station
from offline_cache.models import TicketState
from tests.helpers.pdf import pdf_text

CHICAGO = ZoneInfo("America/Chicago")
DAY = dt.date(2025, 1, 15)


class Clock:
    """The station's clock, set to local times of the report's day."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 14, 20, 0, tzinfo=CHICAGO).astimezone(dt.UTC)

    def at(self, hhmm: str, day: dt.date = DAY) -> None:
        hour, minute = map(int, hhmm.split(":"))
        self.now = dt.datetime.combine(day, dt.time(hour, minute), CHICAGO).astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def write_station_config(folder: Path, store_url: str | None = None) -> Path:
    store = f'[store]\nurl = "{store_url}"\n' if store_url else ""
    path = folder / "station.toml"
    path.write_text(
        '[station]\nid = "test-kiosk"\ncenter_name = "Riverside Service Center"\n'
        'timezone = "America/Chicago"\ndata_dir = "data"\n'
        '[printer]\nbackend = "pdf"\n[sync]\nenabled = false\n' + store,
        encoding="utf-8",
    )
    return path


def play_day(station: Station, clock: Clock) -> None:
    """Tickets of license-renewal (A), vehicle-registration (B) and id-card (C)."""

    def issue(hhmm: str, service: str, day: dt.date = DAY) -> str:
        clock.at(hhmm, day)
        return station.issue_ticket(service, "en").ticket.id

    issue("23:50", "id-card", DAY - dt.timedelta(days=1))  # the day before, locally
    early = issue("00:10", "license-renewal")  # A001, cancelled at 07:00
    issue("08:50", "license-renewal")  # A002
    issue("09:00", "license-renewal")  # A003
    b001 = issue("09:05", "vehicle-registration")
    clock.at("07:00")
    station.queue.transition(early, TicketState.CANCELLED)
    for staff_id in ("ana", "ben"):
        station.staff.add(staff_id, staff_id.title(), "4321")
    desk1 = station.counter_desk(
        station.staff.sign_in("ana", "4321"), "1", ["license-renewal", "vehicle-registration"]
    )
    desk2 = station.counter_desk(station.staff.sign_in("ben", "4321"), "2", ["id-card"])
    steps = [
        ("09:10", lambda: desk1.call("A002")),  # waited 20
        ("09:12", desk1.start_serving),
        ("09:25", lambda: desk1.complete("Done")),  # served 15
        ("09:30", lambda: desk1.call("A003")),  # waited 30
        ("09:31", desk1.recall),
        ("09:33", desk1.no_show),
        ("09:35", lambda: desk1.call("B001")),  # waited 30 in B
        ("09:40", desk1.start_serving),
        ("09:45", lambda: desk1.transfer(service_id="id-card")),
        ("10:00", lambda: desk2.call("B001")),  # waited 15 in C
        ("10:05", desk2.park),
        ("10:10", lambda: station.issue_ticket("id-card", "en")),  # C001
        ("10:12", lambda: desk2.call("C001")),  # waited 2
        ("10:18", lambda: desk2.complete("Done")),  # served 6
        ("10:20", lambda: desk2.resume(b001)),
        ("10:30", lambda: desk2.complete("Needs more documents")),  # served 5 + 10 in C
        ("23:40", lambda: station.issue_ticket("license-renewal", "en")),  # A004
        ("23:50", lambda: desk1.call("A004")),  # waited 10, still at the counter
        ("23:55", lambda: station.issue_ticket("license-renewal", "en")),  # A005, waiting
    ]
    for hhmm, step in steps:
        clock.at(hhmm)
        step()
    issue("00:10", "vehicle-registration", DAY + dt.timedelta(days=1))  # the next day
    clock.at("23:58")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """docs/screenshots under `make screenshots` (KIOSK_SCREENSHOT_DIR), else tmp_path."""
    folder = Path(os.environ.get("KIOSK_SCREENSHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def played(tmp_path: Path) -> Iterator[tuple[Station, Clock]]:
    clock = Clock()
    station = Station.open(load_config(write_station_config(tmp_path)), clock=clock)
    play_day(station, clock)
    yield station, clock
    station.close()


EXPECTED_SERVICES = (
    ServiceFigures(
        "license-renewal", "Renew a driver's license", issued=5, called=3, completed=1,
        no_shows=1, cancelled=1, unfinished=2,
        wait=Times(3, 20.0, 20.0, 28.0, 30.0), service_time=Times(1, 15.0, 15.0, 15.0, 15.0),
    ),
    ServiceFigures(
        "vehicle-registration", "Register a vehicle", issued=1, called=1, transferred_out=1,
        wait=Times(1, 30.0, 30.0, 30.0, 30.0),
    ),
    ServiceFigures(
        "id-card", "Get a state ID card", issued=1, transferred_in=1, called=2, completed=2,
        wait=Times(2, 8.5, 8.5, 13.7, 15.0), service_time=Times(2, 10.5, 10.5, 14.1, 15.0),
    ),
)  # fmt: skip
EXPECTED_OVERALL = ServiceFigures(
    "all", "", issued=7, transferred_in=1, called=6, completed=3, no_shows=1,
    transferred_out=1, cancelled=1, unfinished=2,
    wait=Times(6, 17.83, 17.5, 30.0, 30.0), service_time=Times(3, 12.0, 15.0, 15.0, 15.0),
)  # fmt: skip
BUSY_HOURS = {
    0: HourFigures(0, issued=1),
    8: HourFigures(8, issued=1),
    9: HourFigures(9, issued=2, called=3, completed=1, mean_wait=26.67),
    10: HourFigures(10, issued=1, called=2, completed=2, mean_wait=8.5),
    23: HourFigures(23, issued=2, called=1, mean_wait=10.0),
}


def assert_is_the_played_day(report: DayReport) -> None:
    assert report.services == EXPECTED_SERVICES
    assert report.overall == EXPECTED_OVERALL
    assert report.hours == tuple(BUSY_HOURS.get(h, HourFigures(h)) for h in range(24))
    assert report.outcomes == (("Done", 2), ("Needs more documents", 1))
    assert report.time_zone == "America/Chicago"


def test_manager_sees_each_services_tickets_waits_and_service_times(played) -> None:
    station, _ = played
    assert_is_the_played_day(station_report(station, DAY))


def test_a_day_without_tickets_says_so(played) -> None:
    station, _ = played
    report = station_report(station, dt.date(2025, 1, 10))
    assert report.empty
    assert report.services == () and report.outcomes == ()
    assert report.overall == ServiceFigures("all", "")
    assert report.hours == tuple(HourFigures(h) for h in range(24))


@pytest.mark.postgres
def test_the_same_day_on_postgresql_gives_the_same_figures(tmp_path: Path, pg_url: str) -> None:
    clock = Clock()
    station = Station.open(load_config(write_station_config(tmp_path, pg_url)), clock=clock)
    try:
        play_day(station, clock)
        assert_is_the_played_day(station_report(station, DAY))
    finally:
        station.close()


def test_kiosk_report_writes_the_csv_and_the_pdf(
    played, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station, _ = played
    config = str(station.config.source)
    out = tmp_path / "reports"
    assert main(["--config", config, "report", "--date", "2025-01-15", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    csv_path, pdf_path = (
        out / "onestop-report-2025-01-15.csv",
        out / "onestop-report-2025-01-15.pdf",
    )
    assert lines == [
        str(csv_path),
        str(pdf_path),
        "2025-01-15: 7 issued, 3 completed, 1 no-shows, 1 transfers, 2 unfinished; "
        "median wait 17.5 min, median service 15.0 min (3 services)",
    ]
    assert read_csv(csv_path) == station_report(station, DAY)
    text = pdf_text(pdf_path)
    for expected in ("Riverside Service Center", "2025-01-15", "Renew a driver's license",
                     "Register a vehicle", "Get a state ID card", "Needs more documents",
                     "28.0", "13.7", "14.1", "17.8", "All services"):  # fmt: skip
        assert expected in text


@pytest.mark.parametrize("date", ["15/01/2025", "2025-1-5", "2025-02-30", "yesterday"])
def test_a_bad_date_is_refused_naming_the_format(
    played, tmp_path: Path, capsys: pytest.CaptureFixture[str], date: str
) -> None:
    config = str(played[0].config.source)
    code = main(["--config", config, "report", "--date", date, "--out", str(tmp_path / "r")])
    assert code == EXIT_BAD_INPUT
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def bar_pixels(pdf: Path, color: object, pages: slice = slice(0, 1)) -> int:
    """How many pixels of the pages have exactly the chart colour ``color``."""
    doc = pdfium.PdfDocument(pdf)
    try:
        images = [page.render(scale=2).to_pil().convert("RGB") for page in list(doc)[pages]]
    finally:
        doc.close()
    rgb = tuple(round(c * 255) for c in color.rgb())  # type: ignore[attr-defined]
    return sum(
        count for image in images for count, pixel in image.getcolors(1 << 24) or [] if pixel == rgb
    )


def test_pdf_page_one_draws_the_hourly_chart(played, tmp_path: Path, shots: Path) -> None:
    station, _ = played
    files = write_station_report(station, station_report(station, DAY), "en")
    assert bar_pixels(files.pdf, ISSUED_COLOR) > 500
    assert bar_pixels(files.pdf, COMPLETED_COLOR) > 500
    every_page = slice(None)  # the per-service charts flow where they fit
    assert bar_pixels(files.pdf, WAIT_COLOR, every_page) > 500
    assert bar_pixels(files.pdf, SERVICE_COLOR, every_page) > 500
    doc = pdfium.PdfDocument(files.pdf)
    try:
        doc[0].render(scale=1.5).to_pil().save(shots / "report-sample.png")
    finally:
        doc.close()


def test_pdf_of_a_day_without_tickets_says_so_and_draws_no_bars(played) -> None:
    station, _ = played
    files = write_station_report(station, station_report(station, dt.date(2025, 1, 10)), "es")
    assert "No se emitió ningún turno el 2025-01-10." in pdf_text(files.pdf)
    assert bar_pixels(files.pdf, ISSUED_COLOR) == 0
    assert files.csv.name == "onestop-report-2025-01-10.csv"


def test_names_with_markup_print_literally(played, tmp_path: Path) -> None:
    station, _ = played
    report = station_report(station, DAY)
    odd = write_report(
        report, tmp_path / "odd", center_name="Smith & Sons <b>AT&T</b>",
        station_id="k1", pack=station.pack, lang="en", made_at=station.clock(), tz=CHICAGO,
    )  # fmt: skip
    assert "Smith & Sons <b>AT&T</b>" in pdf_text(odd.pdf)


def read_csv(path: Path) -> DayReport:
    """The CSV read back with the csv module, as a report to compare with the original."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMNS
    meta = {r[4]: r[5] for r in rows[1:] if r[0] == "report"}
    blocks: dict[tuple[str, str], dict[str, str]] = {}
    names: dict[str, str] = {}
    for section, service, name, _, metric, value in rows[1:]:
        if section in ("service", "overall"):
            blocks.setdefault((section, service), {})[metric] = value
            names[service] = name
    hours: dict[int, dict[str, str]] = {}
    for section, _, _, hour, metric, value in rows[1:]:
        if section == "hour":
            hours.setdefault(int(hour), {})[metric] = value

    def num(text: str) -> float | None:
        return float(text) if text else None

    def figures(key: tuple[str, str]) -> ServiceFigures:
        values = blocks[key]
        assert tuple(values) == metric_names()
        counts = [int(values[m]) for m in metric_names()[:8]]
        times = [num(values[m]) for m in metric_names()[8:]]
        wait = Times(int(times[0] or 0), *times[1:5])
        served = Times(int(times[5] or 0), *times[6:])
        return ServiceFigures(key[1], names[key[1]], *counts, wait=wait, service_time=served)

    return DayReport(
        dt.date.fromisoformat(meta["date"]),
        meta["time_zone"],
        tuple(figures(k) for k in blocks if k[0] == "service"),
        figures(("overall", "all")),
        tuple(
            HourFigures(
                h, int(v["issued"]), int(v["called"]), int(v["completed"]), num(v["wait_mean_min"])
            )
            for h, v in hours.items()
        ),
        tuple((r[4], int(r[5])) for r in rows[1:] if r[0] == "outcome"),
    )
