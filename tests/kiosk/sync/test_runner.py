"""The worker thread the kiosk runs: woken by a submission, back by itself after an outage.

Real time here (the runner sleeps and probes), so every wait is "until this
happens, or fail after a generous deadline" — never a threshold on how fast.
The runner's own idle sleep is stretched to an hour, so a form arriving can
only be the wake-up's doing, and the retry waits to ten minutes, so forms
going out after an outage can only be the probe's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.agency_sim import AgencySim
from kiosk.config import load_config
from kiosk.station import Station
from kiosk.sync import runner as runner_module
from kiosk.sync.runner import SyncState
from tests.kiosk.sync.test_worker import outbox, submit_reports

DEADLINE_S = 60.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


@pytest.fixture
def live_station(tmp_path: Path, agency: AgencySim, monkeypatch) -> Iterator[Station]:  # type: ignore[no-untyped-def]
    """A station on real time whose city reports go to the reference agency."""
    monkeypatch.setattr(runner_module, "IDLE_WAIT_S", 3600.0)
    path = tmp_path / "live.toml"
    path.write_text(
        '[station]\nid = "live-kiosk"\ndata_dir = "live-data"\n'
        "[sync]\nretry_first_ms = 600000\nprobe_seconds = 2\n"
        f'[agencies.city]\ntype = "rest_json"\nurl = "{agency.url}"\nconnect_timeout_s = 1.0\n'
        '[agencies.city.auth]\nkind = "bearer"\ntoken = "s3cret"\n',
        encoding="utf-8",
    )
    station = Station.open(load_config(path))
    yield station
    station.close()


def test_a_submitted_form_wakes_the_worker_and_goes_at_once(
    live_station: Station, agency: AgencySim
) -> None:
    states: list[SyncState] = []
    live_station.sync.start(states.append)
    wait_for(lambda: bool(states), "the first state")  # asleep now, for an hour

    (submission_id,) = submit_reports(live_station, 1)

    wait_for(lambda: submission_id in agency.stored, "the agency to hold the form")
    wait_for(lambda: live_station.sync.state().synced, "the station to show synced")
    assert outbox(live_station)[0].state == "delivered"


def test_forms_taken_while_the_agency_is_down_go_by_themselves_when_it_is_back(
    live_station: Station, agency: AgencySim
) -> None:
    agency.go_down()
    states: list[SyncState] = []
    live_station.sync.start(states.append)

    ids = submit_reports(live_station, 2)
    wait_for(
        lambda: bool(states) and states[-1].offline and states[-1].waiting == 2,
        "the station to show offline, two forms waiting",
    )
    assert agency.stored == {}
    agency.come_up()

    wait_for(lambda: set(agency.stored) == set(ids), "both forms at the agency")
    wait_for(lambda: bool(states) and states[-1].synced, "the station to show synced")
    assert not states[-1].offline
    assert [e.state for e in outbox(live_station)] == ["delivered", "delivered"]


CLAIM_AND_DIE = """
import sys
from kiosk.config import load_config
from kiosk.station import Station
station = Station.open(load_config(sys.argv[1]))
worker = station.sync.worker(senders=1)
print(len(worker.claim(10)), flush=True)
import os
os._exit(0)  # as if killed: no clean-up of any kind
"""


def test_a_restart_takes_back_at_once_what_a_killed_worker_on_this_machine_claimed(
    live_station: Station, agency: AgencySim
) -> None:
    (submission_id,) = submit_reports(live_station, 1)
    config = live_station.config.source
    done = subprocess.run(
        [sys.executable, "-c", CLAIM_AND_DIE, str(config)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    assert done.stdout.strip() == "1"
    (entry,) = outbox(live_station)
    assert entry.state == "sending" and entry.claimed_by is not None
    assert entry.claimed_by.split(":")[1] != str(os.getpid())

    worker = live_station.sync.worker(senders=1)
    assert worker.recover() == 1  # no five-minute wait: that process is gone
    worker.run_once()
    worker.close()

    assert submission_id in agency.stored
    assert outbox(live_station)[0].state == "delivered"


def test_a_claim_held_by_a_live_worker_is_left_alone(
    live_station: Station, agency: AgencySim
) -> None:
    submit_reports(live_station, 1)
    holder = live_station.sync.worker(senders=1)
    assert len(holder.claim(10)) == 1
    other = live_station.sync.worker(senders=1)

    assert other.recover() == 0  # the holder is this very process, alive
    assert sum(other.run_once().values()) == 0
    assert outbox(live_station)[0].state == "sending"
    holder.close()
    other.close()


def test_one_agency_down_while_another_answers_waits_its_backoff_without_hammering(
    tmp_path: Path, agency: AgencySim, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The probe finds the DMV's server answering; that must not make the city's
    waiting report due again and again while the city's server stays down."""
    monkeypatch.setattr(runner_module, "IDLE_WAIT_S", 3600.0)
    with AgencySim(token="dmv-token") as dmv:
        path = tmp_path / "two.toml"
        path.write_text(
            '[station]\nid = "two-kiosk"\ndata_dir = "two-data"\n'
            "[sync]\nretry_first_ms = 600000\nprobe_seconds = 2\n"
            f'[agencies.city]\ntype = "rest_json"\nurl = "{agency.url}"\n'
            "connect_timeout_s = 1.0\n"
            '[agencies.dmv]\nurl = "' + dmv.url + '"\n'
            '[agencies.dmv.auth]\nkind = "bearer"\ntoken = "dmv-token"\n',
            encoding="utf-8",
        )
        agency.go_down()
        station = Station.open(load_config(path))
        try:
            states: list[SyncState] = []
            station.sync.start(states.append)
            submit_reports(station, 1)
            wait_for(lambda: bool(states) and states[-1].offline, "the station to show offline")
            time.sleep(5)  # two and a half probe periods with the DMV answering each time

            (entry,) = outbox(station)
            # One try, or two when the jittered wait (0 to 10 min) happened to be short;
            # never the hundreds a probe waking it every round would make.
            assert entry.state == "pending" and entry.attempts <= 2
        finally:
            station.close()
