"""Translated strings for everything a citizen sees, on screen and on paper.

One catalog per language in ``kiosk/locales/<lang>.toml`` (plus the role
files in ``kiosk/locales/<lang>/``); the screens and the
ticket layout both look strings up here, so a Spanish-speaking citizen gets a
Spanish screen *and* a Spanish ticket. Keys are dotted names; plural forms are
``<key>.zero``, ``<key>.one`` and ``<key>.other``. A key missing in one
language falls back to English (and a test keeps the catalogs complete).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).resolve().parent / "locales"
FALLBACK = "en"
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(sorted(p.stem for p in LOCALES.glob("*.toml")))


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flattened catalog of ``lang`` (``{"welcome.title": "Welcome", ...}``)."""
    # TOML rather than YAML: the welcome screen needs these before its first
    # paint, and tomllib is already loaded for the station config.
    # Each role's strings may live in a file of their own: locales/<lang>/<role>.toml.
    files = [LOCALES / f"{lang}.toml", *sorted((LOCALES / lang).glob("*.toml"))]
    merged: dict[str, str] = {}
    for file in files:
        with file.open("rb") as fh:
            merged.update(_flatten(tomllib.load(fh)))
    return merged


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, name + "."))
        else:
            out.append((name, str(value)))
    return out


class Translator:
    """Looks strings up in one language, falling back to English."""

    def __init__(self, lang: str) -> None:
        if lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang

    def __call__(self, key: str, **values: Any) -> str:
        text = catalog(self.lang).get(key) or catalog(FALLBACK).get(key)
        if text is None:
            raise KeyError(f"no translation for {key!r}")
        return text.format(**values) if values else text

    def plural(self, key: str, n: int, **values: Any) -> str:
        form = "zero" if n == 0 else "one" if n == 1 else "other"
        return self(f"{key}.{form}", n=n, **values)

    def wait(self, minutes: int) -> str:
        """An estimated wait in words ("about 15 min")."""
        return self.plural("wait", minutes)


def language_name(lang: str) -> str:
    """The language's own name for itself, for the language buttons."""
    return catalog(lang)["language.native_name"]
