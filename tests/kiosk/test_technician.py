"""Technician PINs: hashed, checked, locked after repeated mistakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.problems import InvalidFile
from kiosk.technician import TechnicianAccess, hash_pin


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def test_right_pin_opens_and_wrong_ones_lock_for_five_minutes() -> None:
    clock = Clock()
    access = TechnicianAccess(hash_pin("246810"), clock)

    assert access.verify("246810")
    for _ in range(5):
        assert not access.verify("000000")
    assert not access.verify("246810")  # locked, even for the right PIN
    assert access.locked_for() == dt.timedelta(minutes=5)

    clock.now += dt.timedelta(minutes=5, seconds=1)
    assert access.locked_for() is None
    assert access.verify("246810")


def test_a_success_resets_the_count_of_mistakes() -> None:
    access = TechnicianAccess(hash_pin("246810"), Clock())
    for _ in range(4):
        access.verify("000000")
    assert access.verify("246810")
    for _ in range(4):
        access.verify("000000")
    assert access.locked_for() is None


def test_no_configured_pin_means_no_technician_mode() -> None:
    access = TechnicianAccess(None, Clock())
    assert not access.enabled and not access.verify("")


@pytest.mark.parametrize("pin", ["12345", "abcdef", "12 3456", ""])
def test_weak_pins_are_refused(pin: str) -> None:
    with pytest.raises(ValueError, match="at least 6 digits"):
        hash_pin(pin)


def test_hash_pin_command_prints_the_config_lines_that_then_work(tmp_path: Path, run_kiosk) -> None:
    import subprocess
    import sys

    made = subprocess.run(
        [sys.executable, "-m", "kiosk", "technician", "hash-pin"],
        input="246810\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith('[technician]\npin_hash = "$argon2id$')
    assert "246810" not in made.stdout
    config = tmp_path / "station.toml"
    config.write_text(made.stdout, encoding="utf-8")
    pin_hash = load_config(config).settings.technician.pin_hash
    assert TechnicianAccess(pin_hash, Clock()).verify("246810")


def test_a_plain_pin_in_the_config_is_refused_without_echoing_it(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text('[technician]\npin_hash = "246810"\n', encoding="utf-8")

    with pytest.raises(InvalidFile) as caught:
        load_config(config)
    (problem,) = caught.value.problems
    assert problem.key == "technician.pin_hash"
    assert "never the PIN itself" in problem.message
    assert "246810" not in str(problem)
