"""The ``openrosa`` connector delivering forms over real HTTP to the reference OpenRosa server.

Forms are stored through a real station and sent by the outbox worker, or handed to
the connector directly, to :class:`kiosk.agency_sim.openrosa.OpenRosaSim` on loopback;
the tests decode the XForm instance the server received and read back the outbox rows
and messages a technician sees.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pydantic
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.agency_sim.openrosa import Fault, OpenRosaSim
from kiosk.station import Station
from kiosk.submissions import stored_payload
from kiosk.sync.openrosa import OpenRosaConnector, Spec
from kiosk.sync.policy import Verdict
from kiosk.sync.protocol import Answer, Delivery
from kiosk.sync.worker import OutboxWorker
from offline_cache.engine import make_sessionmaker
from offline_cache.models import DeliveryAttempt, Submission
from tests.helpers.sample_answers import license_renewal
from tests.kiosk.sync.test_worker import Clock, attempts, outbox, submit_reports
from tests.kiosk.test_form_submit import TODAY, filled, open_station

TOKEN = "s3cret"
FORM_ID = "dmv_renewal"


@pytest.fixture
def server() -> Iterator[OpenRosaSim]:
    with OpenRosaSim(token=TOKEN) as sim:
        yield sim


@pytest.fixture
def station(tmp_path: Path, store_url: str) -> Iterator[Station]:
    station = open_station(tmp_path, store_url)
    yield station
    station.close()


def spec(url: str, **settings: Any) -> Spec:
    return Spec.model_validate(settings_for(url, **settings))


def settings_for(url: str, **settings: Any) -> dict[str, Any]:
    return {
        "type": "openrosa",
        "url": url,
        "form_id": FORM_ID,
        "form_version": "2026.1",
        "bearer_token": TOKEN,
        "connect_timeout_s": 1.0,
        "read_timeout_s": 2.0,
        **settings,
    }


def connector(url: str, **settings: Any) -> OpenRosaConnector:
    return spec(url, **settings).build()


def submit_renewals(station: Station, n: int) -> list[str]:
    """License renewals as a citizen fills them: names, a date, a new address (a group)."""
    form = "driver-license-renewal"
    return [
        station.submit_form(
            "license-renewal", filled(station, form, "en", license_renewal(TODAY))
        ).submission_id
        for _ in range(n)
    ]


def worker(station: Station, sender: OpenRosaConnector, clock: Clock) -> OutboxWorker:
    return OutboxWorker(
        make_sessionmaker(station.engine), station.cipher, lambda _service: sender, clock
    )


def delivery(payload: dict[str, object], submission_id: str | None = None) -> Delivery:
    return Delivery(
        submission_id or str(uuid.uuid4()),
        "A-7Q2K",
        "driver-license-renewal",
        1,
        "license-renewal",
        "en",
        "test-kiosk",
        dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC),
        payload,
    )


def fields(element: ET.Element) -> dict[str, object]:
    """An instance's answers as nested text, read from the XML (meta left out)."""
    return {
        child.tag: fields(child) if len(child) else (child.text or "")
        for child in element
        if child.tag != "meta"
    }


def as_text(value: object) -> object:
    """What an XForm instance should hold for an answer, worked out independently."""
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return "" if value is None else str(value)


def messages(station: Station) -> list[str]:
    with Session(station.engine) as session:
        rows = session.scalars(select(DeliveryAttempt.message))
        return [m for m in rows if m]


# --- delivered ---------------------------------------------------------------------------


def test_a_renewal_reaches_the_server_as_an_xform_instance_and_comes_back_confirmed(
    station: Station, server: OpenRosaSim
) -> None:
    (submission_id,) = submit_renewals(station, 1)

    assert worker(station, connector(server.url), Clock()).run_once()[Verdict.DELIVERED] == 1

    instance_id = f"uuid:{submission_id}"
    assert list(server.stored) == [instance_id]
    root = ET.fromstring(server.stored[instance_id])
    with Session(station.engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        payload, reference = stored_payload(submission, station.cipher), submission.reference
    assert (root.tag, root.get("id"), root.get("version")) == ("data", FORM_ID, "2026.1")
    assert root.findtext("meta/instanceID") == instance_id
    assert root.findtext("meta/instanceName") == reference
    assert fields(root) == as_text(payload)
    assert fields(root)["first_name"] == "Lucía"  # as typed, accents and all
    assert root.findtext("new_address/city") == "Riverside"  # a group stays a group
    (entry,) = outbox(station)
    assert (entry.state, entry.confirmation) == ("delivered", instance_id)
    assert attempts(station) == [("delivered", 201)]
    (post,) = server.posted
    assert (post.filename, post.content_type) == ("submission.xml", "text/xml")
    assert post.headers["X-OpenRosa-Version"] == "1.0"
    assert email.utils.parsedate_to_datetime(post.headers["Date"]).tzinfo is not None


def test_answers_of_every_kind_become_xform_text_the_server_reads_back(
    server: OpenRosaSim,
) -> None:
    payload: dict[str, object] = {
        "full_name": 'Ana <Ruiz> & Sons "Ltd"',
        "copies": 2,
        "fee_usd": 12.5,
        "tiny": 0.00001,
        "declaration": True,
        "organ_donor": False,
        "email": None,
        "conditions": ["vision", "hearing"],
        "home": {"line1": "12 Oak Ave", "city": "Riverside"},
        "children": [{"name": "Eva"}, {"name": "Leo"}],
    }
    sent = delivery(payload)

    answer = connector(server.url).send(sent)

    assert answer.verdict is Verdict.DELIVERED
    root = ET.fromstring(server.stored[f"uuid:{sent.submission_id}"])
    assert root.findtext("full_name") == 'Ana <Ruiz> & Sons "Ltd"'
    assert [root.findtext(k) for k in ("copies", "fee_usd", "tiny")] == ["2", "12.5", "0.00001"]
    assert [root.findtext(k) for k in ("declaration", "organ_donor")] == ["true", "false"]
    email_element = root.find("email")
    assert email_element is not None and email_element.text is None  # unanswered: empty
    assert root.findtext("conditions") == "vision hearing"  # as select_multiple sends it
    assert root.findtext("home/city") == "Riverside"
    assert [c.findtext("name") for c in root.findall("children")] == ["Eva", "Leo"]  # a repeat


def test_the_same_delivery_sent_twice_is_byte_identical_and_stored_once(
    server: OpenRosaSim,
) -> None:
    sent = delivery({"first_name": "Ana", "conditions": ["vision"], "copies": 2})
    sender = connector(server.url)

    first, second = sender.send(sent), sender.send(sent)

    assert (first.status, second.status) == (201, 201)
    assert first.verdict is second.verdict is Verdict.DELIVERED
    assert first.confirmation == second.confirmation == f"uuid:{sent.submission_id}"
    assert server.posted[0].xml == server.posted[1].xml
    assert list(server.stored) == [f"uuid:{sent.submission_id}"]
    assert server.received[f"uuid:{sent.submission_id}"] == 2


def test_an_answer_lost_after_the_server_stored_it_is_resent_and_stored_once(
    station: Station, server: OpenRosaSim
) -> None:
    (submission_id,) = submit_renewals(station, 1)
    clock = Clock()
    outbox_worker = worker(station, connector(server.url), clock)
    server.script.append("drop")

    assert outbox_worker.run_once()[Verdict.RETRY] == 1  # no answer: try again, safely
    (entry,) = outbox(station)
    assert entry.state == "pending" and (entry.last_error or "").startswith("no answer")
    clock.advance(minutes=15)
    assert outbox_worker.run_once()[Verdict.DELIVERED] == 1

    instance_id = f"uuid:{submission_id}"
    assert list(server.stored) == [instance_id]
    assert server.received[instance_id] == 2
    assert attempts(station) == [("retry", None), ("delivered", 201)]


def test_many_threads_share_one_connector_and_each_asks_the_size_limit_once(
    server: OpenRosaSim,
) -> None:
    sender = connector(server.url)
    sent = [delivery({"n": i}) for i in range(16)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(sender.send, sent))
    sender.close()

    assert {a.verdict for a in answers} == {Verdict.DELIVERED}
    assert sorted(server.stored) == sorted(f"uuid:{d.submission_id}" for d in sent)
    assert 1 <= server.heads <= 4  # one pre-check per sending thread, not per form


def test_the_size_limit_is_asked_again_after_a_few_minutes(server: OpenRosaSim) -> None:
    now = [0.0]
    sender = OpenRosaConnector(spec(server.url), clock=lambda: now[0], head_ttl_s=300)

    sender.send(delivery({"n": 1}))
    sender.send(delivery({"n": 2}))
    assert server.heads == 1
    now[0] += 301
    sender.send(delivery({"n": 3}))
    assert (server.heads, len(server.stored)) == (2, 3)


# --- kept for later -----------------------------------------------------------------------


def test_a_429_is_not_asked_again_before_its_retry_after(
    station: Station, server: OpenRosaSim
) -> None:
    submit_renewals(station, 1)
    clock = Clock()
    outbox_worker = worker(station, connector(server.url), clock)
    server.script.append(("429", 120))

    assert outbox_worker.run_once()[Verdict.RETRY] == 1
    (entry,) = outbox(station)
    assert entry.next_attempt_at >= clock.now + dt.timedelta(seconds=120)
    assert entry.last_error == "429: Too many requests; try again later."
    clock.advance(seconds=119)
    assert sum(outbox_worker.run_once().values()) == 0  # not due yet
    clock.advance(seconds=2)
    assert outbox_worker.run_once()[Verdict.DELIVERED] == 1


def test_a_server_error_keeps_the_form_waiting_with_the_servers_words(
    station: Station, server: OpenRosaSim
) -> None:
    submit_renewals(station, 1)
    server.script.append(503)

    assert worker(station, connector(server.url), Clock()).run_once()[Verdict.RETRY] == 1
    assert [(e.state, e.last_error) for e in outbox(station)] == [
        ("pending", "503: Simulated failure.")
    ]
    assert server.stored == {}


def test_an_unreachable_server_keeps_every_form_waiting(
    station: Station, server: OpenRosaSim
) -> None:
    submit_renewals(station, 2)
    url = server.url
    server.stop()

    assert worker(station, connector(url), Clock()).run_once()[Verdict.RETRY] == 2
    assert {e.state for e in outbox(station)} == {"pending"}
    assert attempts(station) == [("retry", None)] * 2


# --- refused: dead letters a technician reads ---------------------------------------------


def test_the_same_instance_with_other_answers_goes_to_the_dead_letters_with_the_servers_message(
    station: Station, server: OpenRosaSim
) -> None:
    (submission_id,) = submit_renewals(station, 1)
    instance_id = f"uuid:{submission_id}"
    earlier = f"<data id='{FORM_ID}'><meta><instanceID>{instance_id}</instanceID></meta></data>"
    server.stored[instance_id] = earlier.encode()  # another upload under the same id

    assert worker(station, connector(server.url), Clock()).run_once()[Verdict.PERMANENT] == 1

    (entry,) = outbox(station)
    assert entry.state == "dead"
    assert entry.last_error == (
        f"409: A submission with instanceID {instance_id} already exists with different content."
    )
    assert server.stored[instance_id] == earlier.encode()  # the server's copy is untouched
    assert attempts(station) == [("permanent", 409)]


@pytest.mark.parametrize(
    ("where", "status"),
    [("bearer token", 401), ("app user key", 401), ("refused on upload", 403)],
)
def test_refused_credentials_go_to_the_dead_letters_saying_so(
    station: Station, where: str, status: int
) -> None:
    submit_renewals(station, 2)
    key = "k3y" if where == "app user key" else None
    with OpenRosaSim(token=None if key else TOKEN, app_user_key=key) as sim:
        url, token = sim.url, "wrong"
        if key:
            url, token = sim.url.replace("/k3y/", "/wrong-key/"), TOKEN
        if where == "refused on upload":
            token = TOKEN
            sim.script.extend([403, 403])
        assert (
            worker(station, connector(url, bearer_token=token), Clock()).run_once()[
                Verdict.PERMANENT
            ]
            == 2
        )
        assert sim.stored == {}
        if where != "refused on upload":
            assert sim.posts == 0  # refused at the pre-check: no answers were uploaded

    for entry in outbox(station):
        assert entry.state == "dead"
        assert (entry.last_error or "").startswith(
            f"{status}: the server refused the credentials: check the bearer_token, "
            "or the app user's key in the url"
        )


def test_a_form_over_the_servers_size_limit_is_refused_before_it_is_uploaded(
    station: Station,
) -> None:
    submit_renewals(station, 1)
    with OpenRosaSim(token=TOKEN, accept_content_length=300) as sim:
        assert worker(station, connector(sim.url), Clock()).run_once()[Verdict.PERMANENT] == 1
        assert (sim.heads, sim.posts) == (1, 0)

    (entry,) = outbox(station)
    assert entry.state == "dead"
    assert "the server accepts at most 300" in (entry.last_error or "")


def test_without_a_size_precheck_the_configured_limit_applies() -> None:
    sent = delivery({"notes": "x" * 500})
    with OpenRosaSim(token=TOKEN, answer_head=False) as sim:
        refused = connector(sim.url, max_size_bytes=400).send(sent)
        accepted = connector(sim.url, max_size_bytes=10_000).send(sent)

    assert (refused.status, refused.verdict) == (413, Verdict.PERMANENT)
    assert "at most 400" in (refused.message or "")
    assert accepted.verdict is Verdict.DELIVERED
    assert list(sim.stored) == [f"uuid:{sent.submission_id}"]


def test_a_login_page_answering_200_is_not_counted_as_stored(
    station: Station, server: OpenRosaSim
) -> None:
    submit_renewals(station, 1)
    server.script.append("login")

    assert worker(station, connector(server.url), Clock()).run_once()[Verdict.PERMANENT] == 1

    (entry,) = outbox(station)
    assert (entry.state, entry.confirmation) == ("dead", None)
    assert "login page" in (entry.last_error or "")
    assert "check the connector's url" in (entry.last_error or "")
    assert server.stored == {}
    assert attempts(station) == [("permanent", 200)]


def test_a_form_id_the_server_does_not_know_is_refused_with_its_message() -> None:
    with OpenRosaSim(token=TOKEN, forms=frozenset({"other_form"})) as sim:
        answer = connector(sim.url).send(delivery({"n": 1}))

    assert answer.status == 404 and answer.verdict in (None, Verdict.PERMANENT)
    assert answer.message == "404: There is no form with the id this submission names."
    assert sim.stored == {}


def test_field_names_that_cannot_be_xml_names_are_refused_not_renamed(
    station: Station, server: OpenRosaSim
) -> None:
    submit_reports(station, 1)  # a 311 report: its keys are Open311's "attribute[...]"

    assert worker(station, connector(server.url), Clock()).run_once()[Verdict.PERMANENT] == 1

    (entry,) = outbox(station)
    assert entry.state == "dead"
    assert "'attribute[" in (entry.last_error or "")
    assert "is not an XML element name" in (entry.last_error or "")
    assert (server.heads, server.posts) == (0, 0)


def test_no_message_ever_carries_an_answer(station: Station, server: OpenRosaSim) -> None:
    secret: dict[str, object] = {
        "first_name": "Zebulon",
        "last_name": "Quaxworth",
        "street": "77 Hidden Lane",
        "conditions": ["epilepsy"],
    }
    sent = delivery(secret)
    sender = connector(server.url)
    answers: list[Answer] = []
    faults: list[Fault] = [503, ("429", 5), "drop", "login", 403, 400]
    for fault in faults:
        server.script.append(fault)
        answers.append(sender.send(sent))
    server.stored[f"uuid:{sent.submission_id}"] = b"<data/>"
    answers.append(sender.send(sent))  # 409
    answers.append(connector(server.url, bearer_token="wrong").send(sent))
    answers.append(connector(server.url, max_size_bytes=10).send(delivery({"bad key": "x"})))
    submit_renewals(station, 1)
    server.script.append(500)
    worker(station, sender, Clock()).run_once()

    said = [a.message or "" for a in answers] + messages(station)
    assert all(said) and len(said) == 10
    values = [*(v for v in secret.values() if isinstance(v, str)), "epilepsy", "Lucía", "Núñez"]
    for message in said:
        for value in values:
            assert value not in message


# --- settings ---------------------------------------------------------------------------


def test_settings_are_checked_strictly_and_build_a_connector() -> None:
    url = "http://127.0.0.1:1/submission"
    assert isinstance(spec(url).build(), OpenRosaConnector)

    for bad in [
        {"max_size_bytes": "5000"},  # "5" is not a number
        {"root_element": "2data"},
        {"root_element": "xml_data"},
        {"url": "ftp://host/submission"},
        {"form_id": ""},
        {"password": "x"},  # unknown keys are refused
        {"bearer_token": "tok\nen"},  # a line break would split the header
    ]:
        with pytest.raises(pydantic.ValidationError) as refused:
            Spec.model_validate({**settings_for(url), **bad})
        assert TOKEN not in str(refused.value)


def test_the_token_and_a_url_with_a_key_never_show_in_a_repr() -> None:
    keyed = spec("http://127.0.0.1:1/v1/key/AbCdEf123/projects/1/submission")

    assert "AbCdEf123" not in repr(keyed) and TOKEN not in repr(keyed)
    assert TOKEN not in repr(keyed.build().spec)
