"""The store: durable SQLite settings, migrations on both backends, refusing newer stores."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from offline_cache.engine import StoreError, make_engine, make_sessionmaker
from offline_cache.migrate import (
    StoreTooNew,
    check_not_newer,
    current_revision,
    head_revision,
    upgrade,
)
from offline_cache.models import Base, Ticket, TicketEvent, TicketState

TABLES = {"alembic_version", "ticket_counters", "tickets", "ticket_events"}
FUTURE_REVISION = "9f3e1c2b7a10"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}"


def a_ticket(issued_at: dt.datetime, number: int = 1) -> Ticket:
    return Ticket(
        id=f"00000000-0000-0000-0000-{number:012d}",
        service_id="license-renewal",
        business_date=issued_at.date(),
        number=number,
        label=f"A{number:03d}",
        state=TicketState.WAITING,
        priority=False,
        language="en",
        station_id="kiosk-01",
        issued_at=issued_at,
    )


def stamp(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :rev"), {"rev": revision})


# --- SQLite durability -------------------------------------------------------------------


def test_new_sqlite_store_uses_wal_foreign_keys_and_full_sync(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def test_sqlite_store_creates_its_folder(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "er" / "kiosk.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()

    assert db.is_file()


def test_sqlite_store_refuses_an_event_for_a_ticket_that_does_not_exist(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    try:
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), Session(engine) as session:
            session.add(
                TicketEvent(
                    ticket_id="no-such-ticket",
                    state=TicketState.WAITING,
                    at=dt.datetime.now(dt.UTC),
                    station_id="kiosk-01",
                )
            )
            session.commit()
    finally:
        engine.dispose()


def test_store_folder_that_cannot_be_created_is_a_clear_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")

    with pytest.raises(StoreError, match=r"cannot open the store at sqlite:///.*Check store\.url"):
        make_engine(f"sqlite:///{blocker / 'kiosk.db'}")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("postgresql+nodriver://kiosk@db/onestop", id="unknown-driver"),
        pytest.param("postgresql+psycopg://kiosk:secret@db:port/onestop", id="bad-port"),
    ],
)
def test_store_url_that_cannot_be_used_is_a_clear_store_error(url: str) -> None:
    with pytest.raises(StoreError, match="cannot open the store at ") as caught:
        make_engine(url)

    assert "secret" not in str(caught.value)


# --- migrations --------------------------------------------------------------------------


def test_upgrade_creates_the_tables_and_is_idempotent(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        assert current_revision(engine) is None

        assert upgrade(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
        with make_sessionmaker(engine).begin() as session:
            session.add(a_ticket(dt.datetime(2025, 3, 3, 15, 0, tzinfo=dt.UTC)))

        assert upgrade(engine) == head_revision()
        assert current_revision(engine) == head_revision()
        with make_sessionmaker(engine)() as session:
            assert session.scalars(select(Ticket.label)).all() == ["A001"]
    finally:
        engine.dispose()


def test_migrations_and_models_describe_the_same_schema(store: Engine) -> None:
    with store.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_store_from_a_newer_onestop_is_refused_with_what_to_do(store: Engine) -> None:
    stamp(store, FUTURE_REVISION)

    with pytest.raises(StoreTooNew) as caught:
        upgrade(store)

    message = str(caught.value)
    assert FUTURE_REVISION in message
    assert "newer OneStop" in message
    assert head_revision() in message
    assert "Install the newer OneStop" in message
    assert "store.url" in message
    # Refused before touching it: the future stamp is still there.
    assert current_revision(store) == FUTURE_REVISION


def test_store_from_this_version_is_accepted(store: Engine) -> None:
    assert check_not_newer(store) == head_revision()


def test_kiosk_db_upgrade_refuses_a_newer_store_without_traceback(
    tmp_path: Path, station_config: Path, run_kiosk
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'kiosk.db'}")
    upgrade(engine)
    stamp(engine, FUTURE_REVISION)
    engine.dispose()

    result = run_kiosk("--config", str(station_config), "db", "upgrade")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: the store at sqlite:///")
    assert f"schema revision {FUTURE_REVISION}, written by a newer OneStop" in line
    assert "Install the newer OneStop on this station" in line


def test_kiosk_db_upgrade_then_current_report_the_revision(station_config: Path, run_kiosk) -> None:
    upgraded = run_kiosk("--config", str(station_config), "db", "upgrade")
    current = run_kiosk("--config", str(station_config), "db", "current")

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"store at revision {head_revision()}" in upgraded.stdout
    assert current.returncode == 0, current.stderr
    assert f"store revision: {head_revision()};" in current.stdout


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("postgresql+psycopg://kiosk:secret@127.0.0.1:1/onestop", id="server-down"),
        pytest.param("sqlite:///{tmp}/station.toml/kiosk.db", id="folder-is-a-file"),
    ],
)
def test_kiosk_db_upgrade_reports_an_unreachable_store_without_traceback(
    tmp_path: Path, run_kiosk, url: str
) -> None:
    config = tmp_path / "station.toml"
    config.write_text(f'[store]\nurl = "{url.format(tmp=tmp_path)}"\n', encoding="utf-8")

    result = run_kiosk("--config", str(config), "db", "upgrade")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: cannot open the store at ")
    assert "secret" not in line
    assert "Check store.url" in line


def start_stations(urls: list[str], barrier: Any, results: Any) -> None:
    """What a station does at start, once per store: open the store and upgrade it."""
    outcomes = []
    for url in urls:
        engine = make_engine(url)
        try:
            barrier.wait(timeout=60)
            outcomes.append(upgrade(engine))
        except BaseException as exc:
            outcomes.append(repr(exc))
        finally:
            engine.dispose()
    results.put(outcomes)


@pytest.mark.slow
def test_stations_starting_together_all_get_an_upgraded_store(
    store_url: str, tmp_path: Path
) -> None:
    # A new SQLite file is where stations collide (switching it to WAL), so try several;
    # a PostgreSQL store collides on the migration itself every time.
    if store_url.startswith("sqlite"):
        urls = [f"sqlite:///{tmp_path / f'round-{i}' / 'kiosk.db'}" for i in range(10)]
    else:
        urls = [store_url]
    stations = 4
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(stations)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=start_stations, args=(urls, barrier, results), daemon=True)
        for _ in range(stations)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    assert outcomes == [[head_revision()] * len(urls)] * stations
    for url in urls:
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()


# --- timestamps --------------------------------------------------------------------------


def test_timestamps_come_back_as_the_same_instant_in_utc(store: Engine) -> None:
    chicago = dt.datetime(2025, 1, 14, 23, 59, 30, 123456, tzinfo=ZoneInfo("America/Chicago"))
    with make_sessionmaker(store).begin() as session:
        session.add(a_ticket(chicago))

    with make_sessionmaker(store)() as session:
        ticket = session.scalars(select(Ticket)).one()

    assert ticket.issued_at.tzinfo is dt.UTC
    assert ticket.issued_at == chicago
    assert ticket.issued_at.isoformat() == "2025-01-15T05:59:30.123456+00:00"
    assert ticket.called_at is None


def test_comparing_stored_times_uses_the_instant(store: Engine) -> None:
    base = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
    with make_sessionmaker(store).begin() as session:
        session.add(a_ticket(base, number=1))
        session.add(a_ticket(base + dt.timedelta(minutes=1), number=2))
    # 08:00:30 in New York (EDT) is 12:00:30 UTC: between the two tickets.
    cut = dt.datetime(2025, 6, 1, 8, 0, 30, tzinfo=ZoneInfo("America/New_York"))

    with make_sessionmaker(store)() as session:
        later = session.scalars(select(Ticket.label).where(Ticket.issued_at > cut)).all()

    assert later == ["A002"]


def test_naive_timestamp_is_refused(store: Engine) -> None:
    with (
        pytest.raises(StatementError, match="timezone-aware"),
        make_sessionmaker(store).begin() as session,
    ):
        session.add(a_ticket(dt.datetime(2025, 1, 1, 12, 0)))


def test_the_fast_start_check_knows_the_newest_migration() -> None:
    """A station skips Alembic when its store is at SCHEMA_HEAD; that must be the real head."""
    from offline_cache.migrate import SCHEMA_HEAD, head_revision

    assert head_revision() == SCHEMA_HEAD
