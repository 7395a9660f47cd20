"""Engine factory: the embedded SQLite store by default, PostgreSQL when shared.

SQLite is opened for a kiosk that must not lose a ticket: WAL journal (readers
never block the writer), foreign keys on, ``synchronous=FULL`` (a commit is on
disk before we tell the citizen anything), a generous busy timeout, and every
transaction started with ``BEGIN IMMEDIATE`` so two processes issuing tickets
queue up for the write lock instead of failing half-way with "database is
locked". PostgreSQL URLs pass through; row locks do the same job there.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "kiosk_read_only"  # execution option: this connection only reads


class StoreError(Exception):
    """The store cannot be used; the message says why and what to do."""


def safe_url(url: str | URL) -> str:
    """``url`` with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(a store URL that cannot be parsed)"


def store_unavailable(url: str | URL, exc: BaseException) -> StoreError:
    """A :class:`StoreError` for a store that cannot be opened (server down, bad path...)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = reason[0] if reason else type(exc).__name__
    return StoreError(
        f"cannot open the store at {safe_url(url)}: {detail}. Check store.url and "
        "station.data_dir in the station config, and that the database server is reachable."
    )


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the store's durability settings.

    Raises :class:`StoreError` for a URL that cannot be used (unknown driver,
    a folder for the SQLite file that cannot be created).
    """
    # A failed statement's message never carries its values: they are citizens'
    # answers, and error messages end up in logs.
    kwargs.setdefault("hide_parameters", True)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True, **kwargs)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    except (ArgumentError, ValueError, ImportError, OSError) as exc:
        raise store_unavailable(url, exc) from exc
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN, not pysqlite.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _use_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers (a waiting-room board polling for calls) begin DEFERRED: in WAL
        # mode they never wait for, nor hold up, a kiosk issuing a ticket.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _use_wal(cur: sqlite3.Cursor) -> None:
    """Put the file in WAL mode (it stays so; later connections find it set).

    Switching a new file to WAL needs the file to itself for a moment, and when
    several stations open a new store at once SQLite answers "database is
    locked" at once instead of waiting for the busy timeout; so wait here.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def make_sessionmaker(engine: Engine, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``read_only`` ones never take SQLite's write lock
    (PostgreSQL readers never block writers anyway)."""
    if read_only:
        engine = engine.execution_options(**{READ_ONLY: True})
    return sessionmaker(engine, expire_on_commit=False)
