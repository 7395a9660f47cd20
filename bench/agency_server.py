"""The reference agency (rest_json) in a process of its own, for the drain benchmark.

Prints its submissions URL on the first line, then serves until terminated.
"""

from __future__ import annotations

import signal
import sys
import threading

from kiosk.agency_sim import AgencySim


def main() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with AgencySim(token=sys.argv[1]) as sim:
        print(sim.url, flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
