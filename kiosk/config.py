"""The station configuration: one declared, validated settings table.

Every setting is declared once below — type, default, description and rules —
as a field of a frozen dataclass; ``kiosk config show``, ``kiosk config
check`` and the technician guide are views of this table. A station reads one
TOML file chosen by ``--config``, the ``KIOSK_CONFIG`` environment variable,
or the platform default location.

The checker is ours rather than a validation library's on purpose: the
config is read before the welcome screen can be painted, and importing a
validation framework there cost more than the whole rest of the first frame
(see ``make bench``). It checks strictly (``"60"`` is not a number, ``"yes"``
is not a boolean) and reports every problem at once.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kiosk.config_agencies import SECRET_KEYS, agency_tables, flatten
from kiosk.config_sections import CounterSettings, DisplaySettings, SyncSettings
from kiosk.i18n import SUPPORTED_LANGUAGES
from kiosk.problems import InvalidFile, Problem
from kiosk.settings_table import mask_secret, parse_sections, setting

APP_NAME = "onestop-kiosk"
ENV_VAR = "KIOSK_CONFIG"
SAMPLE_PACK = Path(__file__).resolve().parent / "sample_pack"
MIN_WARNING_SECONDS = 20  # WCAG 2.2.1: at least 20 s to extend a time limit
SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"


# platformdirs and zoneinfo are imported where used: this module is on the
# path to the welcome screen's first frame, and most configs never need them.


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "station.toml"


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def _known_languages(value: list[str], _section: dict[str, Any]) -> str | None:
    unknown = [lang for lang in value if lang not in SUPPORTED_LANGUAGES]
    if unknown:
        return (
            f"unsupported language {', '.join(unknown)}; "
            f"this release has {', '.join(SUPPORTED_LANGUAGES)}"
        )
    if len(set(value)) != len(value):
        return "a language is listed twice"
    return None


def _default_is_offered(value: str, section: dict[str, Any]) -> str | None:
    languages = section["languages"]
    if value not in languages:
        return f"must be one of languages {languages}"
    return None


def _known_zone(value: str, _section: dict[str, Any]) -> str | None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "unknown time zone; use an IANA name such as America/Chicago"
    return None


def _warning_long_enough(value: int, _section: dict[str, Any]) -> str | None:
    if value < MIN_WARNING_SECONDS:
        return (
            f"must be at least {MIN_WARNING_SECONDS} seconds: WCAG 2.2.1 gives a person "
            "at least 20 s to ask for more time before the screen is cleared"
        )
    return None


def _store_url(value: str, _section: dict[str, Any]) -> str | None:
    if not value.startswith(("sqlite:///", "postgresql")):
        return "must start with sqlite:/// or postgresql+psycopg://"
    from sqlalchemy.engine import make_url  # deferred: only when a URL is configured
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except (ArgumentError, ValueError):
        return "not a valid database URL; write it like postgresql+psycopg://user@host:5432/onestop"
    return None


PRINTER_BACKENDS = ("pdf", "escpos-network", "escpos-serial", "escpos-usb", "cups")


def _backend_options(value: str, section: dict[str, Any]) -> str | None:
    if value == "escpos-network" and not section["host"]:
        return 'escpos-network needs printer.host, the printer\'s address (host = "10.0.0.51")'
    if value == "cups" and not section["queue"]:
        return 'cups needs printer.queue, the CUPS queue name (queue = "front-desk")'
    if value == "escpos-usb" and not (section["vendor_id"] and section["product_id"]):
        return "escpos-usb needs printer.vendor_id and printer.product_id (vendor_id = 0x04b8)"
    if value == "escpos-serial" and not section["device"]:
        return 'escpos-serial needs printer.device, the serial port (device = "/dev/ttyUSB0")'
    return None


@dataclass(frozen=True)
class StationSettings:
    id: str = setting("kiosk-01", "Station id, unique in the center", kind="str", pattern=SLUG)
    name: str = setting("Kiosk at the entrance", "Human name of this station", kind="str")
    role: str = setting(
        "kiosk",
        "What this station does: kiosk, counter or display",
        kind="choice",
        choices=("kiosk", "counter", "display"),
    )
    center_name: str = setting(
        "OneStop Service Center", "Service center name printed on tickets", kind="str"
    )
    languages: list[str] = setting(
        ["en", "es"],
        "Languages offered, in button order",
        kind="languages",
        check=_known_languages,
    )
    default_language: str = setting(
        "en", "Language after a reset", kind="str", check=_default_is_offered
    )
    timezone: str | None = setting(
        None,
        "IANA time zone for the daily number reset (default: the machine's)",
        kind="str",
        check=_known_zone,
    )
    data_dir: Path | None = setting(
        None, "Folder for the store and spool (default: per-user data)", kind="path"
    )


@dataclass(frozen=True)
class KioskSettings:
    ask_priority: bool = setting(
        True, "Ask 'Do you need extra help or priority service?'", kind="bool"
    )
    idle_timeout_seconds: int = setting(
        60, "Inactivity before 'Are you still there?'", kind="int", minimum=10, maximum=3600
    )
    idle_warning_seconds: int = setting(
        30,
        "Countdown shown before the session is wiped (WCAG 2.2.1: >= 20)",
        kind="int",
        maximum=600,
        check=_warning_long_enough,
    )
    confirmation_seconds: int = setting(
        20, "Time the ticket stays on screen before reset", kind="int", minimum=5, maximum=300
    )


@dataclass(frozen=True)
class StoreSettings:
    url: str | None = setting(
        None,
        "SQLAlchemy URL (default: SQLite file kiosk.db in the data dir)",
        kind="str",
        check=_store_url,
        secret=True,
    )
    key_file: Path | None = setting(
        None,
        "File with the key that encrypts citizens' answers in the store; made on first "
        "start, readable by its owner only (default: personal-data.key in the data dir)",
        kind="path",
    )


@dataclass(frozen=True)
class ContentSettings:
    pack: Path | None = setting(
        None, "Content pack folder (default: the bundled sample pack)", kind="path"
    )


@dataclass(frozen=True)
class PrinterSettings:
    backend: str = setting(
        "pdf",
        "Printer backend: pdf, escpos-network (TCP 9100), escpos-serial, escpos-usb or cups",
        kind="choice",
        choices=PRINTER_BACKENDS,
        check=_backend_options,
    )
    paper_width_mm: int = setting(
        80, "Paper width in millimetres: 58 or 80", kind="choice", choices=(58, 80)
    )
    spool_dir: Path | None = setting(
        None, "pdf: folder the PDF tickets are written to (default: data/spool)", kind="path"
    )
    host: str | None = setting(None, "escpos-network: the printer's address", kind="str")
    port: int = setting(
        9100, "escpos-network: the printer's TCP port", kind="int", minimum=1, maximum=65535
    )
    queue: str | None = setting(None, "cups: the CUPS queue name (see lpstat -p)", kind="str")
    vendor_id: int | None = setting(
        None,
        "escpos-usb: USB vendor id, as lsusb shows it (0x04b8)",
        kind="int",
        minimum=1,
        maximum=0xFFFF,
    )
    product_id: int | None = setting(
        None, "escpos-usb: USB product id (0x0e15)", kind="int", minimum=1, maximum=0xFFFF
    )
    device: str | None = setting(
        None, "escpos-serial: the serial port (e.g. /dev/ttyUSB0)", kind="str"
    )
    baudrate: int = setting(
        38400,
        "escpos-serial: line speed, as set on the printer",
        kind="choice",
        choices=(9600, 19200, 38400, 57600, 115200),
    )
    model: str | None = setting(
        None,
        "Printer model in python-escpos's database (e.g. TM-T88V); default: generic",
        kind="str",
    )
    timeout_ms: int = setting(
        3000,
        "How long to wait for the printer before telling the citizen (milliseconds)",
        kind="int",
        minimum=100,
        maximum=30000,
    )


def _argon2_hash(value: str, _section: dict[str, Any]) -> str | None:
    if not value.startswith("$argon2"):
        return "must be the hash printed by `kiosk technician hash-pin`, never the PIN itself"
    return None


@dataclass(frozen=True)
class TechnicianSettings:
    pin_hash: str | None = setting(
        None,
        "Argon2 hash of the technician PIN (kiosk technician hash-pin); unset: no technician mode",
        kind="str",
        check=_argon2_hash,
        secret=True,
    )


@dataclass(frozen=True)
class Settings:
    station: StationSettings = field(default_factory=StationSettings)
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    content: ContentSettings = field(default_factory=ContentSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    technician: TechnicianSettings = field(default_factory=TechnicianSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    counter: CounterSettings = field(default_factory=CounterSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    # [agencies.<id>]: the connector settings of one agency of the content pack,
    # laid over the pack's own (the URL of this center's server, the secrets).
    # Checked against the pack, where the connector's type is known: kiosk.sync.routing.
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)


SECTIONS: dict[str, type[Any]] = {
    f.name: f.default_factory  # type: ignore[misc]
    for f in fields(Settings)
    if f.name != "agencies"
}


def parse_settings(file: Path, raw: dict[str, Any]) -> Settings:
    """Check ``raw`` (a parsed TOML document) against the table; every problem at once."""
    raw = dict(raw)
    agencies = raw.pop("agencies", {})
    problems = agency_tables(file, agencies)
    try:
        sections = parse_sections(file, raw, SECTIONS)
    except InvalidFile as exc:
        raise InvalidFile(exc.problems + problems) from None
    if problems:
        raise InvalidFile(problems)
    return Settings(**sections, agencies=agencies)


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
        """The store's URL; a relative SQLite file is next to the config file, like
        every other relative path here, never in whatever folder the station was
        started from (a second store would restart the numbering at 001)."""
        url = self.settings.store.url
        if url is None:
            return f"sqlite:///{self.data_dir / 'kiosk.db'}"
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            database, sep, query = url[len(prefix) :].partition("?")
            if database and database != ":memory:":
                return f"{prefix}{self._resolve(Path(database), Path())}{sep}{query}"
        return url

    @property
    def key_file(self) -> Path:
        return self._resolve(self.settings.store.key_file, self.data_dir / "personal-data.key")

    @property
    def pack_dir(self) -> Path:
        return self._resolve(self.settings.content.pack, SAMPLE_PACK)

    @property
    def spool_dir(self) -> Path:
        return self._resolve(self.settings.printer.spool_dir, self.data_dir / "spool")

    def rows(self) -> Iterator[tuple[str, Any, str]]:
        """(dotted key, effective value, description) for every declared setting."""
        for section_name, cls in SECTIONS.items():
            section = getattr(self.settings, section_name)
            for spec in fields(cls):
                value = getattr(section, spec.name)
                if spec.metadata["secret"]:
                    value = mask_secret(value)
                yield f"{section_name}.{spec.name}", value, spec.metadata["description"]
        for agency, table in self.settings.agencies.items():
            for key, value in flatten(table):
                name = key.rsplit(".", 1)[-1]
                # Headers and query parameters often carry keys of their own.
                hidden = name in SECRET_KEYS or key.startswith(("headers.", "query."))
                shown = mask_secret(value) if hidden or name == "url" else value
                yield f"agencies.{agency}.{key}", shown, "connector setting for this agency"
        yield "(effective) data_dir", str(self.data_dir), "where the store and spool live"
        yield "(effective) store_url", mask_secret(self.store_url), "the store this station uses"
        yield "(effective) content_pack", str(self.pack_dir), "the content pack in use"
        yield "(effective) spool_dir", str(self.spool_dir), "where tickets are printed to"
        yield "(effective) key_file", str(self.key_file), "the key to citizens' stored answers"


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
    return StationConfig(parse_settings(path, raw), path.resolve())
