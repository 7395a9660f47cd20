"""A day report's two files: ``onestop-report-<date>.csv`` and ``onestop-report-<date>.pdf``.

The CSV is for spreadsheets (one figure per row, :mod:`kiosk.report_csv`), the
PDF for reading (:mod:`kiosk.report_pdf`). Both come from the same
:class:`kiosk.reports.DayReport`, so they never disagree. Each file is written
beside its final name and then renamed, so a reader never sees half a file.
Slow enough (reportlab) that the screens run it on their worker.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.content import ContentPack
from kiosk.reports import DayReport

if TYPE_CHECKING:
    from kiosk.station import Station


@dataclass(frozen=True)
class ReportFiles:
    csv: Path
    pdf: Path


def report_paths(out_dir: Path, day: dt.date) -> ReportFiles:
    stem = f"onestop-report-{day.isoformat()}"
    return ReportFiles(out_dir / f"{stem}.csv", out_dir / f"{stem}.pdf")


def write_report(
    report: DayReport,
    out_dir: Path,
    *,
    center_name: str,
    station_id: str,
    pack: ContentPack,
    lang: str,
    made_at: dt.datetime,
    tz: dt.tzinfo | None,
) -> ReportFiles:
    """Write both files into ``out_dir`` (made if missing); replace earlier ones of that day."""
    from kiosk.report_csv import write_csv
    from kiosk.report_pdf import write_pdf

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = report_paths(out_dir, report.day)
    partial_csv = paths.csv.with_name(paths.csv.name + ".part")
    partial_pdf = paths.pdf.with_name(paths.pdf.name + ".part")
    write_csv(report, partial_csv)
    write_pdf(
        report,
        partial_pdf,
        center_name=center_name,
        station_id=station_id,
        pack=pack,
        lang=lang,
        made_at=made_at,
        tz=tz,
    )
    os.replace(partial_csv, paths.csv)
    os.replace(partial_pdf, paths.pdf)
    return paths


def write_station_report(station: Station, report: DayReport, lang: str) -> ReportFiles:
    """The files of a running station, into ``<data_dir>/reports/`` (the technician's button)."""
    settings = station.config.settings
    return write_report(
        report,
        station.config.data_dir / "reports",
        center_name=settings.station.center_name,
        station_id=settings.station.id,
        pack=station.pack,
        lang=lang,
        made_at=station.clock(),
        tz=station.tz,
    )
