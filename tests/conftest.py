"""Fixtures shared by the core's tests: a real PostgreSQL database, the sample pack, a config.

PostgreSQL tests read the server from ``KIOSK_TEST_PG_URL``. Unset means "this
machine has no server" and the tests skip with the reason; set but unreachable
is a broken CI and fails loudly. Every test gets a database of its own, created
through the ``postgres`` maintenance database and dropped afterwards, so runs
never see each other's tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from kiosk.config import ENV_VAR, SAMPLE_PACK
from kiosk.content import ContentPack, load_pack
from offline_cache.engine import make_engine
from offline_cache.migrate import upgrade

PG_ENV = "KIOSK_TEST_PG_URL"

# Property tests draw new examples on every developer run (that is how they find
# bugs); CI (.ci/run sets HYPOTHESIS_PROFILE=ci) replays the same ones, so a
# landing is never refused by a draw nobody saw before. A failure prints its
# reproduce blob either way.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

try:  # the core's tests run on a machine without Qt; the screen tests need it
    import PySide6.QtWidgets  # noqa: F401
except ImportError:
    collect_ignore_glob = ["ui/*"]


def _maintenance_url(url: URL) -> URL:
    return url.set(database="postgres")


@pytest.fixture(scope="session")
def _pg_server() -> URL:
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests need a server (CI sets it)")
    url = make_url(raw)
    engine = create_engine(_maintenance_url(url))
    problem = None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        problem = str(exc.orig).strip()
    finally:
        engine.dispose()
    if problem is not None:
        pytest.fail(
            f"{PG_ENV} is set to {url.render_as_string(hide_password=True)} but the server "
            f"cannot be reached: {problem}",
            pytrace=False,
        )
    return url


@pytest.fixture
def pg_url(_pg_server: URL) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database of this test's own, dropped afterwards."""
    name = f"kiosk_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(_maintenance_url(_pg_server), isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except ProgrammingError as exc:
            if "permission denied" not in str(exc.orig):
                raise
            # A role without CREATEDB: use the named database, emptied before and after.
            shared = _pg_server.render_as_string(hide_password=False)
            _drop_all_tables(shared)
            yield shared
            _drop_all_tables(shared)
            return
        yield _pg_server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _drop_all_tables(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for table in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sample_pack() -> ContentPack:
    """The bundled sample content pack, loaded and checked."""
    return load_pack(SAMPLE_PACK)


@pytest.fixture
def station_config(tmp_path: Path) -> Path:
    """A station config file whose data folder lives in ``tmp_path``."""
    path = tmp_path / "station.toml"
    path.write_text(
        '[station]\nid = "test-kiosk"\ntimezone = "America/Chicago"\ndata_dir = "data"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Per-user config and data folders inside ``tmp_path``; no KIOSK_CONFIG from the shell."""
    home = tmp_path / "home"
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    return home


@pytest.fixture
def run_kiosk(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m kiosk ARGS`` the way a technician would, in a clean environment."""
    home = tmp_path / "cli-home"

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if k != ENV_VAR}
        environment |= {
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "PYTHONIOENCODING": "utf-8",
        }
        environment |= env or {}
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store: a SQLite file in ``tmp_path``, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'kiosk.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    """An engine on an upgraded (current schema) store of either backend."""
    engine = make_engine(store_url)
    upgrade(engine)
    yield engine
    engine.dispose()
