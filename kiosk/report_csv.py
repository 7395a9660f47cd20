"""A day report as one tidy CSV: one figure per row, for a spreadsheet or a script.

Columns: ``section, service, service_name, hour, metric, value``.

- ``report``: ``date`` and ``time_zone`` of the report.
- ``service`` (one block per service, ``service`` is its id) and ``overall``
  (``service`` is ``all``): the counts ``issued, transferred_in, called,
  completed, no_shows, transferred_out, cancelled, unfinished`` and the times
  in minutes ``wait_count, wait_mean_min, wait_median_min, wait_p90_min,
  wait_max_min`` and the same for ``service_*``. An empty value: no sample.
- ``hour``: ``hour`` is the local clock hour (0-23; 24 and over after
  midnight) with ``issued, called, completed, wait_mean_min``.
- ``outcome``: ``metric`` is an outcome as the counter recorded it, ``value``
  the number of visits completed with it.

What each figure means: :mod:`kiosk.reports`. Text a person typed (service
names, outcomes) that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kiosk.reports import ALL, DayReport, ServiceFigures, Times

COLUMNS = ("section", "service", "service_name", "hour", "metric", "value")
COUNTS = (
    "issued",
    "transferred_in",
    "called",
    "completed",
    "no_shows",
    "transferred_out",
    "cancelled",
    "unfinished",
)
TIMES = ("count", "mean", "median", "p90", "max")
HOUR_METRICS = ("issued", "called", "completed", "wait_mean_min")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Row = tuple[str, str, str, str, str, str]


def write_csv(report: DayReport, path: Path) -> Path:
    """Write ``report`` to ``path`` (UTF-8, with a BOM so spreadsheets read accents)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows(report))
    return path


def rows(report: DayReport) -> Iterator[Row]:
    yield ("report", "", "", "", "date", report.day.isoformat())
    yield ("report", "", "", "", "time_zone", _text(report.time_zone))
    for figures in report.services:
        yield from _service_rows("service", figures)
    yield from _service_rows("overall", report.overall)
    for hour in report.hours:
        values = (hour.issued, hour.called, hour.completed, hour.mean_wait)
        for metric, value in zip(HOUR_METRICS, values, strict=True):
            yield ("hour", ALL, "", str(hour.hour), metric, _value(value))
    for outcome, count in report.outcomes:
        yield ("outcome", ALL, "", "", _text(outcome), str(count))


def metric_names() -> tuple[str, ...]:
    """The metrics of a service block, in the order they are written."""
    times = tuple(
        f"{kind}_{part}" if part == "count" else f"{kind}_{part}_min"
        for kind in ("wait", "service")
        for part in TIMES
    )
    return COUNTS + times


def _service_rows(section: str, figures: ServiceFigures) -> Iterator[Row]:
    sid, name = figures.service_id, _text(figures.name)
    values: list[int | float | None] = [getattr(figures, count) for count in COUNTS]
    for times in (figures.wait, figures.service_time):
        values.extend(_times(times))
    for metric, value in zip(metric_names(), values, strict=True):
        yield (section, sid, name, "", metric, _value(value))


def _times(times: Times) -> list[int | float | None]:
    return [times.count, times.mean, times.median, times.p90, times.max]


def _value(value: int | float | None) -> str:
    return "" if value is None else str(value)


def _text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text
