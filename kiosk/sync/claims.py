"""Who holds a claim on an outbox row, so a restart knows whose claims it may take back.

A claim is ``machine:pid:random``. The machine is the host name and the
machine id (kiosks cloned from one image often share a host name); on the
same machine, whether the process still runs says whether its claims are
orphaned; a claim from another machine can only be judged by its age.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path


def machine() -> str:
    """This machine, as claims name it: the host name and the machine id, since
    kiosks cloned from one image often share a host name."""
    try:
        machine_id = Path("/etc/machine-id").read_text(encoding="ascii").strip()[:12]
    except OSError:
        machine_id = ""
    name = socket.gethostname().replace(":", "-")[:60]
    return f"{name}/{machine_id}" if machine_id else name


def worker_name() -> str:
    """``machine:pid:random``: tells a later worker on this machine whether the one
    that claimed a row is still alive (see :meth:`OutboxWorker.recover`)."""
    return f"{machine()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_here(claimed_by: str | None, here: str) -> str:
    """ "alive" or "dead" for a claim made by a process on this machine, "elsewhere"
    for one made on another machine (or a name this version does not read)."""
    parts = (claimed_by or "").rsplit(":", 2)
    if len(parts) != 3 or parts[0] != here or not parts[1].isdigit():
        return "elsewhere"
    pid = int(parts[1])
    if pid == os.getpid():
        return "alive"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "dead"
    except OSError:  # exists, owned by someone else
        return "alive"
    return "alive"
