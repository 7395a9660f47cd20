"""The outbox worker delivering real submissions over real HTTP to the reference agency.

Each test stores forms through the station as the kiosk does, then lets the
worker send them to :class:`kiosk.agency_sim.AgencySim` on loopback, with the
agency misbehaving as scripted, and reads back the outbox, the attempts and
what the agency holds.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.agency_sim import AgencySim
from kiosk.station import Station
from kiosk.submissions import stored_payload
from kiosk.sync.policy import Verdict
from kiosk.sync.rest_json import RestJsonConnector
from kiosk.sync.worker import OutboxWorker
from offline_cache.engine import make_sessionmaker
from offline_cache.models import DeliveryAttempt, OutboxEntry, Submission
from tests.helpers.sample_answers import street_problem
from tests.kiosk.test_form_submit import filled


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def submit_reports(station: Station, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        form = filled(station, "report-street-problem", "en", street_problem(dt.date(2026, 1, 1)))
        ids.append(station.submit_form("report-pothole", form).submission_id)
    return ids


def worker_for(
    station: Station, agency_url: str, clock: Clock, token: str = "s3cret"
) -> OutboxWorker:
    connector = RestJsonConnector(agency_url, bearer_token=token, timeout_s=(1.0, 2.0))
    return OutboxWorker(
        make_sessionmaker(station.engine), station.cipher, lambda _service: connector, clock
    )


def outbox(station: Station) -> list[OutboxEntry]:
    with Session(station.engine) as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def attempts(station: Station) -> list[tuple[str, int | None]]:
    with Session(station.engine) as session:
        rows = session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id))
        return [(row.verdict, row.status) for row in rows]


def test_a_stored_form_reaches_the_agency_with_its_key_and_comes_back_confirmed(
    station: Station, agency: AgencySim
) -> None:
    (submission_id,) = submit_reports(station, 1)
    worker = worker_for(station, agency.url, Clock())

    assert worker.run_once()[Verdict.DELIVERED] == 1

    (entry,) = outbox(station)
    held = agency.stored[submission_id]
    assert (entry.state, entry.confirmation) == ("delivered", held.confirmation)
    with Session(station.engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        assert held.body["payload"] == stored_payload(submission, station.cipher)
        assert held.body["reference"] == submission.reference
    assert attempts(station) == [("delivered", 201)]


def test_an_agency_error_is_retried_later_not_at_once_and_then_delivered(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 1)
    clock = Clock()
    worker = worker_for(station, agency.url, clock)
    agency.script.append(503)

    assert worker.run_once()[Verdict.RETRY] == 1
    (entry,) = outbox(station)
    assert entry.state == "pending" and entry.next_attempt_at >= clock.now
    assert entry.last_error == "503: simulated failure"
    clock.advance(minutes=15)  # past the longest first wait
    assert worker.run_once()[Verdict.DELIVERED] == 1
    assert attempts(station) == [("retry", 503), ("delivered", 201)]


def test_a_429_is_not_asked_again_before_its_retry_after(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 1)
    clock = Clock()
    worker = worker_for(station, agency.url, clock)
    agency.script.append(("429", 120))

    worker.run_once()
    clock.advance(seconds=119)
    assert sum(worker.run_once().values()) == 0  # not due yet
    clock.advance(seconds=2)
    assert worker.run_once()[Verdict.DELIVERED] == 1


def test_an_answer_lost_after_the_agency_stored_it_is_resent_and_stored_once(
    station: Station, agency: AgencySim
) -> None:
    (submission_id,) = submit_reports(station, 1)
    clock = Clock()
    worker = worker_for(station, agency.url, clock)
    agency.script.append("drop")

    assert worker.run_once()[Verdict.RETRY] == 1  # no answer: the kiosk cannot know
    clock.advance(minutes=15)
    assert worker.run_once()[Verdict.DELIVERED] == 1

    assert list(agency.stored) == [submission_id]
    assert agency.stored[submission_id].times_sent == 2  # the replay got the original answer
    (entry,) = outbox(station)
    assert entry.confirmation == agency.stored[submission_id].confirmation
    assert attempts(station) == [("retry", None), ("delivered", 200)]


def test_a_refusal_goes_to_the_dead_letters_with_the_agencys_message(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 2)
    worker = worker_for(station, agency.url, Clock(), token="wrong")

    assert worker.run_once()[Verdict.PERMANENT] == 2
    assert [(e.state, e.last_error) for e in outbox(station)] == [
        ("dead", "401: wrong or missing token")
    ] * 2
    assert agency.stored == {}


def test_an_agency_that_is_down_keeps_every_submission_waiting(
    station: Station, agency: AgencySim
) -> None:
    submit_reports(station, 2)
    url = agency.url
    agency.stop()  # nothing listens there any more
    clock = Clock()
    worker = worker_for(station, url, clock)

    assert worker.run_once()[Verdict.RETRY] == 2
    assert {e.state for e in outbox(station)} == {"pending"}
    assert attempts(station) == [("retry", None)] * 2


def test_a_worker_that_died_mid_send_leaves_a_claim_that_a_restart_takes_back(
    station: Station, agency: AgencySim
) -> None:
    """The dead worker ran on another machine sharing the store (its process cannot
    be asked): its claim is taken back once it is older than STALE_SENDING."""
    (submission_id,) = submit_reports(station, 1)
    clock = Clock()
    elsewhere = worker_for(station, agency.url, clock)
    elsewhere.name = "other-kiosk/0123456789ab:4242:deadbeef"
    assert len(elsewhere.claim(10)) == 1  # ...and that machine loses power here
    worker = worker_for(station, agency.url, clock)
    assert worker.run_once() == dict.fromkeys(Verdict, 0)  # claimed: not sent twice

    clock.advance(minutes=14)
    assert worker.recover() == 0  # it may still be sending, slowly
    clock.advance(minutes=2)
    assert worker.recover() == 1
    assert worker.run_once()[Verdict.DELIVERED] == 1
    assert agency.stored[submission_id].times_sent == 1


def test_two_workers_on_one_store_never_send_the_same_submission_twice(
    station: Station, agency: AgencySim
) -> None:
    ids = submit_reports(station, 12)
    clock = Clock()
    workers = [worker_for(station, agency.url, clock) for _ in range(2)]

    def drain(worker: OutboxWorker) -> None:
        for _ in range(12):
            worker.run_once(limit=2)

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(agency.stored) == sorted(ids)
    assert all(held.times_sent == 1 for held in agency.stored.values())
    assert {e.state for e in outbox(station)} == {"delivered"}


def test_kiosk_sync_status_shows_what_waits_what_arrived_and_what_was_refused(
    station: Station, agency: AgencySim, tmp_path: Path, run_kiosk
) -> None:
    submit_reports(station, 3)
    clock = Clock()
    worker_for(station, agency.url, clock).run_once(limit=1)  # one delivered
    worker_for(station, agency.url, clock, token="wrong").run_once(limit=1)  # one refused

    result = run_kiosk("--config", str(tmp_path / "station.toml"), "sync", "status")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "outbox: 1 pending, 0 sending, 1 delivered, 0 uncertain, 1 dead, 0 discarded"
    assert lines[1].startswith("oldest waiting since 20")
    (dead,) = [line for line in lines if line.startswith("dead: ")]
    assert "(report-pothole), 1 attempt(s): 401: wrong or missing token" in dead


class Broken:
    """A connector with a bug: it raises instead of answering."""

    def send(self, delivery: object) -> object:
        raise KeyError("payload field")


@pytest.mark.parametrize(
    ("connector", "message"),
    [
        (None, "not sent: no connector is configured for this service"),
        (Broken(), "connector error: KeyError"),
    ],
    ids=["no-connector", "connector-bug"],
)
def test_a_missing_or_broken_connector_keeps_the_form_waiting_and_says_why(
    station: Station, connector: object, message: str
) -> None:
    submit_reports(station, 2)
    worker = OutboxWorker(
        make_sessionmaker(station.engine),
        station.cipher,
        lambda _service: connector,  # type: ignore[arg-type, return-value]
        Clock(),
    )

    assert worker.run_once()[Verdict.RETRY] == 2  # the queue carries on past the first
    assert [(e.state, e.last_error) for e in outbox(station)] == [("pending", message)] * 2


def test_an_agency_message_repeating_a_citizens_answer_is_kept_without_it(
    station: Station, agency: AgencySim
) -> None:
    """Agencies often quote the value they refuse; the message is kept in the clear
    and shown to the technician, so the citizen's own words are taken out of it."""
    submit_reports(station, 1)
    with Session(station.engine) as session:
        payload = stored_payload(session.scalars(select(Submission)).one(), station.cipher)
    address = str(payload["address_string"])
    agency.refuse_quoting = "address_string"

    assert worker_for(station, agency.url, Clock()).run_once()[Verdict.PERMANENT] == 1

    (entry,) = outbox(station)
    assert entry.last_error == "422: address_string [answer] is not in the city"
    with Session(station.engine) as session:
        messages = session.scalars(select(DeliveryAttempt.message)).all()
    assert messages == [entry.last_error]
    assert address not in str(messages)


def test_claims_a_failed_round_left_go_back_to_the_queue_or_to_a_technician(
    station: Station, agency: AgencySim
) -> None:
    """The store went away after rows were claimed: nothing recorded them. The next
    round puts them back, resendable where the agency dedupes, uncertain where not."""
    from kiosk.sync.open311 import Open311Connector, Spec

    submit_reports(station, 1)
    clock = Clock()
    worker = worker_for(station, agency.url, clock)
    assert len(worker.claim(10)) == 1  # ...and the round fails here
    assert worker.release_own() == 1
    assert [e.state for e in outbox(station)] == ["pending"]
    assert worker.run_once()[Verdict.DELIVERED] == 1

    submit_reports(station, 1)
    city = Open311Connector(Spec(type="open311", url=agency.url, service_code="pothole"))
    open311 = OutboxWorker(make_sessionmaker(station.engine), station.cipher, lambda _: city, clock)
    assert len(open311.claim(10)) == 1
    assert open311.release_own() == 1
    assert outbox(station)[1].state == "uncertain"
    assert "the agency may have it" in (outbox(station)[1].last_error or "")


def test_a_station_without_settings_for_an_agency_leaves_its_forms_to_others(
    station: Station, agency: AgencySim
) -> None:
    """On a shared store, rows of services this station cannot send are not claimed,
    so a station that can send them is not held up by failed attempts."""
    submit_reports(station, 1)
    clock = Clock()
    connector = RestJsonConnector(agency.url, bearer_token="s3cret", timeout_s=(1.0, 2.0))
    sessions = make_sessionmaker(station.engine)
    blind = OutboxWorker(sessions, station.cipher, lambda _: None, clock, services=set)
    assert sum(blind.run_once().values()) == 0
    assert attempts(station) == []

    able = OutboxWorker(
        sessions, station.cipher, lambda _: connector, clock, services=lambda: {"report-pothole"}
    )
    assert able.run_once()[Verdict.DELIVERED] == 1
