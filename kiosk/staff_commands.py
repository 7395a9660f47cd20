"""``kiosk staff add|disable|enable|reset-pin|list``: the technician manages counter staff.

A PIN is read twice, hidden, at a terminal; from a pipe, one line (scripts).
It is never printed, never an argument (it would sit in the shell history).
"""

from __future__ import annotations

import datetime as dt
import sys

from kiosk.config import StationConfig
from kiosk.problems import EXIT_BAD_INPUT
from kiosk.staff import StaffDirectory, StaffError, check_pin


def _read_pin() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    import getpass

    pin = getpass.getpass("new PIN (4-12 digits): ").strip()
    check_pin(pin)
    if getpass.getpass("the same PIN again: ").strip() != pin:
        raise StaffError("the two PINs differ; nothing was changed")
    return pin


def run(config: StationConfig, action: str, staff_id: str | None, name: str | None) -> int:
    from kiosk.commands import store_sessions

    with store_sessions(config) as sessions:
        directory = StaffDirectory(
            sessions, config.settings.station.id, lambda: dt.datetime.now(dt.UTC)
        )
        try:
            if action == "list":
                return _list(directory)
            assert staff_id is not None
            if action == "add":
                member = directory.add(staff_id, name or "", _read_pin())
                print(f"added {member.id} ({member.name}); they can sign in at any counter")
            elif action == "reset-pin":
                directory.reset_pin(staff_id, _read_pin())
                print(f"new PIN set for {staff_id}; any lockout is lifted")
            else:
                directory.set_active(staff_id, action == "enable")
                print(f"{staff_id} {'enabled' if action == 'enable' else 'disabled'}")
        except StaffError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    return 0


def _list(directory: StaffDirectory) -> int:
    now = dt.datetime.now(dt.UTC)
    members = directory.members()
    if not members:
        print("no staff yet: kiosk staff add <id> --name '<name>'")
    for m in members:
        state = "active" if m.active else "disabled"
        if m.locked_until is not None and m.locked_until > now:
            state += f", locked until {m.locked_until:%H:%M} UTC"
        print(f"{m.id:<24} {m.name:<32} {state}")
    return 0
