"""The station config's ``[agencies.<id>]`` tables: their shape, and showing them safely.

What goes in them is each agency's connector settings, checked later against
the content pack (:mod:`kiosk.sync.routing`), where the connector's type is
known. Here: only that each is a table under an agency id, and the flattening
``kiosk config show`` prints, with secrets masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.problems import Problem

# Connector settings whose values are never printed back (here, not beside the
# connectors, so reading the config never imports pydantic: the first frame).
SECRET_KEYS = frozenset({"token", "bearer_token", "api_key", "password", "client_secret"})


def agency_tables(file: Path, agencies: Any) -> list[Problem]:
    if not isinstance(agencies, dict):
        return [Problem(file, "agencies", "must be tables: [agencies.<agency id>]")]
    from kiosk.config import SLUG  # agency ids are slugs, like the station's id

    problems = []
    for name, table in agencies.items():
        if not re.fullmatch(SLUG, name):
            problems.append(Problem(file, f"agencies.{name}", "not an agency id of the pack"))
        elif not isinstance(table, dict):
            where = f"agencies.{name}"
            problems.append(Problem(file, where, f"must be a table: [{where}]"))
    return problems


def flatten(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
