"""The station configuration: one declared, validated settings table.

Every setting is declared once below with its type, default and a description;
``kiosk config show``, ``kiosk config check`` and the technician guide are
views of this table. A station reads one TOML file chosen by ``--config``, the
``KIOSK_CONFIG`` environment variable, or the platform default location.
"""

from __future__ import annotations

import os
import tomllib
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from kiosk.i18n import SUPPORTED_LANGUAGES
from kiosk.problems import InvalidFile, Problem, problems_from_validation

APP_NAME = "onestop-kiosk"
ENV_VAR = "KIOSK_CONFIG"
SAMPLE_PACK = Path(__file__).resolve().parent / "sample_pack"
MIN_WARNING_SECONDS = 20  # WCAG 2.2.1: at least 20 s to extend a time limit


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "station.toml"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StationSettings(_Section):
    id: Annotated[
        str,
        Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="Station id, unique in the center"),
    ] = "kiosk-01"
    name: Annotated[str, Field(min_length=1, description="Human name of this station")] = (
        "Kiosk at the entrance"
    )
    role: Annotated[
        Literal["kiosk", "counter", "display"],
        Field(description="What this station does: kiosk, counter or display"),
    ] = "kiosk"
    center_name: Annotated[
        str, Field(min_length=1, description="Service center name printed on tickets")
    ] = "OneStop Service Center"
    languages: Annotated[
        list[str], Field(min_length=1, description="Languages offered, in button order")
    ] = ["en", "es"]
    default_language: Annotated[
        str, Field(validate_default=True, description="Language after a reset")
    ] = "en"
    timezone: Annotated[
        str | None,
        Field(description="IANA time zone for the daily number reset (default: the machine's)"),
    ] = None
    data_dir: Annotated[
        Path | None, Field(description="Folder for the store and spool (default: per-user data)")
    ] = None

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        unknown = [lang for lang in value if lang not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ValueError(
                f"unsupported language {', '.join(unknown)}; "
                f"this release has {', '.join(SUPPORTED_LANGUAGES)}"
            )
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    "unknown time zone; use an IANA name such as America/Chicago"
                ) from None
        return value

    @field_validator("default_language")
    @classmethod
    def _default_is_offered(cls, value: str, info: ValidationInfo) -> str:
        # Declared after ``languages``, so a valid ``languages`` is already in info.data;
        # an invalid one is reported on its own key and this check is skipped.
        languages = info.data.get("languages")
        if languages is not None and value not in languages:
            raise ValueError(f"must be one of languages {languages}")
        return value


class KioskSettings(_Section):
    ask_priority: Annotated[
        bool, Field(description="Ask 'Do you need extra help or priority service?'")
    ] = True
    idle_timeout_seconds: Annotated[
        int, Field(ge=10, le=3600, description="Inactivity before 'Are you still there?'")
    ] = 60
    idle_warning_seconds: Annotated[
        int,
        Field(
            le=600,
            description="Countdown shown before the session is wiped (WCAG 2.2.1: >= 20)",
        ),
    ] = 30
    confirmation_seconds: Annotated[
        int, Field(ge=5, le=300, description="Time the ticket stays on screen before reset")
    ] = 20

    @field_validator("idle_warning_seconds")
    @classmethod
    def _time_to_extend(cls, value: int) -> int:
        if value < MIN_WARNING_SECONDS:
            raise ValueError(
                f"must be at least {MIN_WARNING_SECONDS} seconds: WCAG 2.2.1 gives a person "
                "at least 20 s to ask for more time before the screen is cleared"
            )
        return value


class StoreSettings(_Section):
    url: Annotated[
        str | None,
        Field(description="SQLAlchemy URL (default: SQLite file kiosk.db in the data dir)"),
    ] = None

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.startswith(("sqlite:///", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        from sqlalchemy.engine import make_url  # deferred: keeps `kiosk --help` instant
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError(
                "not a valid database URL; write it like "
                "postgresql+psycopg://user@host:5432/onestop"
            ) from None
        return value


class ContentSettings(_Section):
    pack: Annotated[
        Path | None, Field(description="Content pack folder (default: the bundled sample pack)")
    ] = None


class PdfPrinterSettings(_Section):
    backend: Literal["pdf"] = "pdf"
    spool_dir: Annotated[
        Path | None,
        Field(description="Folder the PDF tickets are written to (default: data/spool)"),
    ] = None
    paper_width_mm: Annotated[
        Literal[58, 80], Field(description="Paper width in millimetres: 58 or 80")
    ] = 80


class Settings(_Section):
    station: StationSettings = StationSettings()
    kiosk: KioskSettings = KioskSettings()
    store: StoreSettings = StoreSettings()
    content: ContentSettings = ContentSettings()
    # One backend so far. A pydantic discriminator on a lone model rejects every
    # [printer] table that leaves ``backend`` out; add it with the second backend
    # (as a union with a callable discriminator that defaults to "pdf").
    printer: PdfPrinterSettings = PdfPrinterSettings()


class StationConfig:
    """Validated settings plus the file they came from, with paths resolved."""

    def __init__(self, settings: Settings, source: Path | None) -> None:
        self.settings = settings
        self.source = source
        base = source.parent if source else Path.cwd()
        self._base = base

    def _resolve(self, path: Path | None, default: Path) -> Path:
        if path is None:
            return default
        path = path.expanduser()
        return path if path.is_absolute() else (self._base / path).resolve()

    @property
    def data_dir(self) -> Path:
        return self._resolve(self.settings.station.data_dir, default_data_dir())

    @property
    def store_url(self) -> str:
        return self.settings.store.url or f"sqlite:///{self.data_dir / 'kiosk.db'}"

    @property
    def pack_dir(self) -> Path:
        return self._resolve(self.settings.content.pack, SAMPLE_PACK)

    @property
    def spool_dir(self) -> Path:
        return self._resolve(self.settings.printer.spool_dir, self.data_dir / "spool")

    def rows(self) -> Iterator[tuple[str, Any, str]]:
        """(dotted key, effective value, description) for every declared setting."""
        for section_name in Settings.model_fields:
            section = getattr(self.settings, section_name)
            for name, info in type(section).model_fields.items():
                value = getattr(section, name)
                yield f"{section_name}.{name}", value, info.description or ""
        yield "(effective) data_dir", str(self.data_dir), "where the store and spool live"
        yield "(effective) store_url", self.store_url, "the store this station uses"
        yield "(effective) content_pack", str(self.pack_dir), "the content pack in use"
        yield "(effective) spool_dir", str(self.spool_dir), "where tickets are printed to"


def config_path_from(arg: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The config file to read and whether a person named it explicitly."""
    if arg:
        return Path(arg), True
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env), True
    return default_config_path(), False


def load_config(arg: str | os.PathLike[str] | None = None) -> StationConfig:
    """Read and validate the station config; raise :class:`InvalidFile` with every problem.

    A missing file is an error only when a person named it; otherwise the
    station runs on the declared defaults.
    """
    path, explicit = config_path_from(arg)
    if not path.exists():
        if explicit:
            raise InvalidFile([Problem(path, "", "config file not found")])
        return StationConfig(Settings(), None)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidFile([Problem(path, "", f"not valid TOML: {exc}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile([Problem(path, "", f"cannot read the file: {exc}")]) from None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise InvalidFile(problems_from_validation(path, exc)) from None
    return StationConfig(settings, path.resolve())
