"""What a technician does with forms the worker could not settle, and the retention purge.

Real station, real store (SQLite file, then PostgreSQL), real HTTP to the
reference agency; the audit trail is read back from the store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.agency_sim import AgencySim
from kiosk.station import Station
from kiosk.sync.actions import ActionError, SyncActions
from kiosk.sync.policy import Verdict
from offline_cache.engine import make_sessionmaker
from offline_cache.models import DeliveryAttempt, OutboxEntry, Submission, SyncAudit
from tests.kiosk.sync.test_worker import Clock, outbox, submit_reports, worker_for


def references(station: Station) -> list[str]:
    with Session(station.engine) as session:
        return list(session.scalars(select(Submission.reference).order_by(Submission.created_at)))


def audit(station: Station) -> list[tuple[str, str, str, str | None]]:
    with Session(station.engine) as session:
        rows = session.scalars(select(SyncAudit).order_by(SyncAudit.id))
        return [(a.action, a.reference, a.actor, a.note) for a in rows]


def actions_for(station: Station, clock: Clock) -> SyncActions:
    return SyncActions(make_sessionmaker(station.engine), "test-kiosk", clock)


def test_a_refused_form_is_sent_again_after_the_technician_fixes_the_cause(
    station: Station, agency: AgencySim
) -> None:
    (submission_id,) = submit_reports(station, 1)
    clock = Clock()
    assert worker_for(station, agency.url, clock, token="wrong").run_once()[Verdict.PERMANENT] == 1
    (reference,) = references(station)

    actions_for(station, clock).retry(reference.lower(), "technician", "token replaced")
    assert worker_for(station, agency.url, clock).run_once()[Verdict.DELIVERED] == 1

    assert list(agency.stored) == [submission_id]
    assert audit(station) == [("retry", reference, "technician", "token replaced")]
    assert outbox(station)[0].state == "delivered"


def test_discarding_needs_a_reason_and_stops_all_further_tries(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 1)
    clock = Clock()
    worker_for(station, agency.url, clock, token="wrong").run_once()
    (reference,) = references(station)
    actions = actions_for(station, clock)

    with pytest.raises(ActionError, match="say why"):
        actions.discard(reference, "technician", "  ")
    assert outbox(station)[0].state == "dead"  # nothing changed
    actions.discard(reference, "technician", "citizen withdrew the application")

    clock.advance(hours=1)
    assert sum(worker_for(station, agency.url, clock).run_once().values()) == 0
    assert agency.stored == {}
    assert outbox(station)[0].state == "discarded"
    assert audit(station)[-1][0] == "discard"


def test_an_action_on_a_wrong_reference_or_state_says_what_is_wrong(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 1)
    clock = Clock()
    worker_for(station, agency.url, clock).run_once()
    (reference,) = references(station)
    actions = actions_for(station, clock)

    with pytest.raises(ActionError, match="no submission with the reference DMV-0000-0000"):
        actions.retry("DMV-0000-0000", "technician")
    with pytest.raises(
        ActionError, match="is delivered; retry applies to dead, uncertain or pending"
    ):
        actions.retry(reference, "technician")
    assert audit(station) == []


def test_a_technician_confirms_a_form_the_agency_says_it_has(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 1)
    clock = Clock()
    worker_for(station, agency.url, clock, token="wrong").run_once()
    (reference,) = references(station)

    actions_for(station, clock).confirm(reference, "technician", " SR-1234 ")

    (entry,) = outbox(station)
    assert (entry.state, entry.confirmation, entry.last_error) == ("delivered", "SR-1234", None)
    assert audit(station) == [("confirm", reference, "technician", "agency's number: SR-1234")]


def test_purge_removes_delivered_forms_after_the_retention_period_and_never_a_waiting_one(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 3)
    clock = Clock()
    worker = worker_for(station, agency.url, clock)
    assert worker.run_once(limit=1)[Verdict.DELIVERED] == 1  # the first is delivered
    agency.script.append(422)
    assert worker.run_once(limit=1)[Verdict.PERMANENT] == 1  # the second is refused
    first, second, third = references(station)  # the third was never sent
    actions = actions_for(station, clock)

    clock.advance(days=29, hours=23)
    assert actions.purge(retention_days=30) == 0  # not yet
    clock.advance(hours=2)
    assert actions.purge(retention_days=30) == 1

    assert references(station) == [second, third]
    with Session(station.engine) as session:
        assert {e.state for e in session.scalars(select(OutboxEntry))} == {"dead", "pending"}
        attempts = session.scalars(select(DeliveryAttempt.verdict)).all()
        assert attempts == ["permanent"]  # the purged form's attempts went with it
    assert audit(station) == [("purge", first, "retention", "closed more than 30 days ago")]

    clock.advance(days=365)
    assert actions.purge(retention_days=30) == 0  # unconfirmed forms stay, however old


def test_a_purged_form_leaves_nothing_of_the_citizen_in_the_sqlite_file(
    tmp_path: Path, agency: AgencySim
) -> None:
    from tests.kiosk.test_form_submit import open_station

    station = open_station(tmp_path)
    try:
        submit_reports(station, 1)
        clock = Clock()
        worker_for(station, agency.url, clock).run_once()
        clock.advance(days=31)
        assert actions_for(station, clock).purge(retention_days=30) == 1
        database = station.config.data_dir / "kiosk.db"
    finally:
        station.close()
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from submissions").fetchone() == (0,)
        assert db.execute("select count(*) from outbox").fetchone() == (0,)
        assert db.execute("select action from sync_audit").fetchall() == [("purge",)]
