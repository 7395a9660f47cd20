"""``kiosk report --date YYYY-MM-DD --out DIR``: a day's queue report as CSV and PDF.

Runs in the CLI's own process (no screen, so no GUI thread to keep free); the
technician's Reports screen runs the same functions on its worker.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.commands import store_sessions
from kiosk.config import StationConfig
from kiosk.content import load_pack
from kiosk.problems import EXIT_BAD_INPUT
from kiosk.reports import DayReport, day_report, parse_day


def report(config: StationConfig, date: str | None, out_dir: Path) -> int:
    """Write the day's report files into ``out_dir``; print their paths and one summary line.

    ``date`` is the business day (default: today in the station's time zone).
    """
    settings = config.settings.station
    tz = ZoneInfo(settings.timezone) if settings.timezone else None
    now = dt.datetime.now(dt.UTC)
    try:
        day = parse_day(date) if date is not None else now.astimezone(tz).date()
    except ValueError as exc:
        print(f"error: --date: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from kiosk.report_files import write_report  # reportlab: only once the input is good

    pack = load_pack(config.pack_dir)  # InvalidFile is printed by the CLI
    with store_sessions(config) as sessions:
        figures = day_report(sessions, pack, day, tz)
    files = write_report(
        figures,
        out_dir,
        center_name=settings.center_name,
        station_id=settings.id,
        pack=pack,
        lang=settings.default_language,
        made_at=now,
        tz=tz,
    )
    print(files.csv)
    print(files.pdf)
    print(summary_line(figures))
    return 0


def summary_line(report: DayReport) -> str:
    """The day in one line, for the terminal."""
    o = report.overall
    if report.empty:
        return f"{report.day}: no tickets issued"
    wait = "-" if o.wait.median is None else f"{o.wait.median:.1f} min"
    served = "-" if o.service_time.median is None else f"{o.service_time.median:.1f} min"
    return (
        f"{report.day}: {o.issued} issued, {o.completed} completed, {o.no_shows} no-shows, "
        f"{o.transferred_out} transfers, {o.unfinished} unfinished; "
        f"median wait {wait}, median service {served} ({len(report.services)} services)"
    )
