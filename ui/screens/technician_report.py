"""Technician mode: a day's queue figures per service, and the files for the manager.

Pick the day (today, the day before or after, or type it), read the figures
per service in a large table, and write the day's CSV and PDF into the
station's data folder. The screen only shows and asks; :class:`ui.report_mode.ReportMode`
counts and writes on the window's worker. What each figure means: kiosk/reports.py.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from kiosk.report_files import ReportFiles
from kiosk.reports import DayReport, ServiceFigures, parse_day
from ui.screens import Screen
from ui.touch import restyle, set_status, touch_scroll_area
from ui.widgets import button, label

COLUMNS = (
    "service",
    "issued",
    "completed",
    "no_shows",
    "transfers",
    "median_wait",
    "p90_wait",
    "median_service",
)
SHEET = """
#ReportScroll, #ReportContent { background: #f4f6fa; }
#ReportTable { background: #ffffff; border: 2px solid #a9aeb1; }
#ReportHead { font-size: 22px; font-weight: bold; color: #ffffff; background: #0b3d91;
              padding: 10px 14px; }
#ReportCell, #ReportTotal { font-size: 26px; padding: 10px 14px; background: #ffffff; }
#ReportCell[zebra="true"] { background: #eef2f8; }
#ReportTotal { font-weight: bold; border-top: 3px solid #0b3d91; }
QLineEdit#report-date { font-size: 28px; padding: 8px 14px; min-height: 56px; max-width: 260px;
                        border: 3px solid #71767a; border-radius: 10px; background: #ffffff; }
QLineEdit#report-date:focus { border-color: #ffbe2e; }
"""


class TechnicianReportScreen(Screen):
    day_chosen = Signal(object)  # a datetime.date: count that day
    write_requested = Signal()
    back = Signal()

    def __init__(self, pack: ContentPack) -> None:
        super().__init__()
        self.setObjectName("TechnicianReportScreen")
        self.setStyleSheet(SHEET)
        self._pack = pack
        self._tr: Translator | None = None
        self.day: dt.date | None = None  # the day asked for (shown once counted)
        self.report: DayReport | None = None
        self._message: tuple[str, bool] | None = None
        self._today: dt.date | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 30, 80, 30)
        layout.setSpacing(16)
        self.title = label("ScreenTitle")
        layout.addWidget(self.title)
        days = QHBoxLayout()
        days.setSpacing(16)
        self.previous_button = button(name="report-previous")
        self.date_field = QLineEdit()
        self.date_field.setObjectName("report-date")
        self.show_button = button(variant="primary", name="report-show")
        self.next_button = button(name="report-next")
        self.today_button = button(name="report-today")
        for widget in (self.previous_button, self.date_field, self.show_button):
            days.addWidget(widget)
        days.addWidget(self.next_button)
        days.addWidget(self.today_button)
        days.addStretch(1)
        layout.addLayout(days)
        self.summary = label("TechLine")
        layout.addWidget(self.summary)
        self.table = QFrame()
        self.table.setObjectName("ReportTable")
        self.grid = QGridLayout(self.table)
        self.grid.setSpacing(0)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.cells: list[list[QLabel]] = []
        content = QWidget()  # the table as tall as its rows, the rest of the area empty
        content.setObjectName("ReportContent")
        box = QVBoxLayout(content)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.table)
        box.addStretch(1)
        self.area = touch_scroll_area(content)
        self.area.setObjectName("ReportScroll")
        layout.addWidget(self.area, 1)
        self.message = label("PrintStatus")
        self.message.hide()
        layout.addWidget(self.message)
        foot = QHBoxLayout()
        self.back_button = button(name="report-back")
        self.write_button = button(variant="primary", name="report-write")
        foot.addWidget(self.back_button)
        foot.addStretch(1)
        foot.addWidget(self.write_button)
        layout.addLayout(foot)

        self.previous_button.clicked.connect(lambda: self._step(-1))
        self.next_button.clicked.connect(lambda: self._step(1))
        self.today_button.clicked.connect(lambda: self._choose(self._today))
        self.show_button.clicked.connect(self._typed)
        self.date_field.returnPressed.connect(self._typed)
        self.write_button.clicked.connect(self.write_requested)
        self.back_button.clicked.connect(self.back)

    # --- what the mode controller tells it -------------------------------------------

    def show_loading(self, day: dt.date, today: dt.date) -> None:
        """Counting ``day`` now (on the worker); the last figures go."""
        self.day, self._today, self.report = day, today, None
        self.date_field.setText(day.isoformat())
        self._message = None
        self.message.hide()
        self._render()

    def show_report(self, report: DayReport) -> None:
        self.report = report
        self._render()

    def show_message(self, text: str, *, fault: bool) -> None:
        self._message = (text, fault)
        set_status(self.message, text, fault=fault)
        self.message.show()

    def show_written(self, files: ReportFiles) -> None:
        if self._tr is not None:
            self.show_message(
                self._tr("report.written", pdf=str(files.pdf), csv=files.csv.name), fault=False
            )

    def set_busy(self, busy: bool) -> None:
        for btn in (self.write_button, self.previous_button, self.next_button, self.show_button):
            btn.setEnabled(not busy)
        self.today_button.setEnabled(not busy)

    def rows(self) -> list[list[str]]:
        """The table as the technician reads it, header first."""
        return [[cell.text() for cell in row] for row in self.cells]

    # --- the technician's choices ---------------------------------------------------

    def _step(self, days: int) -> None:
        if self.day is not None:
            self._choose(self.day + dt.timedelta(days=days))

    def _typed(self) -> None:
        try:
            day = parse_day(self.date_field.text())
        except ValueError:
            if self._tr is not None:
                example = (self._today or dt.date.today()).isoformat()
                self.show_message(self._tr("report.bad_date", example=example), fault=True)
            return
        self._choose(day)

    def _choose(self, day: dt.date | None) -> None:
        if day is not None:
            self.day_chosen.emit(day)

    # --- Screen ---------------------------------------------------------------------

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self._render()

    def clear(self) -> None:
        self._message = None
        self.message.hide()

    def _render(self) -> None:
        tr = self._tr
        if tr is None:
            return
        self.title.setText(tr("report.title"))
        self.previous_button.setText(tr("report.previous"))
        self.next_button.setText(tr("report.next"))
        self.today_button.setText(tr("report.today"))
        self.show_button.setText(tr("report.show"))
        self.date_field.setPlaceholderText(tr("report.date_hint"))
        self.write_button.setText(tr("report.write"))
        self.back_button.setText(tr("report.back"))
        report = self.report
        self.write_button.setEnabled(report is not None)
        if self._message is not None:
            set_status(self.message, self._message[0], fault=self._message[1])
        day = self.day.isoformat() if self.day else ""
        if report is None:
            self.summary.setText(tr("report.loading", date=day) if self.day else "")
            self._fill([])
        elif report.empty:
            self.summary.setText(tr("report.empty", date=day))
            self._fill([])
        else:
            o = report.overall
            self.summary.setText(
                tr(
                    "report.summary",
                    date=day,
                    issued=o.issued,
                    completed=o.completed,
                    no_shows=o.no_shows,
                    wait=_minutes(o.wait.median, tr),
                )
            )
            rows = [[tr(f"report.col.{c}") for c in COLUMNS]]
            rows += [self._row(f, self._name(f, tr.lang), tr) for f in report.services]
            rows.append(self._row(report.overall, tr("report.all_services"), tr))
            self._fill(rows)

    def _row(self, f: ServiceFigures, name: str, tr: Translator) -> list[str]:
        return [
            name,
            str(f.issued),
            str(f.completed),
            str(f.no_shows),
            f"{f.transferred_in} / {f.transferred_out}",
            _minutes(f.wait.median, tr),
            _minutes(f.wait.p90, tr),
            _minutes(f.service_time.median, tr),
        ]

    def _name(self, figures: ServiceFigures, lang: str) -> str:
        try:
            return self._pack.text(self._pack.service(figures.service_id).name, lang)
        except KeyError:  # a service since taken out of the pack
            return figures.name

    def _fill(self, rows: list[list[str]]) -> None:
        """Lay the table out again (a few dozen labels at most)."""
        for row in self.cells:
            for cell in row:
                self.grid.removeWidget(cell)
                cell.deleteLater()
        self.cells = []
        self.area.setVisible(bool(rows))
        for r, texts in enumerate(rows):
            kind = "ReportHead" if r == 0 else "ReportTotal" if r == len(rows) - 1 else "ReportCell"
            row = []
            for c, text in enumerate(texts):
                cell = label(kind, text, wrap=c == 0 or r == 0)
                cell.setTextFormat(Qt.TextFormat.PlainText)  # a pack's names are not markup
                cell.setProperty(
                    "zebra", "true" if r % 2 == 0 and kind == "ReportCell" else "false"
                )
                align = Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignRight
                cell.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                self.grid.addWidget(cell, r, c)
                restyle(cell)
                row.append(cell)
            self.cells.append(row)
        self.grid.setColumnStretch(0, 1)


def _minutes(value: float | None, tr: Translator) -> str:
    return tr("report.none") if value is None else tr("report.minutes", n=f"{value:.1f}")
