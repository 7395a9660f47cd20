"""A declared settings table and its checker, for files a technician edits.

Each setting is a dataclass field made by :func:`setting`, carrying its
description and rules; :func:`parse_sections` checks a parsed TOML document
against such sections strictly (``"60"`` is not a number, ``"yes"`` is not a
boolean) and reports every problem at once, naming file and key. Kept apart
from the station's own declarations in :mod:`kiosk.config`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import field, fields
from pathlib import Path
from typing import Any

from kiosk.problems import UNKNOWN_KEY, InvalidFile, Problem

Check = Callable[[Any, dict[str, Any]], str | None]


def setting(
    default: Any,
    description: str,
    *,
    kind: str,
    choices: tuple[Any, ...] = (),
    minimum: int | None = None,
    maximum: int | None = None,
    pattern: str | None = None,
    check: Check | None = None,
    secret: bool = False,
) -> Any:
    """Declare one setting. ``kind`` is str, int, bool, path, languages, strings or choice;
    ``check(value, section_values)`` returns a problem or None."""
    rules = {
        "description": description,
        "kind": kind,
        "choices": choices,
        "minimum": minimum,
        "maximum": maximum,
        "pattern": pattern,
        "check": check,
        "secret": secret,
    }
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=rules)
    return field(default=default, metadata=rules)


def parse_sections(
    file: Path, raw: dict[str, Any], sections: dict[str, type[Any]]
) -> dict[str, Any]:
    """Check ``raw`` (a parsed TOML document) against ``sections`` (name -> frozen
    dataclass of :func:`setting` fields); every problem at once, or the values."""
    problems = [Problem(file, name, UNKNOWN_KEY) for name in raw if name not in sections]
    checked: dict[str, Any] = {}
    for name, cls in sections.items():
        values = raw.get(name, {})
        if not isinstance(values, dict):
            problems.append(Problem(file, name, f"must be a table: [{name}]"))
            continue
        checked[name], section_problems = _parse_section(file, name, cls, values)
        problems += section_problems
    if problems:
        raise InvalidFile(problems)
    return checked


def _parse_section(
    file: Path, name: str, cls: type[Any], values: dict[str, Any]
) -> tuple[Any, list[Problem]]:
    known = {spec.name for spec in fields(cls)}
    problems = [Problem(file, f"{name}.{key}", UNKNOWN_KEY) for key in values if key not in known]
    accepted: dict[str, Any] = {}
    for spec in fields(cls):
        if spec.name not in values:
            continue
        value = values[spec.name]
        message = _check_type(value, spec.metadata)
        if message is None:
            accepted[spec.name] = Path(value) if spec.metadata["kind"] == "path" else value
        else:
            problems.append(_problem(file, name, spec, value, message))
    # Rules that read other keys (default_language vs languages) see the
    # section as it will be used: given values where valid, defaults elsewhere.
    section = cls(**accepted)
    current = {spec.name: getattr(section, spec.name) for spec in fields(cls)}
    for spec in fields(cls):
        check = spec.metadata["check"]
        failed = spec.name in values and spec.name not in accepted
        if check is None or failed or current[spec.name] is None:
            continue
        message = check(current[spec.name], current)
        if message:
            problems.append(_problem(file, name, spec, current[spec.name], message))
    return section, problems


def _problem(file: Path, section: str, spec: Any, value: Any, message: str) -> Problem:
    shown = mask_secret(value) if spec.metadata["secret"] else value
    if isinstance(shown, Path):
        shown = str(shown)
    if not isinstance(shown, dict | list):
        message += f" (got {shown!r})"
    return Problem(file, f"{section}.{spec.name}", message)


def _check_type(value: Any, rules: Any) -> str | None:
    """The rules that need only the value itself: type, range, pattern, choices."""
    kind = rules["kind"]
    if kind == "bool" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a valid integer (a whole number such as 60)"
        if rules["minimum"] is not None and value < rules["minimum"]:
            return f"must be at least {rules['minimum']}"
        if rules["maximum"] is not None and value > rules["maximum"]:
            return f"must be at most {rules['maximum']}"
    if kind in ("str", "path") and not (isinstance(value, str) and value.strip()):
        return "must be a non-empty text in quotes"
    if kind == "str" and rules["pattern"] and not re.fullmatch(rules["pattern"], value):
        return (
            f"must match the pattern {rules['pattern']}: "
            "lowercase letters, digits and dashes, starting with a letter or digit"
        )
    if kind == "choice" and (isinstance(value, bool) or value not in rules["choices"]):
        options = [repr(c) if isinstance(c, str) else str(c) for c in rules["choices"]]
        listed = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
        return f"must be {listed}"
    if kind == "strings" and (
        not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        return 'must be a list of texts in quotes, like ["a", "b"]'
    if kind == "languages":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return 'must be a list of language codes, like ["en", "es"]'
        if not value:
            return "must offer at least one language"
    return None


def mask_secret(value: Any) -> Any:
    """Hide a secret before it is printed back to a person: a URL keeps all but
    its password (and an ODK Central app-user key, ``/key/<key>/``, which is a
    password in the path); any other secret (a PIN hash, a PIN typed by mistake)
    is hidden."""
    if value is None:
        return None
    if isinstance(value, str) and "://" in value:
        value = re.sub(r"(/key/)[^/?#]+", r"\1***", value)
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", value)
    return "***"
