"""Schema migrations (Alembic) for the store.

The app upgrades its own store at start, so a technician never runs a manual
step after an update; ``kiosk db upgrade`` does the same from the shell. A
store written by a *newer* OneStop is refused with a clear message rather
than half-understood: its schema is unknown to this version.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from offline_cache.engine import StoreError, store_unavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x4F6E6553746F70  # pg_advisory_xact_lock key held while migrating ("OneStop")
# The newest revision in migrations/versions (tests/offline_cache keeps the two
# equal). A station whose store is already there starts without loading Alembic.
SCHEMA_HEAD = "0006"

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["StoreError", "StoreTooNew", "current_revision", "head_revision", "upgrade"]


class StoreTooNew(StoreError):
    pass


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision (None for an empty store); StoreError if unreachable."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        raise store_unavailable(engine.url, exc) from exc


def check_not_newer(engine: Engine) -> str | None:
    """Return the store's revision; raise :class:`StoreTooNew` if this code does not know it."""
    return _known_revision(engine, current_revision(engine))


def _known_revision(engine: Engine, current: str | None) -> str | None:
    if current is None:
        return None
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise StoreTooNew(
            f"the store at {engine.url.render_as_string(hide_password=True)} has schema "
            f"revision {current}, written by a newer OneStop than this one (which knows up "
            f"to {script.get_current_head()}). Install the newer OneStop on this station, "
            "or point store.url at another store."
        )
    return current


def upgrade(engine: Engine) -> str:
    """Bring the store to the newest schema this code knows; return that revision.

    Safe when several stations start at once against one store: on PostgreSQL
    an advisory lock lets one station migrate while the others wait and then
    find nothing to do (SQLite's ``BEGIN IMMEDIATE`` does the same).
    """
    if _stamped_revision(engine) == SCHEMA_HEAD:
        return SCHEMA_HEAD  # the usual start: nothing to do, no Alembic import
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    cfg = _config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            _known_revision(engine, MigrationContext.configure(conn).get_current_revision())
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except DBAPIError as exc:
        raise store_unavailable(engine.url, exc) from exc
    return head_revision()


def _stamped_revision(engine: Engine) -> str | None:
    """The revision in ``alembic_version`` by plain SQL, or None if it cannot be read.

    Anything unusual (no table, several heads, an unreachable store) returns
    None and leaves the full Alembic path to handle and report it.
    """
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None
