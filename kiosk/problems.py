"""Problems found in files a person edits (station config, content packs).

A technician fixing a kiosk at the door needs one line per mistake naming the
file, the key and what is wrong — never a traceback. Every loader reports
through :class:`Problem` and raises :class:`InvalidFile` with all of them, so
the CLI and the technician screen print the same lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2  # a file or argument a person can fix
EXIT_UNAVAILABLE = 3  # the store, display or another part of the station is not usable
UNKNOWN_KEY = "unknown key (check the spelling; see the documentation for the keys allowed here)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file."""

    file: Path
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else str(self.file)
        return _one_line(f"{where}: {self.message}")


def _one_line(text: str) -> str:
    """Escape line breaks and other control characters a file's keys or values may hold."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class InvalidFile(Exception):
    """A file a person wrote cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def key_path(loc: Iterable[Any]) -> str:
    """Render a pydantic error location as a dotted key (``services[2].prefix``)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_from_validation(file: Path, error: Any, prefix: str = "") -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into problems a person can act on."""
    problems = []
    for item in error.errors(include_url=False):
        loc = [p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        key = key_path(([prefix] if prefix else []) + loc)
        problems.append(Problem(file, key, _humanize(item)))
    return problems


def _humanize(item: dict[str, Any]) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        return UNKNOWN_KEY
    if kind == "missing":
        return "required key is missing"
    message = str(item["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    got = item.get("input")
    if kind not in ("missing",) and not isinstance(got, dict | list) and got is not None:
        return f"{message} (got {got!r})"
    return message
