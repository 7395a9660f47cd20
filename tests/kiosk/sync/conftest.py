"""Fixtures shared by the sync tests: a station on each store, the reference agency."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.agency_sim import AgencySim
from kiosk.station import Station
from tests.kiosk.test_form_submit import open_station


@pytest.fixture
def agency() -> Iterator[AgencySim]:
    with AgencySim(token="s3cret") as sim:
        yield sim


@pytest.fixture
def station(tmp_path: Path, store_url: str) -> Iterator[Station]:
    station = open_station(tmp_path, store_url)
    yield station
    station.close()
