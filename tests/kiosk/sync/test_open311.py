"""Street problem reports delivered to a city's Open311 GeoReport v2 endpoint.

Reports are stored through the station as the kiosk does, then the outbox
worker sends them with the ``open311`` connector to :class:`Open311Sim` on
loopback, misbehaving as scripted. Open311 cannot recognise a resend, so the
tests read what the city holds to show that a request whose answer was lost
is never sent twice on its own.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.agency_sim.open311 import Open311Sim, Service, attribute, demo_services
from kiosk.station import Station
from kiosk.sync.open311 import Open311Connector, Spec
from kiosk.sync.policy import Verdict
from kiosk.sync.protocol import Answer, Delivery
from kiosk.sync.worker import OutboxWorker
from offline_cache.engine import make_sessionmaker
from offline_cache.models import DeliveryAttempt
from tests.helpers.sample_answers import street_problem
from tests.kiosk.sync.test_worker import Clock, attempts, outbox
from tests.kiosk.test_form_submit import filled

API_KEY = "city-key-7f3a"
CITY = "riverside"
POTHOLE = street_problem(dt.date(2026, 1, 1))  # large, in a bike lane, at 1200 Main St
STREETLIGHT = {
    **POTHOLE,
    "problem_type": "streetlight",
    "pole_number": "SL10482",
    "light_state": "dark",
}
AT_CORNER = {
    **{k: v for k, v in POTHOLE.items() if k != "street_address"},
    "location_type": "intersection",
    "cross_street_1": "Main St",
    "cross_street_2": "5th Ave",
}
# the sample pack's city, and a service whose attribute takes several answers
SERVICES = [
    *demo_services(),
    Service(
        "crack",
        "Cracked pavement",
        metadata=True,
        attributes=[
            attribute("kinds", "multivaluelist", values=[("crack", "Crack"), ("sunk", "Sunk")])
        ],
    ),
]


@pytest.fixture
def city() -> Iterator[Open311Sim]:
    with Open311Sim(api_key=API_KEY, services=SERVICES, jurisdiction_id=CITY) as sim:
        yield sim


def settings_for(url: str, **settings: Any) -> dict[str, Any]:
    return {
        "type": "open311",
        "url": url,
        "api_key": API_KEY,
        "jurisdiction_id": CITY,
        "service_code": "pothole",
        "fields": {
            "description": "description",
            "address_string": ["address_string", "intersection"],
            "email": "email",
            "lat": "lat",
            "long": "long",
        },
        "attributes": {
            "pothole_size": "attribute[pothole_size]",
            "in_bike_lane": "attribute[in_bike_lane]",
            "kinds": "kinds",
        },
        "connect_timeout_s": 1.0,
        "read_timeout_s": 2.0,
        **settings,
    }


def connector(url: str, **settings: Any) -> Open311Connector:
    return Spec.model_validate(settings_for(url, **settings)).build()


def worker(station: Station, sender: Open311Connector, clock: Clock) -> OutboxWorker:
    return OutboxWorker(
        make_sessionmaker(station.engine), station.cipher, lambda _service: sender, clock
    )


def report(station: Station, answers: dict[str, Any] = POTHOLE) -> str:
    form = filled(station, "report-street-problem", "en", answers)
    return station.submit_form("report-pothole", form).submission_id


def delivery(payload: dict[str, object]) -> Delivery:
    return Delivery(
        str(uuid.uuid4()),
        "CITY-7Q2K",
        "report-street-problem",
        1,
        "report-pothole",
        "en",
        "test-kiosk",
        dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC),
        payload,
    )


def messages(station: Station) -> list[str]:
    with Session(station.engine) as session:
        return [m for m in session.scalars(select(DeliveryAttempt.message)) if m]


# --- delivered ---------------------------------------------------------------------------


def test_a_pothole_report_becomes_a_service_request_and_comes_back_with_its_number(
    station: Station, city: Open311Sim
) -> None:
    report(station)

    assert worker(station, connector(city.url), Clock()).run_once()[Verdict.DELIVERED] == 1

    (held,) = city.stored
    assert held.service_code == "pothole"
    assert held.value("api_key") == API_KEY and held.value("jurisdiction_id") == CITY
    assert held.value("address_string") == "1200 Main St"
    assert held.attributes == {"pothole_size": "large", "in_bike_lane": "true"}
    (entry,) = outbox(station)
    assert (entry.state, entry.confirmation) == ("delivered", held.service_request_id)
    assert attempts(station) == [("delivered", 201)]


def test_a_report_at_an_intersection_is_sent_as_the_address_of_the_request(
    station: Station, city: Open311Sim
) -> None:
    report(station, AT_CORNER)

    assert worker(station, connector(city.url), Clock()).run_once()[Verdict.DELIVERED] == 1
    assert city.stored[0].value("address_string") == "Main St & 5th Ave"


def test_the_problem_the_visitor_chose_decides_the_service_code_when_so_configured(
    station: Station, city: Open311Sim
) -> None:
    report(station, STREETLIGHT)  # started from "Report a pothole", then chose a streetlight
    sender = connector(
        city.url,
        service_code_key="service_code",  # the sample form's output for problem_type
        attributes={
            "pole_number": "attribute[pole_number]",
            "light_state": "attribute[light_state]",
        },
    )

    assert worker(station, sender, Clock()).run_once()[Verdict.DELIVERED] == 1
    (held,) = city.stored
    assert held.service_code == "streetlight"
    assert held.attributes == {"pole_number": "SL10482", "light_state": "dark"}


def test_list_answers_are_repeated_attributes_and_a_point_is_a_location(
    city: Open311Sim,
) -> None:
    payload: dict[str, object] = {"lat": 33.9533, "long": -117.3962, "kinds": ["crack", "sunk"]}

    answer = connector(city.url, service_code="crack").send(delivery(payload))

    (held,) = city.stored
    assert answer.confirmation == held.service_request_id
    assert held.service_code == "crack"
    assert (held.value("lat"), held.value("long")) == ("33.9533", "-117.3962")
    assert held.form["attribute[kinds][]"] == ["crack", "sunk"]


def test_a_city_that_answers_with_a_token_gives_its_number_on_a_later_lookup(
    station: Station, city: Open311Sim
) -> None:
    city.answer_with_token, city.lookups_until_id = True, 2
    report(station)
    clock = Clock()
    outbox_worker = worker(station, connector(city.url), clock)

    assert outbox_worker.run_once()[Verdict.DELIVERED] == 1
    (entry,) = outbox(station)
    (held,) = city.stored
    assert (entry.confirmation, entry.agency_token) == (None, held.token)

    assert outbox_worker.resolve_tokens() == 0  # the city has no number for it yet
    assert outbox_worker.resolve_tokens() == 1
    (entry,) = outbox(station)
    assert entry.confirmation == held.service_request_id
    assert len(city.stored) == 1


def test_a_token_lookup_says_not_yet_then_gives_the_number(city: Open311Sim) -> None:
    city.answer_with_token, city.lookups_until_id = True, 2
    sender = connector(city.url)
    sent = sender.send(delivery({"address_string": "1 Elm St", "attribute[pothole_size]": "small"}))

    assert sent.token is not None and sent.confirmation is None
    assert sender.resolve(sent.token).confirmation is None
    assert sender.resolve(sent.token) == Answer(200, confirmation=city.stored[0].service_request_id)
    assert sender.resolve("no-such-token").status == 404


def test_many_threads_share_one_connector_and_every_report_is_filed_once(
    city: Open311Sim,
) -> None:
    sender = connector(city.url, connect_timeout_s=10.0)  # a busy test machine is no failure
    answers: list[Answer] = []

    def send() -> None:
        answers.append(
            sender.send(
                delivery({"address_string": "1 Elm St", "attribute[pothole_size]": "small"})
            )
        )

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.confirmation or "" for a in answers) == sorted(
        r.service_request_id for r in city.stored
    )
    assert len(city.stored) == 8


# --- refused and retried -----------------------------------------------------------------


def test_a_request_without_a_required_attribute_is_a_dead_letter_in_the_citys_words(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    sender = connector(city.url, attributes={})  # nobody mapped pothole_size

    assert worker(station, sender, Clock()).run_once()[Verdict.PERMANENT] == 1
    (entry,) = outbox(station)
    assert (entry.state, entry.last_error) == ("dead", "400: attribute[pothole_size] is required")
    assert city.stored == []


def test_a_wrong_api_key_is_a_dead_letter_that_says_so(station: Station, city: Open311Sim) -> None:
    report(station)

    assert (
        worker(station, connector(city.url, api_key="old"), Clock()).run_once()[Verdict.PERMANENT]
        == 1
    )
    (entry,) = outbox(station)
    assert (entry.state, entry.last_error) == ("dead", "403: api_key is missing or not valid")
    assert city.stored == []


def test_a_report_that_gives_no_place_is_refused_before_anything_is_sent(
    station: Station, city: Open311Sim
) -> None:
    report(station, AT_CORNER)  # the intersection is not mapped to address_string here
    sender = connector(city.url, fields={"address_string": "address_string"})

    assert worker(station, sender, Clock()).run_once()[Verdict.PERMANENT] == 1
    (entry,) = outbox(station)
    assert entry.state == "dead"
    assert "no location" in (entry.last_error or "")
    assert city.requests == 0


def test_a_429_is_not_asked_again_before_its_retry_after(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    clock = Clock()
    outbox_worker = worker(station, connector(city.url), clock)
    city.script.append(("429", 120))

    assert outbox_worker.run_once()[Verdict.RETRY] == 1
    clock.advance(seconds=119)
    assert sum(outbox_worker.run_once().values()) == 0  # not due yet
    clock.advance(seconds=2)
    assert outbox_worker.run_once()[Verdict.DELIVERED] == 1
    assert attempts(station) == [("retry", 429), ("delivered", 201)]
    assert len(city.stored) == 1


def test_a_city_error_keeps_the_report_waiting_and_it_is_filed_later(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    clock = Clock()
    outbox_worker = worker(station, connector(city.url), clock)
    city.script.append(503)

    assert outbox_worker.run_once()[Verdict.RETRY] == 1
    assert outbox(station)[0].last_error == "503: simulated failure"
    clock.advance(minutes=15)
    assert outbox_worker.run_once()[Verdict.DELIVERED] == 1
    assert len(city.stored) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_gateway_error_may_hide_a_stored_report_so_it_is_not_resent(
    station: Station, city: Open311Sim, status: int
) -> None:
    """A 502 or 504 often comes from a gateway that gave up on a city server which
    went on to file the report; a 500 may come after the save. Only 503 and 429
    say nothing was done."""
    report(station)
    clock = Clock()
    outbox_worker = worker(station, connector(city.url), clock)
    city.script.append(status)

    assert outbox_worker.run_once()[Verdict.UNCERTAIN] == 1
    (entry,) = outbox(station)
    assert entry.state == "uncertain"
    assert "the city may have stored it; a technician checks" in (entry.last_error or "")
    clock.advance(hours=1)
    assert sum(outbox_worker.run_once().values()) == 0  # never resent on its own


# --- the answer is lost: never resent blindly --------------------------------------------


def test_a_request_stored_whose_answer_was_lost_waits_for_a_technician_and_is_not_resent(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    clock = Clock()
    outbox_worker = worker(station, connector(city.url), clock)
    city.script.append("drop")  # the city stores it, then the connection closes

    assert outbox_worker.run_once()[Verdict.UNCERTAIN] == 1
    (entry,) = outbox(station)
    assert entry.state == "uncertain"
    assert "may have stored" in (entry.last_error or "")
    clock.advance(days=1)
    assert sum(outbox_worker.run_once().values()) == 0
    assert len(city.stored) == 1 and city.requests == 1
    assert attempts(station) == [("uncertain", None)]


def test_a_city_too_slow_to_answer_leaves_the_request_uncertain(city: Open311Sim) -> None:
    city.script.append(("slow", 30.0))  # stored at once, answered long after the timeout
    sender = connector(city.url, read_timeout_s=0.3)

    answer = sender.send(
        delivery({"address_string": "1 Elm St", "attribute[pothole_size]": "small"})
    )

    assert (answer.status, answer.uncertain) == (None, True)
    assert len(city.stored) == 1


def test_a_page_that_is_not_open311_answering_200_is_uncertain_not_delivered(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    city.script.append("html")  # a captive portal or a proxy's login page

    assert worker(station, connector(city.url), Clock()).run_once()[Verdict.UNCERTAIN] == 1
    (entry,) = outbox(station)
    assert (entry.state, entry.confirmation) == ("uncertain", None)
    assert attempts(station) == [("uncertain", 200)]


def test_a_station_that_stopped_mid_send_does_not_resend_on_restart(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    clock = Clock()
    sender = connector(city.url)
    elsewhere = worker(station, sender, clock)
    elsewhere.name = "other-kiosk/0123456789ab:4242:deadbeef"  # another machine
    assert len(elsewhere.claim(10)) == 1  # ...and that machine loses power here
    outbox_worker = worker(station, sender, clock)

    clock.advance(minutes=16)
    assert outbox_worker.recover() == 1
    assert [e.state for e in outbox(station)] == ["uncertain"]
    assert sum(outbox_worker.run_once().values()) == 0
    assert city.requests == 0


def test_a_city_that_refuses_connections_keeps_the_report_waiting_to_be_sent_again(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    url = city.url
    city.stop()  # nothing listens there any more

    assert worker(station, connector(url), Clock()).run_once()[Verdict.RETRY] == 1
    (entry,) = outbox(station)
    assert entry.state == "pending"
    assert (entry.last_error or "").startswith("no connection to the agency")


@pytest.fixture
def full_listener() -> Iterator[str]:
    """A port whose accept queue is full: a connection attempt times out unanswered,
    without a byte reaching anyone (Linux drops the SYN)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    waiting = []
    for _ in range(4):
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", port))
        waiting.append(client)
    yield f"http://127.0.0.1:{port}/open311/v2/"
    for client in waiting:
        client.close()
    server.close()


def test_a_connection_that_is_never_made_is_retried_not_uncertain(full_listener: str) -> None:
    sender = connector(full_listener, connect_timeout_s=0.3)

    answer = sender.send(delivery({"address_string": "1 Elm St"}))

    assert (answer.status, answer.uncertain, answer.verdict) == (None, False, None)
    assert (answer.message or "").startswith("no connection to the agency: ConnectTimeout")


def test_no_message_ever_carries_an_answer_or_the_api_key(
    station: Station, city: Open311Sim
) -> None:
    report(station)
    report(station)
    report(station)
    city.script.extend(["drop", 500, "html"])

    worker(station, connector(city.url), Clock()).run_once()
    url = city.url
    city.stop()
    report(station)
    worker(station, connector(url), Clock()).run_once()

    found = messages(station)
    assert len(found) == 4
    assert not [m for m in found if API_KEY in m or "Main St" in m or "large" in m]


# --- settings ----------------------------------------------------------------------------


def test_settings_are_checked_strictly_and_build_a_connector() -> None:
    spec = Spec.model_validate(settings_for("https://city.invalid/open311/v2"))
    assert spec.url == "https://city.invalid/open311/v2/"
    assert isinstance(spec.build(), Open311Connector)
    for wrong in (
        {"service_code": 311},  # a number where the city's code is text
        {"fields": {"zip_code": "zip"}},  # not an Open311 request field
        {"attributes": {"size[0]": "size"}},  # would change the parameter's meaning
        {"retries": 3},  # unknown setting
    ):
        with pytest.raises(ValidationError):
            Spec.model_validate(settings_for("https://city.invalid/", **wrong))


def test_left_out_fields_read_the_payload_keys_of_their_own_names() -> None:
    settings = settings_for("https://city.invalid/")
    del settings["fields"]
    sender = Spec.model_validate(settings).build()

    data = sender.form_data({"address_id": "A-17", "email": "ana@mail.invalid", "other": "x"})

    assert data is not None
    assert ("address_id", "A-17") in data and ("email", "ana@mail.invalid") in data
    assert "other" not in dict(data)
