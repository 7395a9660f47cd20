"""A private CUPS scheduler for tests: the real cupsd, its own folders and socket.

Queues print through a tiny "capture" backend that writes each job to a
file, the way a printer would put it on paper. CI sets KIOSK_TEST_CUPS=1 and
installs cupsd, so there a missing scheduler is a failure; elsewhere the
tests that need it skip and say why.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CAPTURE_BACKEND = """#!/bin/sh
# CUPS backend for tests: each job goes to the file its device URI names.
if [ $# -eq 0 ]; then echo 'direct capture "Unknown" "OneStop test capture"'; exit 0; fi
out="${DEVICE_URI#capture:}"
if [ -n "$6" ]; then cat "$6" > "$out.tmp"; else cat > "$out.tmp"; fi
mv "$out.tmp" "$out"
"""

CUPSD_CONF = """Listen {socket}
LogLevel warn
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""

CUPS_FILES_CONF = """ServerRoot {root}/etc
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
FileDevice Yes
User lp
Group lp
SystemGroup root
ServerBin {root}/serverbin
DataDir /usr/share/cups
"""


class CupsServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = str(root / "cups.sock")
        self.out = root / "out"

    def env(self) -> dict[str, str]:
        return os.environ | {"CUPS_SERVER": self.socket}

    def add_queue(self, name: str) -> Path:
        """A queue whose jobs land in ``out/<name>.pdf``; return that path."""
        target = self.out / f"{name}.pdf"
        for _ in range(20):  # a scheduler that just started may drop the first connections
            done = subprocess.run(
                ["lpadmin", "-p", name, "-E", "-v", f"capture:{target}", "-m", "raw"],
                env=self.env(),
                check=False,
                capture_output=True,
                text=True,
            )
            if "Unable to connect" not in done.stderr:
                break
            time.sleep(0.25)
        if done.returncode:
            pytest.fail(f"lpadmin could not add the queue {name}: {done.stderr.strip()}")
        return target

    def disable(self, name: str) -> None:
        subprocess.run(["cupsdisable", name], env=self.env(), check=True, capture_output=True)

    def enable(self, name: str) -> None:
        subprocess.run(["cupsenable", name], env=self.env(), check=True, capture_output=True)


def cups_available() -> str | None:
    """Why the scheduler cannot run here, or None if it can."""
    missing = [tool for tool in ("cupsd", "lpadmin", "lp", "lpstat") if not shutil.which(tool)]
    if missing:
        return f"CUPS is not installed ({', '.join(missing)}): apt install cups-daemon cups-client"
    if os.geteuid() != 0:
        return "a private cupsd needs root here"
    return None


@contextmanager
def cups_server() -> Iterator[CupsServer]:
    problem = cups_available()
    if problem:
        if os.environ.get("KIOSK_TEST_CUPS"):
            pytest.fail(f"KIOSK_TEST_CUPS is set but {problem}", pytrace=False)
        pytest.skip(problem)
    # Not under pytest's tmp_path: cupsd runs backends as the lp user, who must
    # be able to reach the output folder.
    root = Path(tempfile.mkdtemp(prefix="onestop-cups-"))
    root.chmod(0o755)
    for name in ("etc", "spool", "cache", "state", "tmp", "log", "serverbin/backend"):
        (root / name).mkdir(parents=True)
    (root / "out").mkdir()
    (root / "out").chmod(0o777)
    for name in ("filter", "cgi-bin", "daemon", "monitor", "notifier"):
        (root / "serverbin" / name).symlink_to(Path("/usr/lib/cups") / name)
    backend = root / "serverbin" / "backend" / "capture"
    backend.write_text(CAPTURE_BACKEND)
    backend.chmod(0o755)
    server = CupsServer(root)
    (root / "etc" / "cupsd.conf").write_text(CUPSD_CONF.format(socket=server.socket))
    (root / "etc" / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=root))
    process = subprocess.Popen(
        [
            "cupsd",
            "-f",
            "-c",
            str(root / "etc/cupsd.conf"),
            "-s",
            str(root / "etc/cups-files.conf"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while subprocess.run(
            ["lpstat", "-r"], env=server.env(), capture_output=True, check=False
        ).returncode:
            if time.monotonic() > deadline or process.poll() is not None:
                log = (root / "log" / "error_log").read_text(errors="replace")[-2000:]
                pytest.fail(f"the test CUPS scheduler did not start:\n{log}", pytrace=False)
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)
