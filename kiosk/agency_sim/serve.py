"""``kiosk agency-sim``: the three reference agencies of the demo, on loopback, until stopped.

* ``port``: rest_json (the DMV in the sample pack), bearer ``token``;
* ``port + 1``: OpenRosa (the County Clerk-Recorder);
* ``port + 2``: Open311 GeoReport v2 (City 311), ``api_key`` = ``token``.

What they hold is printed when they stop, so a demo can be checked by eye.
"""

from __future__ import annotations

import signal
import sys
import threading

from kiosk.agency_sim.open311 import Open311Sim, demo_services
from kiosk.agency_sim.openrosa import OpenRosaSim
from kiosk.agency_sim.rest_json import AgencySim


def serve(port: int, token: str) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        rest = AgencySim(token=token).start(port)
        rosa = OpenRosaSim().start(port + 1)
        city = Open311Sim(api_key=token, services=demo_services()).start(port + 2)
    except OSError as exc:
        print(
            f"error: cannot listen on 127.0.0.1:{port}-{port + 2}: {exc.strerror or exc}; "
            "is another agency-sim running? (--port to choose others)",
            file=sys.stderr,
        )
        return 3
    print(f"rest_json  {rest.url}  (Authorization: Bearer {token})", flush=True)
    print(f"openrosa   {rosa.url}", flush=True)
    print(f"open311    {city.url}  (api_key={token})", flush=True)
    print("reference agencies running; stop with Ctrl+C", flush=True)
    stop.wait()
    for sim in (rest, rosa, city):
        sim.stop()
    print(
        f"held: rest_json {len(rest.stored)}, openrosa {len(rosa.stored)}, "
        f"open311 {len(city.stored)}",
        flush=True,
    )
    return 0
