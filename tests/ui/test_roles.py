"""`kiosk run` starts the screens of the configured role: the real program, as
a technician starts it, in a process of its own on the offscreen platform."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui.conftest import write_config

pytestmark = pytest.mark.gui
LAUNCHER = "from ui.launcher import main; raise SystemExit(main())"


def start_and_wait_for(config: Path, line: str) -> str:
    """Run ``kiosk run`` until its log says ``line``; return the log (the process is
    stopped either way)."""
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "--config", str(config), "run"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            text = proc.stderr.readline()
            if not text and proc.poll() is not None:
                break
            seen.append(text)
            if line in text:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return "".join(seen)


@pytest.mark.parametrize(
    ("role", "ready"),
    [("counter", "counter station test-kiosk ready"), ("display", "board test-kiosk ready")],
)
def test_kiosk_run_starts_the_screens_of_the_configured_role(
    tmp_path: Path, role: str, ready: str
) -> None:
    config = write_config(
        tmp_path, station={"role": role}, display={"chime": False, "speech": "off"}
    )
    log = start_and_wait_for(config, ready)
    assert ready in log, log
    assert "Traceback" not in log
