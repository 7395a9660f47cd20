"""Every kiosk test runs without the technician's real config or data folders."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_real_station_files(isolated_home: Path) -> Path:
    return isolated_home
