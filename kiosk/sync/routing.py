"""Which connector delivers each service's forms, from the pack and the station config.

A service's connector settings are three layers, each laid over the one
before: its agency's ``connector`` in the pack, the service's own
``connector`` in the pack (an Open311 ``service_code``), and the station
config's ``[agencies.<id>]`` (this center's server address and the secrets).
Tables merge key by key, so a station can set ``auth.token`` without
repeating ``auth.kind``; a station that names another ``type`` (its center's
agency runs another kind of server) replaces the pack's settings instead.

Everything is checked at once and reported like the rest of the pack: one
line per problem naming the file and key. A service with forms but no
connector keeps its submissions waiting, safely stored, and says so.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from kiosk.content import ContentPack
from kiosk.problems import Problem, problems_from_validation
from kiosk.settings_table import mask_secret
from kiosk.sync.connector_spec import SECRET_KEYS, ConnectorSpec
from kiosk.sync.protocol import Connector

#: connector type -> the module whose ``Spec`` declares its settings.
CONNECTOR_MODULES = {
    "rest_json": "kiosk.sync.rest_json",
    "openrosa": "kiosk.sync.openrosa",
    "open311": "kiosk.sync.open311",
}


@dataclass
class Routing:
    """Each service's checked connector settings, and what was wrong."""

    specs: dict[str, ConnectorSpec] = field(default_factory=dict)  # service id -> settings
    problems: list[Problem] = field(default_factory=list)
    unrouted: list[str] = field(default_factory=list)  # services with a form, no connector
    broken: set[str] = field(default_factory=set)  # services whose settings have problems
    _built: dict[str, Connector] = field(default_factory=dict)

    def connector_for(self, service_id: str) -> Connector | None:
        """The service's connector, built once and shared by the worker's threads;
        None when it has none or its settings have problems (its forms wait)."""
        if service_id in self.broken:
            return None
        if service_id not in self._built:
            spec = self.specs.get(service_id)
            if spec is None:
                return None
            self._built[service_id] = spec.build()
        return self._built[service_id]

    def endpoints(self) -> dict[tuple[str, int], set[str]]:
        """Each agency server as (host, port), with the services it receives: for
        checking, after an outage, which one answers again."""
        found: dict[tuple[str, int], set[str]] = {}
        for service_id, spec in self.specs.items():
            url = getattr(spec, "url", None)
            if isinstance(url, str):
                parts = urlsplit(url)
                if parts.hostname:
                    default = 443 if parts.scheme == "https" else 80
                    key = (parts.hostname, parts.port or default)
                    found.setdefault(key, set()).add(service_id)
        return found


def route(
    pack: ContentPack, station_layers: dict[str, dict[str, Any]], config_file: Path
) -> Routing:
    routing = Routing()
    pack_file = pack.folder / "pack.yaml"
    agency_ids = {a.id for a in pack.pack.agencies}
    for agency_id in station_layers:
        if agency_id not in agency_ids:
            routing.problems.append(
                Problem(
                    config_file,
                    f"agencies.{agency_id}",
                    f"the pack has no agency {agency_id!r}; its agencies are "
                    + ", ".join(sorted(agency_ids)),
                )
            )
    for index, agency in enumerate(pack.pack.agencies):
        routing.problems += _secrets_in_pack(
            pack_file, f"agencies[{index}].connector", agency.connector
        )
    for index, service in enumerate(pack.services):
        key = f"services[{index}].connector"
        routing.problems += _secrets_in_pack(pack_file, key, service.connector)
        agency = pack.agency(service.agency)
        merged = _merge(agency.connector or {}, service.connector or {})
        station = station_layers.get(service.agency, {})
        if "type" in station and station["type"] != merged.get("type"):
            merged = {}  # another kind of server: the pack's settings do not apply to it
        merged = _merge(merged, station)
        if not merged:
            if service.form is not None:
                routing.unrouted.append(service.id)
            continue
        where = (
            f"{config_file}, [agencies.{service.agency}] over {pack_file}"
            if service.agency in station_layers
            else str(pack_file)
        )
        # Settings an agency's services share are reported once, under the agency.
        whose = f"service {service.id}" if service.connector else f"agency {service.agency}"
        spec, problems = parse_spec(merged, Path(where), f"connector of {whose}")
        routing.problems += [p for p in problems if p not in routing.problems]
        if problems:
            routing.broken.add(service.id)
        if spec is not None:
            routing.specs[service.id] = spec
    return routing


def payload_problems(routing: Routing, pack: ContentPack, forms: dict[str, Any]) -> list[Problem]:
    """What a service's form sends that its connector cannot carry, found before a
    citizen submits it: an OpenRosa agency needs XML element names as keys."""
    from kiosk.sync.openrosa import name_problem

    problems = []
    for service in pack.services:
        spec = routing.specs.get(service.id)
        form = forms.get(service.form) if service.form else None
        if spec is None or form is None or spec.type != "openrosa":
            continue
        for key in form.output:  # without an output, keys are question ids: valid names
            problem = name_problem(key)
            if problem:
                routing.broken.add(service.id)
                problems.append(
                    Problem(
                        pack.folder / "forms" / f"{form.id}.yaml",
                        f"output.{key}",
                        f"{problem}: the OpenRosa agency of service {service.id} "
                        "could not store it",
                    )
                )
    return problems


def parse_spec(
    raw: dict[str, Any], file: Path, key: str
) -> tuple[ConnectorSpec | None, list[Problem]]:
    kind = raw.get("type")
    if kind not in CONNECTOR_MODULES:
        known = ", ".join(CONNECTOR_MODULES)
        return None, [Problem(file, f"{key}.type", f"must be one of {known} (got {kind!r})")]
    module = importlib.import_module(CONNECTOR_MODULES[kind])
    try:
        return module.Spec.model_validate(raw), []
    except ValidationError as exc:
        return None, [_masked(p) for p in problems_from_validation(file, exc, key)]


def _masked(problem: Problem) -> Problem:
    """A problem about a secret never shows the value that was given."""
    last = problem.key.rsplit(".", 1)[-1]
    if last in SECRET_KEYS and " (got " in problem.message:
        return Problem(problem.file, problem.key, problem.message.split(" (got ")[0])
    if last == "url" and " (got " in problem.message:
        message, _, got = problem.message.partition(" (got ")
        return Problem(problem.file, problem.key, f"{message} (got {mask_secret(got[:-1])})")
    return problem


def _secrets_in_pack(file: Path, key: str, table: dict[str, Any] | None) -> list[Problem]:
    found = []
    for name, value in (table or {}).items():
        if name in SECRET_KEYS:
            found.append(
                Problem(
                    file,
                    f"{key}.{name}",
                    "secrets do not belong in a content pack (it is shared and copied); "
                    "set it in the station config under [agencies.<agency id>]",
                )
            )
        elif isinstance(value, dict):
            found += _secrets_in_pack(file, f"{key}.{name}", value)
    return found


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
