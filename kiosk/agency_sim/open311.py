"""A reference Open311 GeoReport v2 endpoint on loopback, for the demo and the tests.

The JSON flavour of the documented contract: ``GET services.json``, ``GET
services/{code}.json``, ``POST requests.json`` (form-encoded), ``GET
requests/{id}.json`` and ``GET tokens/{token}.json``. A POST needs the
``api_key`` (403 otherwise), a known ``service_code`` (404), a location and
every required attribute, with list values among the definition's keys (400);
refusals are arrays of ``{code, description}`` as the spec has them.

Like a real city system it has no idempotency mechanism: a request sent twice
is stored twice, which is what :attr:`Open311Sim.stored` lets tests count.
:attr:`Open311Sim.script` holds faults for the next requests, in order:

* an int status (``503``, ``500``...): answered without storing;
* ``("429", seconds)``: too many requests, with ``Retry-After``;
* ``"drop"``: a POST is stored, then the connection is closed with no answer;
* ``"slow"`` or ``("slow", seconds)``: stored, answered only after the delay;
* ``"html"``: a 200 with a web page instead of Open311 (a captive portal).
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kiosk.agency_sim.server import LoopbackServer

BASE = "/open311/v2/"
Fault = int | str | tuple[str, float]
LIST_TYPES = ("singlevaluelist", "multivaluelist")


def attribute(
    code: str,
    datatype: str = "string",
    *,
    required: bool = False,
    description: str = "",
    datatype_description: str = "",
    order: int = 1,
    values: list[tuple[str, str]] | None = None,
    variable: bool = True,
) -> dict[str, Any]:
    """One attribute of a service definition, as GeoReport v2 lists it."""
    return {
        "variable": variable,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": datatype_description,
        "order": order,
        "description": description or code,
        "values": [{"key": k, "name": n} for k, n in values or []],
    }


@dataclass
class Service:
    service_code: str
    service_name: str
    description: str = ""
    metadata: bool = False  # True: it has a definition with attributes
    type: str = "realtime"  # realtime, batch (answers with tokens) or blackbox
    keywords: str = ""
    group: str = ""
    attributes: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        info = asdict(self)
        del info["attributes"]
        return info


def demo_services() -> list[Service]:
    """The city of the sample pack: the codes and attributes its street problem form
    (``kiosk/sample_pack/forms/report-street-problem.yaml``) sends."""

    def choice(code: str, keys: str, required: bool = True) -> dict[str, Any]:
        values = [(key, key.replace("_", " ").capitalize()) for key in keys.split()]
        return attribute(code, "singlevaluelist", required=required, values=values)

    yes_no = "true false"
    return [
        Service(
            "pothole",
            "Pothole",
            metadata=True,
            group="Streets",
            attributes=[
                choice("pothole_size", "small medium large"),
                choice("in_bike_lane", yes_no, required=False),
            ],
        ),
        Service(
            "streetlight",
            "Streetlight out",
            metadata=True,
            group="Streets",
            attributes=[attribute("pole_number"), choice("light_state", "dark flickering")],
        ),
        Service(
            "sign",
            "Damaged street sign",
            metadata=True,
            group="Streets",
            attributes=[choice("sign_type", "stop yield speed_limit street_name other")],
        ),
        Service(
            "graffiti",
            "Graffiti",
            metadata=True,
            attributes=[choice("graffiti_property", "public private")],
        ),
        Service("other", "Other street problem"),
    ]


@dataclass
class StoredRequest:
    service_request_id: str
    service_code: str
    form: dict[str, list[str]]  # every field as received, api_key included
    token: str | None = None
    lookups: int = 0  # token lookups so far

    def value(self, name: str) -> str | None:
        values = self.form.get(name)
        return values[0] if values else None

    @property
    def attributes(self) -> dict[str, str | list[str]]:
        """``attribute[CODE]`` as its text, ``attribute[CODE][]`` as a list."""
        found: dict[str, str | list[str]] = {}
        for name, values in self.form.items():
            if name.startswith("attribute[") and name.endswith("][]"):
                found[name[len("attribute[") : -3]] = values
            elif name.startswith("attribute[") and name.endswith("]"):
                found[name[len("attribute[") : -1]] = values[0]
        return found


@dataclass
class Open311Sim:
    """Start with :meth:`start`; ``url`` is then the endpoint base (ending in ``/``)."""

    api_key: str
    services: list[Service] = field(default_factory=list)
    jurisdiction_id: str | None = None  # when set, requests must name it
    answer_with_token: bool = False  # POSTs answer with a token, not the number
    lookups_until_id: int = 1  # the N-th lookup of a token gives the request number
    slow_s: float = 5.0  # the delay of a bare "slow" fault
    script: deque[Fault] = field(default_factory=deque)
    stored: list[StoredRequest] = field(default_factory=list)
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{BASE}"

    def start(self, port: int = 0) -> Open311Sim:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                sim.handle(self, "GET")

            def do_POST(self) -> None:
                sim.handle(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._stopping.clear()
        self._server = LoopbackServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        # A short poll: stop() waits for one, and tests stop a server often.
        serve = self._server.serve_forever
        threading.Thread(target=serve, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # a "slow" answer still waiting gives up at once
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Open311Sim:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.service_code == code), None)

    # --- one request -----------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        length = int(request.headers.get("Content-Length") or 0)
        form = parse_qs(request.rfile.read(length).decode("utf-8"), keep_blank_values=True)
        path = parts.path
        if not path.startswith(BASE):
            return _reply(request, 404, _errors(404, "no such endpoint"))
        route = unquote(path[len(BASE) :])
        with self._lock:
            self.requests += 1
            fault = self.script.popleft() if self.script else None
        given = form if method == "POST" else query
        if method == "POST" and _one(given, "api_key") != self.api_key:
            return _reply(request, 403, _errors(403, "api_key is missing or not valid"))
        if self.jurisdiction_id and _one(given, "jurisdiction_id") != self.jurisdiction_id:
            return _reply(request, 404, _errors(404, "jurisdiction_id is missing or unknown"))
        if isinstance(fault, int):
            return _reply(request, fault, _errors(fault, "simulated failure"))
        if isinstance(fault, tuple) and fault[0] == "429":
            return _reply(request, 429, _errors(429, "too many requests"), int(fault[1]))
        if fault == "html":
            return _reply(request, 200, "<html><body>Please sign in</body></html>")
        if method == "POST" and route == "requests.json":
            status, body = self.create(form)
        elif method == "GET":
            status, body = self.read(route)
        else:
            status, body = 405, _errors(405, "method not allowed")
        if fault == "drop":  # stored (for a POST), but the caller never hears so
            request.close_connection = True
            request.connection.shutdown(socket.SHUT_RDWR)
            request.connection.close()
            return None
        if fault == "slow" or (isinstance(fault, tuple) and fault[0] == "slow"):
            delay = self.slow_s if fault == "slow" else float(fault[1])
            if self._stopping.wait(delay):
                return None
        return _reply(request, status, body)

    def create(self, form: dict[str, list[str]]) -> tuple[int, Any]:
        code = _one(form, "service_code")
        if not code:
            return 400, _errors(400, "service_code is required")
        service = self.service(code)
        if service is None:
            return 404, _errors(404, f"service_code {code} is not a service of this city")
        located = (_one(form, "lat") and _one(form, "long")) or _one(form, "address_string")
        if not (located or _one(form, "address_id")):
            return 400, _errors(400, "a location is required: lat and long, or an address")
        problems = [p for a in service.attributes for p in _check(a, form)]
        if problems:
            return 400, [{"code": 400, "description": p} for p in problems]
        with self._lock:
            number = str(1000 + len(self.stored) + 1)
            token = uuid.uuid4().hex if self.answer_with_token else None
            self.stored.append(StoredRequest(number, code, form, token))
        if token is not None:
            return 201, [{"token": token, "service_notice": ""}]
        return 201, [{"service_request_id": number, "service_notice": ""}]

    def read(self, route: str) -> tuple[int, Any]:
        if route == "services.json":
            return 200, [s.summary() for s in self.services]
        if route.startswith("services/") and route.endswith(".json"):
            service = self.service(route[len("services/") : -len(".json")])
            if service is None:
                return 404, _errors(404, "no such service_code")
            return 200, {"service_code": service.service_code, "attributes": service.attributes}
        if route.startswith("tokens/") and route.endswith(".json"):
            token = route[len("tokens/") : -len(".json")]
            with self._lock:
                held = next((r for r in self.stored if r.token and r.token == token), None)
                if held is None:
                    return 404, _errors(404, "no such token")
                held.lookups += 1
                ready = held.lookups >= self.lookups_until_id
            if not ready:
                return 200, [{"token": token}]
            return 200, [{"service_request_id": held.service_request_id, "token": token}]
        if route.startswith("requests/") and route.endswith(".json"):
            number = route[len("requests/") : -len(".json")]
            held = next((r for r in self.stored if r.service_request_id == number), None)
            if held is None:
                return 404, _errors(404, "no such service_request_id")
            return 200, [
                {
                    "service_request_id": number,
                    "status": "open",
                    "service_code": held.service_code,
                    "description": held.value("description"),
                    "address": held.value("address_string"),
                    "lat": held.value("lat"),
                    "long": held.value("long"),
                }
            ]
        return 404, _errors(404, "no such endpoint")


def _check(definition: dict[str, Any], form: dict[str, list[str]]) -> list[str]:
    """What is wrong with one attribute's values in a request (required, list keys)."""
    code = definition.get("code")
    if not isinstance(code, str) or not definition.get("variable", True):
        return []
    given = form.get(f"attribute[{code}]", []) + form.get(f"attribute[{code}][]", [])
    values = [v for v in given if v != ""]
    if not values:
        return [f"attribute[{code}] is required"] if definition.get("required") else []
    if definition.get("datatype") in LIST_TYPES:
        keys = {str(v.get("key")) for v in definition.get("values") or [] if isinstance(v, dict)}
        wrong = [v for v in values if v not in keys]
        if wrong:
            return [f"attribute[{code}] is not one of the service's values"]
    return []


def _one(form: dict[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _errors(code: int, description: str) -> list[dict[str, Any]]:
    return [{"code": code, "description": description}]


def _reply(
    request: BaseHTTPRequestHandler,
    status: int,
    body: Any,
    retry_after: int | None = None,
) -> None:
    if isinstance(body, str):
        data, kind = body.encode("utf-8"), "text/html; charset=utf-8"
    else:
        data, kind = json.dumps(body).encode("utf-8"), "application/json; charset=utf-8"
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    request.send_response(status, phrase)
    request.send_header("Content-Type", kind)
    request.send_header("Content-Length", str(len(data)))
    if retry_after is not None:
        request.send_header("Retry-After", str(retry_after))
    request.end_headers()
    request.wfile.write(data)
