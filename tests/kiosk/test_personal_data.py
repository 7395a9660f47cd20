"""Citizens' answers at rest: encrypted in the store, under a key only its owner reads."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.config import load_config
from kiosk.forms.engine import FormSession
from kiosk.station import Station
from kiosk.submissions import stored_answers
from offline_cache.crypto import AnswerCipher
from offline_cache.engine import StoreError
from offline_cache.models import Submission
from tests.helpers.sample_answers import license_renewal
from tests.kiosk.forms.test_sample_forms import walk

NOW = dt.datetime(2026, 11, 30, 15, 41, tzinfo=dt.UTC)
#: What a thief who copies the store file must not be able to read.
PERSONAL = ("D1234567", "Lucía", "Núñez", "1980-02-03", "12 Oak Ave", "9515550142")


def open_station(station_config: Path) -> Station:
    return Station.open(load_config(station_config), clock=lambda: NOW)


def renewal(station: Station) -> FormSession:
    form = FormSession(station.forms["driver-license-renewal"], "es", NOW.date())
    walk(form, license_renewal(NOW.date()))
    assert form.at_review and form.is_complete
    return form


def test_the_store_file_holds_no_personal_answer_in_plain_text(station_config: Path) -> None:
    station = open_station(station_config)
    outcome = station.submit_form("license-renewal", renewal(station))
    data_dir = station.config.data_dir
    station.close()

    raw = b"".join(path.read_bytes() for path in sorted(data_dir.glob("kiosk.db*")))
    assert outcome.reference.encode() in raw  # the right bytes: the reference is plain
    for value in PERSONAL:
        assert value.encode("utf-8") not in raw, value
    # ...and the station reads them back with its key
    station = open_station(station_config)
    with Session(station.engine) as session:
        stored = session.scalars(select(Submission)).one()
    assert stored_answers(stored, station.cipher)["last_name"] == "Núñez"
    station.close()


def test_the_key_is_made_on_first_start_and_readable_by_its_owner_only(
    station_config: Path,
) -> None:
    station = open_station(station_config)
    key = station.config.key_file
    station.close()

    assert key.is_file()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert open_station(station_config).config.key_file.read_bytes() == key.read_bytes()


def test_a_key_other_users_can_read_stops_the_station_with_what_to_do(
    station_config: Path,
) -> None:
    open_station(station_config).close()
    key = load_config(station_config).key_file
    os.chmod(key, 0o644)

    with pytest.raises(StoreError) as refused:
        open_station(station_config)

    assert str(key) in str(refused.value) and f"chmod 600 {key}" in str(refused.value)


def test_answers_stored_under_another_key_are_refused_not_misread(tmp_path: Path) -> None:
    ours = AnswerCipher.from_file(tmp_path / "ours.key")
    theirs = AnswerCipher.from_file(tmp_path / "theirs.key")
    token = theirs.encrypt('{"last_name": "Núñez"}')

    assert "Núñez" not in token
    with pytest.raises(StoreError, match="cannot be decrypted with this station's key"):
        ours.decrypt(token)


def test_a_file_that_is_not_a_key_is_refused_by_name(tmp_path: Path) -> None:
    bogus = tmp_path / "personal-data.key"
    bogus.write_text("hunter2\n")
    os.chmod(bogus, 0o600)

    with pytest.raises(StoreError, match="not a OneStop answers key") as refused:
        AnswerCipher.from_file(bogus)
    assert str(bogus) in str(refused.value)


def test_two_stations_making_the_key_at_once_end_up_with_one_key(tmp_path: Path) -> None:
    import threading

    key = tmp_path / "shared" / "personal-data.key"
    ciphers: list[AnswerCipher] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        ciphers.append(AnswerCipher.from_file(key))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(ciphers) == 4
    token = ciphers[0].encrypt("Núñez")
    assert all(cipher.decrypt(token) == "Núñez" for cipher in ciphers)  # one key for all
    assert [p.name for p in key.parent.iterdir()] == [key.name]  # no half-written leftovers


def test_a_missing_key_with_sealed_forms_in_the_store_is_not_replaced_by_a_new_one(
    station_config: Path, run_kiosk
) -> None:
    station = open_station(station_config)
    station.submit_form("license-renewal", renewal(station))
    key = station.config.key_file
    station.close()
    key.rename(key.with_name("moved-away.key"))  # a lost backup, a mistyped key_file

    with pytest.raises(StoreError) as refused:
        open_station(station_config)
    message = str(refused.value)
    assert f"{key}: the answers key is missing, but the store holds 1 submitted form" in message
    assert "restore the key file from its backup" in message
    assert not key.exists()  # no new key was made in its place

    result = run_kiosk("--config", str(station_config), "sync", "run", "--once")
    assert result.returncode == 3
    assert "the answers key is missing" in result.stderr and "Traceback" not in result.stderr
