"""The rest_json connector against the reference agency over real loopback HTTP.

Each test configures the connector the way a station config does (a ``Spec``
table), points it at :class:`kiosk.agency_sim.AgencySim` set up like one kind
of agency (its credentials, its duplicate rule, its answer's shape, its
faults), and reads what the agency received and what the policy makes of the
answer. Some go through a real :class:`OutboxWorker` and station.

Time never passes by the wall clock here: the connector's token clock and the
worker's clock are turned by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.agency_sim import AgencySim
from kiosk.problems import problems_from_validation
from kiosk.station import Station
from kiosk.submissions import stored_payload
from kiosk.sync.policy import Verdict, decide
from kiosk.sync.protocol import Answer, Delivery
from kiosk.sync.rest_json import RestJsonConnector, Spec
from kiosk.sync.worker import OutboxWorker
from offline_cache.engine import make_sessionmaker
from offline_cache.models import DeliveryAttempt, Submission
from tests.kiosk.sync.test_worker import Clock, attempts, outbox, submit_reports

NOW = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)
TOKEN, API_KEY, PASSWORD, CLIENT_SECRET = "tok-3f9a", "key-77c1", "pw-Zq81", "cs-b4d2"


class Ticks:
    """The connector's monotonic clock, turned by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sim() -> Iterator[AgencySim]:
    with AgencySim() as agency:
        yield agency


def delivery(**payload: object) -> Delivery:
    return Delivery(
        submission_id=str(uuid.uuid4()),
        reference="DMV-7Q4K-2F9D",
        form_id="driver-license-renewal",
        form_version=1,
        service_id="license-renewal",
        language="en",
        station_id="test-kiosk",
        submitted_at=NOW,
        payload=payload or {"license_number": "D1234567", "last_name": "Ruiz"},
    )


def connector(url: str, clock: Ticks | None = None, **settings: Any) -> RestJsonConnector:
    spec = Spec.model_validate(
        {"type": "rest_json", "url": url, "connect_timeout_s": 1.0, "read_timeout_s": 2.0}
        | settings
    )
    return spec.build(clock) if clock is not None else spec.build()


def verdict(answer: Answer) -> Verdict:
    """What the outbox would do with this answer (the real policy)."""
    return decide(
        answer.status, 1, NOW, answer.retry_after, answer.uncertain, answer.verdict
    ).verdict


def oauth2(sim: AgencySim, secret: str = CLIENT_SECRET, **extra: str) -> dict[str, Any]:
    return {
        "kind": "oauth2",
        "token_url": sim.token_url,
        "client_id": "kiosk-7",
        "client_secret": secret,
        **extra,
    }


# --- credentials ---------------------------------------------------------------------

AGENCIES: dict[str, dict[str, Any]] = {
    "bearer": {"token": TOKEN},
    "api_key": {"api_key": API_KEY, "api_key_header": "X-Agency-Key"},
    "basic": {"basic": ("kiosk", PASSWORD)},
    "oauth2-basic": {"oauth_clients": {"kiosk-7": CLIENT_SECRET}},
    "oauth2-body": {"oauth_clients": {"kiosk-7": CLIENT_SECRET}},
}


def credentials(kind: str, sim: AgencySim, right: bool) -> dict[str, Any]:
    wrong = "not-" if not right else ""
    return {
        "bearer": {"kind": "bearer", "token": wrong + TOKEN},
        "api_key": {"kind": "api_key", "header": "X-Agency-Key", "api_key": wrong + API_KEY},
        "basic": {"kind": "basic", "username": "kiosk", "password": wrong + PASSWORD},
        "oauth2-basic": oauth2(sim, wrong + CLIENT_SECRET),
        "oauth2-body": oauth2(sim, wrong + CLIENT_SECRET, client_auth="body"),
    }[kind]


def agency_for(kind: str) -> AgencySim:
    settings = AGENCIES[kind]
    return AgencySim(**settings).start()


@pytest.mark.parametrize("kind", list(AGENCIES))
def test_each_kind_of_credential_the_agency_accepts_gets_the_form_stored(kind: str) -> None:
    with agency_for(kind) as sim:
        sent = delivery()
        answer = connector(sim.url, auth=credentials(kind, sim, right=True)).send(sent)

        assert (answer.status, verdict(answer)) == (201, Verdict.DELIVERED)
        assert answer.confirmation == sim.stored[sent.submission_id].confirmation
        assert sim.stored[sent.submission_id].body["payload"] == sent.payload


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("bearer", "401: wrong or missing token"),
        ("api_key", "401: wrong or missing API key"),
        ("basic", "401: wrong user name or password"),
        (
            "oauth2-basic",
            "the agency refused the client credentials: invalid_client: "
            "unknown client or wrong secret",
        ),
        (
            "oauth2-body",
            "the agency refused the client credentials: invalid_client: "
            "unknown client or wrong secret",
        ),
    ],
)
def test_wrong_credentials_of_each_kind_are_refused_for_good_with_a_clear_message(
    kind: str, message: str
) -> None:
    with agency_for(kind) as sim:
        answer = connector(sim.url, auth=credentials(kind, sim, right=False)).send(delivery())

        assert (answer.status, verdict(answer), answer.message) == (
            401,
            Verdict.PERMANENT,
            message,
        )
        assert sim.stored == {}
        for secret in (TOKEN, API_KEY, PASSWORD, CLIENT_SECRET):
            assert secret not in str(answer)
        if kind.startswith("oauth2"):
            assert sim.requests == 0  # no token: the form itself never left


# --- OAuth2 tokens -------------------------------------------------------------------


@pytest.fixture
def oauth_sim() -> Iterator[AgencySim]:
    with AgencySim(oauth_clients={"kiosk-7": CLIENT_SECRET}, token_lifetime_s=600) as sim:
        yield sim


def test_one_oauth2_token_serves_many_submissions(oauth_sim: AgencySim) -> None:
    send = connector(oauth_sim.url, auth=oauth2(oauth_sim)).send

    answers = [send(delivery()) for _ in range(5)]

    assert [a.status for a in answers] == [201] * 5
    assert oauth_sim.token_requests == 1


def test_an_oauth2_token_is_renewed_shortly_before_it_expires_not_after(
    oauth_sim: AgencySim,
) -> None:
    clock = Ticks()
    send = connector(oauth_sim.url, clock, auth=oauth2(oauth_sim)).send
    send(delivery())

    clock.now += 500  # well inside its 600 s
    assert send(delivery()).status == 201
    assert oauth_sim.token_requests == 1
    clock.now += 90  # 590 s: inside the renewal margin, not yet expired at the agency
    assert send(delivery()).status == 201
    assert oauth_sim.token_requests == 2
    assert oauth_sim.requests == 3  # no submission was refused on the way


def test_a_revoked_token_is_replaced_once_and_the_form_still_goes_through(
    oauth_sim: AgencySim,
) -> None:
    send = connector(oauth_sim.url, auth=oauth2(oauth_sim)).send
    send(delivery())
    oauth_sim.revoke_tokens()  # the agency rotated its keys early

    sent = delivery()
    answer = send(sent)

    assert (answer.status, verdict(answer)) == (201, Verdict.DELIVERED)
    assert oauth_sim.token_requests == 2
    assert oauth_sim.requests == 3  # the first form, the 401, the same form again
    assert sent.submission_id in oauth_sim.stored
    assert send(delivery()).status == 201 and oauth_sim.token_requests == 2


def test_a_second_401_after_a_fresh_token_is_final_not_a_loop(oauth_sim: AgencySim) -> None:
    oauth_sim.script.extend([401, 401, 401])
    answer = connector(oauth_sim.url, auth=oauth2(oauth_sim)).send(delivery())

    assert (answer.status, verdict(answer)) == (401, Verdict.PERMANENT)
    assert (oauth_sim.requests, oauth_sim.token_requests) == (2, 2)


def test_a_token_endpoint_that_does_not_answer_keeps_the_form_for_later(
    oauth_sim: AgencySim,
) -> None:
    oauth_sim.go_down()
    answer = connector(oauth_sim.url, auth=oauth2(oauth_sim)).send(delivery())

    assert (answer.status, verdict(answer)) == (None, Verdict.RETRY)
    assert answer.message == "no answer from the token endpoint: ConnectionError"


def test_a_busy_token_endpoint_is_asked_again_on_the_next_try(oauth_sim: AgencySim) -> None:
    oauth_sim.token_script.append(503)
    send = connector(oauth_sim.url, auth=oauth2(oauth_sim)).send

    first = send(delivery())
    assert (first.status, verdict(first)) == (503, Verdict.RETRY)
    assert first.message == "the token endpoint answered 503: temporarily_unavailable"
    assert oauth_sim.requests == 0
    assert send(delivery()).status == 201
    assert oauth_sim.token_requests == 2


def test_threads_sending_at_once_through_one_connector_all_arrive_on_one_token(
    oauth_sim: AgencySim,
) -> None:
    send = connector(oauth_sim.url, auth=oauth2(oauth_sim)).send
    deliveries = [[delivery(n=f"{t}-{i}") for i in range(5)] for t in range(8)]
    answers: list[Answer] = []
    start = threading.Barrier(8)

    def run(mine: list[Delivery]) -> None:
        start.wait()  # all ask for the first token together
        answers.extend(send(d) for d in mine)

    threads = [threading.Thread(target=run, args=(mine,)) for mine in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [(a.status, a.message) for a in answers] == [(201, None)] * 40
    assert sorted(oauth_sim.stored) == sorted(d.submission_id for ds in deliveries for d in ds)
    assert oauth_sim.token_requests == 1


# --- reading the agency's answer ------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [({"duplicate_statuses": [409]}, Verdict.DELIVERED), ({}, Verdict.PERMANENT)],
    ids=["409-is-duplicate", "no-rule"],
)
def test_a_409_for_a_form_already_received_counts_as_delivered_only_when_configured(
    sim: AgencySim, rule: dict[str, Any], expected: Verdict
) -> None:
    sim.replay = "conflict"
    send = connector(sim.url, **rule).send
    sent = delivery()
    send(sent)

    again = send(sent)  # the answer to the first was lost, say

    assert (again.status, verdict(again)) == (409, expected)
    if expected is Verdict.DELIVERED:
        assert again.confirmation == sim.stored[sent.submission_id].confirmation
        assert again.message == "409: the agency already had this submission"
    else:
        assert again.message == "409: already received"


def test_an_empty_201_counts_as_already_received_when_configured(sim: AgencySim) -> None:
    sim.replay = "empty_201"
    send = connector(sim.url, empty_201_is_duplicate=True).send
    sent = delivery()
    first = send(sent)

    again = send(sent)

    assert (first.status, first.message) == (201, None)
    assert (again.status, verdict(again), again.confirmation) == (201, Verdict.DELIVERED, None)
    assert again.message == "201: the agency already had this submission"
    assert sim.stored[sent.submission_id].times_sent == 2


def test_a_2xx_the_agency_never_promised_is_sent_again_rather_than_trusted(
    sim: AgencySim,
) -> None:
    send = connector(sim.url, success_statuses=[201]).send
    sent = delivery()
    send(sent)

    replay = send(sent)  # this agency answers a replay 200

    assert (replay.status, verdict(replay)) == (200, Verdict.RETRY)
    assert replay.message is not None and "success statuses (201)" in replay.message


def test_a_key_sent_again_with_another_body_is_refused_for_good(sim: AgencySim) -> None:
    send = connector(sim.url).send
    first = delivery(license_number="D1234567")
    send(first)

    other = dataclasses.replace(first, payload={"license_number": "D7654321"})
    answer = send(other)

    assert (answer.status, verdict(answer)) == (422, Verdict.PERMANENT)
    assert answer.message == "422: key used for another body"
    assert sim.stored[first.submission_id].body["payload"] == first.payload


def test_a_redirect_is_not_followed_and_goes_to_a_technician(sim: AgencySim) -> None:
    sim.script.append(302)
    answer = connector(sim.url).send(delivery())

    assert (answer.status, verdict(answer)) == (302, Verdict.PERMANENT)
    assert answer.message == "302 Found: the agency redirects elsewhere; check the url"
    assert sim.requests == 1


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("data.case.id", lambda number: {"data": {"case": {"id": number}}}),
        ("cases.0.ref", lambda number: {"cases": [{"ref": number}, {"ref": "other"}]}),
    ],
    ids=["nested", "list-item"],
)
def test_the_agencys_number_is_read_where_confirmation_path_points(
    sim: AgencySim, path: str, shape: Any
) -> None:
    sim.receipt = lambda _key, held: shape(held.confirmation)
    sent = delivery()

    answer = connector(sim.url, confirmation_path=path).send(sent)

    assert answer.confirmation == sim.stored[sent.submission_id].confirmation
    assert answer.confirmation is not None and answer.confirmation.startswith("AG-")


def test_payload_body_sends_only_the_forms_output_mapping(sim: AgencySim) -> None:
    sent = delivery(license_number="D1234567", renew_at_kiosk=True)

    answer = connector(sim.url, body="payload").send(sent)

    assert answer.status == 201
    assert sim.stored[sent.submission_id].body == {
        "license_number": "D1234567",
        "renew_at_kiosk": True,
    }
    assert sim.heard[-1].headers["Idempotency-Key"] == sent.submission_id


def test_put_by_id_with_the_agencys_own_headers_and_query(sim: AgencySim) -> None:
    send = connector(
        sim.url + "/{submission_id}",
        method="PUT",
        headers={"X-Agency-Office": "riverside-3"},
        query={"office": "3"},
        idempotency_header="X-Request-Id",
    ).send
    sent = delivery()

    answer = send(sent)

    heard = sim.heard[-1]
    assert answer.status == 201 and sent.submission_id in sim.stored
    assert (heard.method, heard.path) == ("PUT", f"/v1/submissions/{sent.submission_id}")
    assert heard.query == {"office": ["3"]}
    assert heard.headers["X-Agency-Office"] == "riverside-3"
    assert heard.headers["X-Request-Id"] == sent.submission_id


# --- no answer -----------------------------------------------------------------------


def test_a_dropped_connection_is_one_request_and_no_answer_never_a_silent_resend(
    sim: AgencySim,
) -> None:
    sim.script.append("drop")
    sent = delivery()

    answer = connector(sim.url).send(sent)

    assert (answer.status, verdict(answer)) == (None, Verdict.RETRY)
    assert answer.message is not None and answer.message.startswith("no answer: ")
    assert sim.requests == 1
    assert sim.stored[sent.submission_id].times_sent == 1


def test_an_agency_slower_than_the_read_timeout_is_no_answer(sim: AgencySim) -> None:
    sim.script.append(("slow", 3.0))
    send = RestJsonConnector(sim.url, timeout_s=(1.0, 0.2)).send
    sent = delivery()

    answer = send(sent)

    assert (answer.status, answer.message) == (None, "no answer: ReadTimeout")
    assert send(sent).status in (200, 201)  # the resend: stored once either way
    assert list(sim.stored) == [sent.submission_id]


def test_an_agency_that_is_down_refuses_connections_until_it_comes_back(
    sim: AgencySim,
) -> None:
    send = connector(sim.url).send
    sim.go_down()
    assert send(delivery()).message == "no answer: ConnectionError"

    sim.come_up()

    assert send(delivery()).status == 201


# --- settings ------------------------------------------------------------------------

SECRETS = ("hunter2-secret", "tok\n3f9a", "s3cr3t-key")
BASE = {"type": "rest_json", "url": "https://agency.test/onestop/v1/submissions"}


@pytest.mark.parametrize(
    ("settings", "key", "message"),
    [
        ({"auth": {"kind": "bearer", "token": 31337}}, "auth.bearer.token", "must be text"),
        ({"auth": {"kind": "bearer", "token": "tok\n3f9a"}}, "auth.bearer.token", "line breaks"),
        ({"auth": {"kind": "bearer", "token": "tok-3f9a\n"}}, "auth.bearer.token", "spaces"),
        ({"auth": "hunter2-secret"}, "auth", "must be a table with a kind"),
        (
            {"auth": {"kind": "bearr", "token": "hunter2-secret"}},
            "auth",
            "kind must be one of: bearer, api_key, basic, oauth2",
        ),
        (
            {"auth": {"kind": "basic", "username": "a:b", "password": "hunter2-secret"}},
            "auth.basic.username",
            "without a colon",
        ),
        (
            {"auth": {"kind": "api_key", "api_key": "hunter2-secret", "apikey": "s3cr3t-key"}},
            "auth.api_key.apikey",
            "unknown key",
        ),
        (
            {"url": "https://kiosk:hunter2-secret@agency.test/v1/submissions"},
            "url",
            "must not hold a user name or password",
        ),
        (
            {
                "url": "http://agency.test/v1/submissions",
                "auth": {"kind": "bearer", "token": "hunter2-secret"},
            },
            "",
            "url is plain http to another machine",
        ),
        (
            {"headers": {"Authorization": "Bearer hunter2-secret"}},
            "headers",
            "credentials belong under auth",
        ),
        ({"headers": {"X-Key": 123456}}, "headers.X-Key", "must be text"),
        ({"duplicate_statuses": [409, 503]}, "duplicate_statuses", "'try again later'"),
        ({"duplicate_statuses": [401]}, "duplicate_statuses", "would lose the submission"),
        ({"duplicate_statuses": [200]}, "duplicate_statuses", "also listed in success"),
        ({"success_statuses": [201, 302]}, "success_statuses", "a 2xx status, not 302"),
        ({"success_statuses": []}, "success_statuses", "at least one status"),
        ({"method": "GET"}, "method", "'POST' or 'PUT'"),
        ({"confirmation_path": "data..id"}, "confirmation_path", "like data.case.id"),
        ({"read_timeout_s": "10"}, "read_timeout_s", "valid number"),
    ],
)
def test_bad_settings_are_refused_with_a_readable_line_that_never_shows_a_secret(
    settings: dict[str, Any], key: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Spec.model_validate(BASE | settings)

    problems = problems_from_validation(Path("station.toml"), refused.value, "agencies.dmv")
    lines = [str(p) for p in problems]
    expected_key = f"agencies.dmv.{key}" if key else "agencies.dmv"
    assert any(p.key == expected_key and message in p.message for p in problems), lines
    for secret in SECRETS:
        assert all(secret not in line for line in lines)
        assert secret not in str(refused.value)


def test_settings_never_show_secrets_when_printed() -> None:
    spec = Spec.model_validate(
        BASE
        | {
            "headers": {"X-Office-Key": "s3cr3t-key"},
            "auth": {
                "kind": "oauth2",
                "token_url": "https://agency.test/oauth/token",
                "client_id": "kiosk-7",
                "client_secret": "hunter2-secret",
            },
        }
    )

    assert "hunter2-secret" not in repr(spec) and "s3cr3t-key" not in repr(spec)
    assert "kiosk-7" in repr(spec)  # the rest stays readable
    assert isinstance(spec.build(), RestJsonConnector)


def test_plain_http_credentials_are_fine_to_loopback_or_when_the_network_is_declared_closed() -> (
    None
):
    bearer = {"kind": "bearer", "token": TOKEN}
    Spec.model_validate(BASE | {"url": "http://127.0.0.1:8765/v1/submissions", "auth": bearer})
    Spec.model_validate(
        BASE | {"url": "http://agency.internal/v1", "auth": bearer, "allow_plain_http": True}
    )


# --- through the outbox worker -------------------------------------------------------


def worker(station: Station, spec: dict[str, Any], clock: Clock) -> OutboxWorker:
    built = Spec.model_validate({"type": "rest_json", "read_timeout_s": 2.0} | spec).build()
    return OutboxWorker(
        make_sessionmaker(station.engine),
        station.cipher,
        lambda _service: built,
        clock,
        senders=4,
    )


def test_forms_reach_an_oauth2_agency_through_the_worker_on_one_token(
    station: Station, oauth_sim: AgencySim
) -> None:
    ids = submit_reports(station, 8)
    clock = Clock()
    run = worker(station, {"url": oauth_sim.url, "auth": oauth2(oauth_sim)}, clock)

    assert run.run_once()[Verdict.DELIVERED] == 8
    run.close()

    assert sorted(oauth_sim.stored) == sorted(ids)
    assert oauth_sim.token_requests == 1
    assert {(e.state, e.confirmation) for e in outbox(station)} == {
        ("delivered", held.confirmation) for held in oauth_sim.stored.values()
    }


def test_refused_credentials_reach_the_dead_letters_without_the_secret_or_the_form(
    station: Station, oauth_sim: AgencySim
) -> None:
    (submission_id,) = submit_reports(station, 1)
    auth = oauth2(oauth_sim, "hunter2-secret")
    run = worker(station, {"url": oauth_sim.url, "auth": auth}, Clock())

    assert run.run_once()[Verdict.PERMANENT] == 1

    (entry,) = outbox(station)
    assert entry.state == "dead"
    assert entry.last_error is not None
    assert entry.last_error.startswith("the agency refused the client credentials")
    with Session(station.engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        values = [v for v in stored_payload(submission, station.cipher).values()]
        messages = list(session.scalars(select(DeliveryAttempt.message)))
    words = [str(v) for v in values if isinstance(v, str) and len(v) >= 4]
    assert words  # the check below has something to find
    for message in [*messages, entry.last_error]:
        assert message is not None and "hunter2-secret" not in message
        assert not any(word in message for word in words)


def test_an_agency_down_for_a_while_gets_every_form_once_when_it_is_back(
    station: Station, sim: AgencySim
) -> None:
    ids = submit_reports(station, 4)
    clock = Clock()
    run = worker(station, {"url": sim.url}, clock)
    sim.go_down()

    assert run.run_once()[Verdict.RETRY] == 4
    sim.come_up()
    clock.advance(minutes=20)
    assert run.run_once()[Verdict.DELIVERED] == 4
    run.close()

    assert sorted(sim.stored) == sorted(ids)
    assert all(held.times_sent == 1 for held in sim.stored.values())
    assert attempts(station).count(("retry", None)) == 4


def test_a_flaky_agency_failing_a_random_share_of_requests_ends_with_every_form_once(
    station: Station, sim: AgencySim
) -> None:
    ids = submit_reports(station, 10)
    clock = Clock()
    run = worker(station, {"url": sim.url}, clock)
    sim.fail_randomly(0.4, seed=7)

    for _ in range(30):
        run.run_once()
        if {e.state for e in outbox(station)} == {"delivered"}:
            break
        clock.advance(minutes=20)
    run.close()

    assert {e.state for e in outbox(station)} == {"delivered"}
    assert sorted(sim.stored) == sorted(ids)
    assert all(held.times_sent == 1 for held in sim.stored.values())  # a 500 stores nothing
    assert ("retry", 500) in attempts(station)
