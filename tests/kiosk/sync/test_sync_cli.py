"""``kiosk sync ...`` and ``kiosk agency-sim``, run as a technician runs them.

Real processes, a real store, the reference agencies over loopback. What is
checked is what the technician reads on the terminal and what the agency and
the store hold afterwards.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.agency_sim import AgencySim
from kiosk.station import Station
from offline_cache.models import Submission, SyncAudit
from tests.kiosk.sync.test_worker import outbox, submit_reports


def route_city_to(station: Station, url: str, token: str) -> Path:
    """The station's config with the city's reports going to ``url`` (rest_json)."""
    path = station.config.source
    assert path is not None
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'[agencies.city]\ntype = "rest_json"\nurl = "{url}"\nconnect_timeout_s = 1.0\n'
        + f'[agencies.city.auth]\nkind = "bearer"\ntoken = "{token}"\n'
        + "[sync]\nretry_first_ms = 10\n",
        encoding="utf-8",
    )
    return path


def references(station: Station) -> list[str]:
    with Session(station.engine) as session:
        return list(session.scalars(select(Submission.reference).order_by(Submission.created_at)))


def test_sync_run_once_sends_everything_due_and_says_what_happened(
    station: Station, agency: AgencySim, run_kiosk
) -> None:
    ids = submit_reports(station, 3)
    config = route_city_to(station, agency.url, "s3cret")

    result = run_kiosk("--config", str(config), "sync", "run", "--once")

    assert result.returncode == 0, result.stderr
    assert "delivered 3, to retry 0, refused 0, uncertain 0; now 0 waiting" in result.stdout
    assert sorted(agency.stored) == sorted(ids)


def test_a_technician_lists_retries_and_discards_refused_forms_from_the_terminal(
    station: Station, agency: AgencySim, run_kiosk
) -> None:
    submit_reports(station, 2)
    config = route_city_to(station, agency.url, "wrong-token")
    cli = ("--config", str(config), "sync")

    refused = run_kiosk(*cli, "run", "--once")
    assert refused.returncode == 1  # something needs a technician
    assert "refused 2" in refused.stdout
    listed = run_kiosk(*cli, "list")
    first, second = references(station)
    assert f"dead      {first}  report-pothole  tries=1" in listed.stdout
    assert "last: 401: wrong or missing token" in listed.stdout
    assert "2 submission(s) not delivered" in listed.stdout

    config.write_text(
        config.read_text(encoding="utf-8").replace("wrong-token", "s3cret"), encoding="utf-8"
    )
    assert run_kiosk(*cli, "retry", first.lower(), "--note", "token fixed").returncode == 0
    no_reason = run_kiosk(*cli, "discard", second)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    discarded = run_kiosk(*cli, "discard", second, "--reason", "sent twice by the citizen")
    assert discarded.returncode == 0, discarded.stderr
    again = run_kiosk(*cli, "run", "--once")

    assert "delivered 1" in again.stdout and again.returncode == 0
    assert [e.state for e in outbox(station)] == ["delivered", "discarded"]
    with Session(station.engine) as session:
        trail = [(a.action, a.reference, a.note) for a in session.scalars(select(SyncAudit))]
    assert [(action, ref) for action, ref, _ in trail] == [("retry", first), ("discard", second)]
    assert trail[1][2] == "sent twice by the citizen"
    assert all(a[0].startswith("cli") for a in _actors(station))


def _actors(station: Station) -> list[tuple[str]]:
    with Session(station.engine) as session:
        return [(a,) for a in session.scalars(select(SyncAudit.actor))]


def test_an_action_on_an_unknown_reference_is_one_clear_line(station: Station, run_kiosk) -> None:
    config = station.config.source
    result = run_kiosk("--config", str(config), "sync", "retry", "CITY-0000-0000")

    assert result.returncode == 2
    assert result.stderr.strip() == "error: no submission with the reference CITY-0000-0000"


def free_ports(count: int) -> int:
    """A first port with ``count`` free ports from it (for agency-sim's three servers)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        taken = False
        for port in range(first, first + count):
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    taken = True
        if not taken:
            return first
    pytest.fail("no three free ports in a row")


def test_the_demo_delivers_to_all_three_reference_agencies(tmp_path: Path, run_kiosk) -> None:
    """``make run``'s pair: ``kiosk agency-sim`` beside the demo station. Each sample
    form goes to its agency by its own connector (rest_json, OpenRosa, Open311)."""
    import datetime as dt

    from kiosk.config import load_config
    from kiosk.forms.engine import FormSession
    from tests.helpers.sample_answers import SAMPLE_SERVICES
    from tests.kiosk.forms.test_sample_forms import walk

    port = free_ports(3)
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "agency-sim", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        banner = [sim.stdout.readline() for _ in range(4)]
        assert banner[-1].startswith("reference agencies running"), banner
        assert run_kiosk("demo", "--data-dir", "demo", "--setup-only").returncode == 0
        config = tmp_path / "demo" / "station.toml"
        text = config.read_text(encoding="utf-8")
        # The pack names ports 8765-8767; this test's servers are on free ones.
        city = f'[agencies.city]\nurl = "http://127.0.0.1:{port + 2}/open311/v2/"\n'
        text = text.replace("[agencies.city]\n", city)
        text += f'[agencies.dmv]\nurl = "http://127.0.0.1:{port}/v1/submissions"\n'
        text += f'[agencies.clerk]\nurl = "http://127.0.0.1:{port + 1}/submission"\n'
        config.write_text(text, encoding="utf-8")
        station = Station.open(load_config(config))
        try:
            today = dt.date.today()
            for service, (form_id, answers) in SAMPLE_SERVICES.items():
                form = FormSession(station.forms[form_id], "en", today)
                walk(form, answers(today))
                station.submit_form(service, form)
        finally:
            station.close()

        result = run_kiosk("--config", str(config), "sync", "run", "--once")
        assert result.returncode == 0, result.stderr
        assert "delivered 3, to retry 0, refused 0, uncertain 0" in result.stdout
    finally:
        sim.terminate()
        out, _ = sim.communicate(timeout=10)
    assert "held: rest_json 1, openrosa 1, open311 1" in out


def test_agency_sim_says_clearly_when_its_ports_are_taken(run_kiosk) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kiosk("agency-sim", "--port", str(port))
    assert result.returncode == 3  # it gives up at once rather than wait
    assert f"cannot listen on 127.0.0.1:{port}-{port + 2}" in result.stderr
