"""The ``kiosk`` console script: the core CLI with the screens plugged in."""

from __future__ import annotations

from kiosk.cli import main as cli_main


def main() -> int:
    from ui.app import run_station

    return cli_main(gui=run_station)
