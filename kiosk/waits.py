"""Estimated waits: people ahead x typical service time / counters open.

Before a service has history (a new day, a new service) the content pack's
``average_service_minutes`` stands in; once a few visitors have been served
the median of the most recent service times takes over, so one unusually
long case does not frighten everyone who arrives after it.
"""

from __future__ import annotations

import math
from statistics import median

MIN_SAMPLES = 3  # below this, the pack's figure is a better guess than our data


def typical_service_minutes(recent_minutes: list[float], default_minutes: float) -> float:
    if len(recent_minutes) < MIN_SAMPLES:
        return default_minutes
    return median(recent_minutes)


def estimate_wait_minutes(
    people_ahead: int, recent_minutes: list[float], default_minutes: float, open_counters: int
) -> int:
    """Whole minutes a newly arrived visitor should expect to wait (0 = next)."""
    if people_ahead <= 0:
        return 0
    per_person = typical_service_minutes(recent_minutes, default_minutes)
    return math.ceil(people_ahead * per_person / max(1, open_counters))
