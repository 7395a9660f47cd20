"""A backlog of submitted street reports in a station's store, as the kiosk writes them.

Each one is a real form session answered like a citizen would, stored with
:func:`kiosk.submissions.submit_in` (encrypted, with its outbox row), a few
hundred per transaction so seeding 10,000 takes seconds, not minutes. The
receipts are not printed: that is not what the soak and the drain measure.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from pathlib import Path

from kiosk.config import load_config
from kiosk.station import Station
from kiosk.submissions import submit_in

SERVICE = "report-pothole"
AGENCY = "city"


def station_config(
    folder: Path,
    agency_url: str,
    token: str,
    *,
    store_url: str | None = None,
    extra: str = "",
) -> Path:
    """A station whose city agency is the reference server at ``agency_url``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "[station]",
        'id = "soak-kiosk"',
        'data_dir = "data"',
        "[sync]",
        "retry_first_ms = 50",
        "retry_max_seconds = 1",
        "probe_seconds = 2",
        extra,
        f"[agencies.{AGENCY}]",
        'type = "rest_json"',
        f'url = "{agency_url}"',
        "connect_timeout_s = 1.0",
        "read_timeout_s = 5.0",
        f"[agencies.{AGENCY}.auth]",
        'kind = "bearer"',
        f'token = "{token}"',
    ]
    if store_url:
        lines[3:3] = ["[store]", f'url = "{store_url}"']
    path = folder / "station.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seed(config_path: Path, count: int, per_transaction: int = 500) -> list[str]:
    """Store ``count`` submitted reports; their submission ids (the idempotency keys)."""
    from tests.helpers.sample_answers import street_problem
    from tests.kiosk.forms.test_sample_forms import walk

    station = Station.open(load_config(config_path))
    try:
        from kiosk.forms.engine import FormSession

        form_id = station.pack.service(SERVICE).form
        assert form_id is not None
        answered = FormSession(station.forms[form_id], "en", dt.date.today())
        walk(answered, street_problem(dt.date.today()))
        ids: list[str] = []
        while len(ids) < count:
            with station.transaction() as session:
                for _ in range(min(per_transaction, count - len(ids))):
                    form = copy.copy(answered)  # same answers, a new submission
                    form.submission_id = str(uuid.uuid4())
                    submit_in(
                        session,
                        form,
                        service_id=SERVICE,
                        agency_id=AGENCY,
                        station_id="soak-kiosk",
                        now=station.clock(),
                        cipher=station.cipher,
                    )
                    ids.append(form.submission_id)
        return ids
    finally:
        station.close()
