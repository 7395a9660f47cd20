"""Reference agency servers on loopback, so the demo and the tests sync over real sockets.

* :class:`AgencySim` (``rest_json``): OneStop's own contract, docs/agency-api.yaml.
* :mod:`kiosk.agency_sim.openrosa`: an OpenRosa form server (ODK Central, KoboToolbox).
* :mod:`kiosk.agency_sim.open311`: an Open311 GeoReport v2 endpoint.

``kiosk agency-sim`` starts them for the demo station.
"""

from kiosk.agency_sim.open311 import Open311Sim
from kiosk.agency_sim.openrosa import OpenRosaSim
from kiosk.agency_sim.rest_json import AgencySim

__all__ = ["AgencySim", "Open311Sim", "OpenRosaSim"]
