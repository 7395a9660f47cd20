"""Daily queue reports in technician mode: the Reports button, the screen and its work.

Kept out of the window, as :mod:`ui.sync_mode` is. Counting a day and writing
its CSV and PDF (reportlab) run on the window's worker, never on the GUI
thread; the screen gets the results through the worker's signals.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.report_files import ReportFiles, write_station_report
from kiosk.reports import DayReport, station_report
from ui.screens.technician_report import TechnicianReportScreen

if TYPE_CHECKING:
    from kiosk.station import Station
    from ui.window import KioskWindow

log = logging.getLogger(__name__)


class ReportMode(QObject):
    screen: TechnicianReportScreen

    def __init__(self, window: KioskWindow, station: Station) -> None:
        super().__init__(window)
        self._window = window
        self._station = station
        self.built = False  # the screen: on first use
        window.technician.reports_requested.connect(self.open)

    def _build(self) -> None:
        if self.built:
            return
        window = self._window
        self.screen = TechnicianReportScreen(self._station.pack)
        window.add_screen(self.screen)
        self.screen.back.connect(lambda: window.show_screen(window.technician))
        self.screen.day_chosen.connect(self.show_day)
        self.screen.write_requested.connect(self.write)
        self.built = True

    def today(self) -> dt.date:
        """The station's business day now (its time zone, its clock)."""
        station = self._station
        return station.queue.business_date(station.clock())

    def open(self) -> None:
        self._build()
        self._window.show_screen(self.screen)
        self.show_day(self.today())

    def show_day(self, day: dt.date) -> None:
        """Count ``day`` on the worker; a result for a day no longer asked for is dropped."""
        station, screen = self._station, self.screen
        screen.show_loading(day, self.today())

        def counted(report: DayReport) -> None:
            if screen.day == report.day:
                screen.show_report(report)

        self._window.worker.submit(lambda: station_report(station, day), counted, self._failed)

    def write(self) -> None:
        """Write the files of the figures on screen into ``<data_dir>/reports/``."""
        report = self.screen.report
        if report is None:
            return
        station, screen = self._station, self.screen
        lang = self._window.translator.lang
        tr = self._window.translator

        def written(files: ReportFiles) -> None:
            screen.set_busy(False)
            screen.show_written(files)

        screen.set_busy(True)
        screen.show_message(tr("report.writing"), fault=False)
        self._window.worker.submit(
            lambda: write_station_report(station, report, lang), written, self._failed
        )

    def _failed(self, exc: Exception) -> None:
        log.error("the report could not be made", exc_info=exc)
        self.screen.set_busy(False)
        error = f"{type(exc).__name__}: {exc}"
        self.screen.show_message(self._window.translator("report.failed", error=error), fault=True)
