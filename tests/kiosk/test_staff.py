"""Counter staff: who may sign in, the shared lockout, and ``kiosk staff`` at the shell.

The lockout is kept in the store, so it is tested on both backends with two
directories (two counters) sharing one store; the rest runs on a SQLite file.
"""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.cli import main
from kiosk.config import load_config
from kiosk.staff import SignInRefused, StaffDirectory, StaffError, StaffMember
from offline_cache.engine import make_engine, make_sessionmaker
from offline_cache.migrate import upgrade
from offline_cache.models import Staff, StaffAudit

CHICAGO = ZoneInfo("America/Chicago")
NOT_RECOGNISED = "Staff id or PIN not recognised."


class Clock:
    """The time the directory sees; tests move it by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def tries_left(n: int) -> str:
    return (
        f"{NOT_RECOGNISED} {n} more {'try' if n == 1 else 'tries'} before this account is locked."
    )


def locked_for(minutes: int) -> str:
    plural = "s" if minutes != 1 else ""
    return (
        f"Too many wrong PINs: this account is locked for {minutes} more minute{plural}. "
        "A technician can reset the PIN."
    )


def refusal(directory: StaffDirectory, staff_id: str, pin: str) -> str:
    with pytest.raises(SignInRefused) as refused:
        directory.sign_in(staff_id, pin, counter="4")
    return str(refused.value)


def audit_actions(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    with sessions() as session:
        return [
            (row.staff_id, row.action)
            for row in session.scalars(select(StaffAudit).order_by(StaffAudit.id))
        ]


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2025, 1, 14, 9, 0, tzinfo=CHICAGO))


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A SQLite store of its own (the lockout test runs on both backends)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'store' / 'kiosk.db'}")
    upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def directory(sessions: sessionmaker[Session], clock: Clock) -> StaffDirectory:
    directory = StaffDirectory(sessions, "counter-pc-4", clock)
    directory.add("maria.lopez", "Maria Lopez", "2468")
    return directory


# --- signing in ------------------------------------------------------------------------------


def test_added_staff_member_signs_in_with_their_pin(directory: StaffDirectory) -> None:
    assert directory.sign_in(" Maria.Lopez ", "2468", counter="4") == StaffMember(
        "maria.lopez", "Maria Lopez"
    )
    assert directory.members() == [StaffMember("maria.lopez", "Maria Lopez", True, None)]


def test_wrong_pin_message_counts_down_the_tries_left(directory: StaffDirectory) -> None:
    messages = [refusal(directory, "maria.lopez", "1111") for _ in range(4)]

    assert messages == [tries_left(4), tries_left(3), tries_left(2), tries_left(1)]
    # The right PIN before the fifth wrong one starts the count again.
    assert directory.sign_in("maria.lopez", "2468").id == "maria.lopez"
    assert refusal(directory, "maria.lopez", "1111") == tries_left(4)


def test_five_wrong_pins_lock_the_account_at_every_counter_for_15_minutes(
    store: Engine, clock: Clock
) -> None:
    sessions = make_sessionmaker(store)
    counter_4 = StaffDirectory(sessions, "counter-pc-4", clock)
    counter_7 = StaffDirectory(sessions, "counter-pc-7", clock)
    counter_4.add("maria.lopez", "Maria Lopez", "2468")
    for directory in (counter_4, counter_7, counter_4, counter_7):
        refusal(directory, "maria.lopez", "1357")

    with pytest.raises(SignInRefused) as fifth:
        counter_7.sign_in("maria.lopez", "1357")

    assert str(fifth.value) == locked_for(15)
    assert fifth.value.locked_for == dt.timedelta(minutes=15)
    with sessions() as session:
        staff = session.get(Staff, "maria.lopez")
        assert staff is not None and staff.locked_until == clock.now + dt.timedelta(minutes=15)
    clock.advance(minutes=1)
    assert refusal(counter_4, "maria.lopez", "2468") == locked_for(14)  # even the right PIN
    clock.advance(minutes=13, seconds=30)
    assert refusal(counter_7, "maria.lopez", "2468") == locked_for(1)
    clock.advance(seconds=30)  # 15 minutes after the fifth wrong PIN
    assert counter_4.sign_in("maria.lopez", "2468").id == "maria.lopez"
    assert [action for _, action in audit_actions(sessions)] == [
        "staff_add",
        *["sign_in_failed"] * 4,
        "lockout",
        "sign_in_locked",
        "sign_in_locked",
        "sign_in",
    ]


def test_a_new_pin_from_the_technician_lifts_the_lockout(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    directory = StaffDirectory(sessions, "counter-pc-4", clock, max_attempts=2)
    directory.add("maria.lopez", "Maria Lopez", "2468")
    refusal(directory, "maria.lopez", "0000")
    refusal(directory, "maria.lopez", "0000")
    assert refusal(directory, "maria.lopez", "2468") == locked_for(15)

    directory.reset_pin("maria.lopez", "97531")

    assert directory.members()[0].locked_until is None
    assert refusal(directory, "maria.lopez", "2468") == tries_left(1)
    assert directory.sign_in("maria.lopez", "97531").id == "maria.lopez"


def test_disabled_staff_member_cannot_sign_in_until_enabled(directory: StaffDirectory) -> None:
    directory.set_active("maria.lopez", False)

    assert refusal(directory, "maria.lopez", "2468").startswith(NOT_RECOGNISED)
    assert directory.members()[0].active is False
    directory.set_active("maria.lopez", True)
    assert directory.sign_in("maria.lopez", "2468").id == "maria.lopez"


def test_an_unknown_id_is_answered_exactly_as_a_wrong_pin(
    directory: StaffDirectory, clock: Clock
) -> None:
    directory.add("obi.okafor", "Obi Okafor", "8642")
    wrong_pin = [refusal(directory, "obi.okafor", "1111") for _ in range(5)]
    unknown = [refusal(directory, "nobody", "1111") for _ in range(6)]

    assert wrong_pin == [*(tries_left(n) for n in (4, 3, 2, 1)), locked_for(15)]
    assert unknown == [*wrong_pin, locked_for(15)]
    clock.advance(minutes=15)
    assert refusal(directory, "nobody", "1111") == refusal(directory, "obi.okafor", "1111")
    assert refusal(directory, "", "1111") == tries_left(4)


def test_pins_are_4_to_12_digits(directory: StaffDirectory) -> None:
    for pin in ("123", "1234567890123", "12a4", "", "12 34"):
        with pytest.raises(StaffError, match=r"^a staff PIN is 4 to 12 digits$"):
            directory.add("new.clerk", "New Clerk", pin)
        with pytest.raises(StaffError, match=r"^a staff PIN is 4 to 12 digits$"):
            directory.reset_pin("maria.lopez", pin)

    directory.add("short.pin", "Short Pin", "1234")
    directory.add("long.pin", "Long Pin", "123456789012")
    assert directory.sign_in("long.pin", "123456789012").id == "long.pin"
    assert directory.sign_in("maria.lopez", "2468").id == "maria.lopez"  # PIN unchanged


def test_staff_ids_are_lowercase_sign_in_names_given_once(directory: StaffDirectory) -> None:
    for bad in ("Maria", "-maria", "maria lopez", "", "m" * 65, "maría"):
        with pytest.raises(StaffError, match="lowercase letters, digits, dot, dash or underscore"):
            directory.add(bad, "Someone", "1234")
    with pytest.raises(StaffError, match="exists already; use reset-pin or enable"):
        directory.add("maria.lopez", "Another Maria", "1234")
    with pytest.raises(StaffError, match="needs a name"):
        directory.add("no.name", "  ", "1234")
    with pytest.raises(StaffError, match=r"^no staff member 'ghost' \(kiosk staff list"):
        directory.set_active("ghost", False)

    for good in ("m" * 64, "j_2-x.y", "7seven"):
        directory.add(good, "Fine", "1234")
    assert len(directory.members()) == 4


def test_every_change_and_every_attempt_is_audited(
    directory: StaffDirectory, sessions: sessionmaker[Session]
) -> None:
    directory.sign_in("maria.lopez", "2468")
    refusal(directory, "maria.lopez", "0000")
    refusal(directory, "ghost", "0000")
    directory.set_active("maria.lopez", False)
    refusal(directory, "maria.lopez", "2468")
    directory.set_active("maria.lopez", True)
    directory.reset_pin("maria.lopez", "1357")

    assert audit_actions(sessions) == [
        ("maria.lopez", "staff_add"),
        ("maria.lopez", "sign_in"),
        ("maria.lopez", "sign_in_failed"),
        ("ghost", "sign_in_unknown"),
        ("maria.lopez", "staff_disable"),
        ("maria.lopez", "sign_in_disabled"),
        ("maria.lopez", "staff_enable"),
        ("maria.lopez", "staff_reset_pin"),
    ]  # the lockout's lines: test_five_wrong_pins_lock_the_account_at_every_counter...


def test_the_store_keeps_an_argon2_hash_never_the_pin(
    directory: StaffDirectory, sessions: sessionmaker[Session]
) -> None:
    refusal(directory, "maria.lopez", "1111")
    directory.sign_in("maria.lopez", "2468")

    with sessions() as session:
        staff = session.get(Staff, "maria.lopez")
        assert staff is not None
        assert staff.pin_hash.startswith("$argon2id$")
        assert "2468" not in staff.pin_hash
        details = [line.detail or "" for line in session.scalars(select(StaffAudit))]
    assert not any("2468" in d or "1111" in d for d in details)


# --- kiosk staff, kiosk demo ---------------------------------------------------------------


def kiosk(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def real_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_technician_manages_staff_from_the_shell(
    station_config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ["--config", str(station_config), "staff"]

    added = kiosk(
        capsys, monkeypatch, *config, "add", "maria.lopez", "--name", "Maria Lopez", stdin="2468\n"
    )
    kiosk(capsys, monkeypatch, *config, "add", "obi.okafor", "--name", "Obi Okafor", stdin="1357")
    kiosk(capsys, monkeypatch, *config, "add", "ana.ruiz", "--name", "Ana Ruiz", stdin="9999\n")
    disabled = kiosk(capsys, monkeypatch, *config, "disable", "obi.okafor")
    engine = make_engine(load_config(str(station_config)).store_url)
    try:
        sessions = make_sessionmaker(engine)
        directory = StaffDirectory(sessions, "counter-pc-4", real_clock)
        refusal(
            StaffDirectory(sessions, "counter-pc-4", real_clock, max_attempts=1), "ana.ruiz", "0"
        )
        listed = kiosk(capsys, monkeypatch, *config, "list")
        reset = kiosk(capsys, monkeypatch, *config, "reset-pin", "ana.ruiz", stdin="4321\n")
        enabled = kiosk(capsys, monkeypatch, *config, "enable", "obi.okafor")
        assert directory.sign_in("ana.ruiz", "4321").id == "ana.ruiz"
        assert directory.sign_in("obi.okafor", "1357").id == "obi.okafor"
        relisted = kiosk(capsys, monkeypatch, *config, "list")
    finally:
        engine.dispose()

    assert added == (
        0,
        "added maria.lopez (Maria Lopez); they can sign in at any counter\n",
        "",
    )
    assert disabled == (0, "obi.okafor disabled\n", "")
    code, out, _ = listed
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0 and list(rows) == ["ana.ruiz", "maria.lopez", "obi.okafor"]
    assert "active, locked until " in rows["ana.ruiz"] and rows["ana.ruiz"].endswith(" UTC")
    assert rows["maria.lopez"].split()[-1] == "active" and "Maria Lopez" in rows["maria.lopez"]
    assert rows["obi.okafor"].split()[-1] == "disabled"
    assert reset == (0, "new PIN set for ana.ruiz; any lockout is lifted\n", "")
    assert enabled == (0, "obi.okafor enabled\n", "")
    assert [line.split()[-1] for line in relisted[1].splitlines()] == ["active"] * 3
    assert "2468" not in added[1] + listed[1]


def test_bad_staff_id_or_pin_at_the_shell_is_exit_2_and_one_clear_line(
    station_config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ["--config", str(station_config), "staff"]

    bad_id = kiosk(capsys, monkeypatch, *config, "add", "Maria Lopez", "--name", "M", stdin="2468")
    bad_pin = kiosk(capsys, monkeypatch, *config, "add", "maria.lopez", "--name", "M", stdin="12")
    nobody = kiosk(capsys, monkeypatch, *config, "disable", "nobody")
    empty = kiosk(capsys, monkeypatch, *config, "list")

    assert bad_id[0] == 2 and bad_id[2].startswith(
        "error: staff id 'Maria Lopez': lowercase letters, digits, dot, dash or underscore"
    )
    assert bad_pin[:3] == (2, "", "error: a staff PIN is 4 to 12 digits\n")
    assert nobody == (2, "", "error: no staff member 'nobody' (kiosk staff list shows them)\n")
    assert empty == (0, "no staff yet: kiosk staff add <id> --name '<name>'\n", "")
    assert all(len(result[2].splitlines()) <= 1 for result in (bad_id, bad_pin, nobody))


def test_demo_counter_is_set_up_with_a_clerk_who_signs_in_as_demo_1234(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "demo"

    first = kiosk(
        capsys, monkeypatch, "demo", "--role", "counter", "--setup-only", "--data-dir", str(data)
    )
    again = kiosk(
        capsys, monkeypatch, "demo", "--role", "counter", "--setup-only", "--data-dir", str(data)
    )

    assert first[0] == 0 and again[0] == 0
    assert "demo counter: sign in as 'demo' with PIN 1234" in first[1]
    settings = tomllib.loads((data / "counter.toml").read_text(encoding="utf-8"))
    assert settings["station"]["role"] == "counter"
    assert settings["station"]["id"] == "demo-counter"
    config = load_config(str(data / "counter.toml"))
    assert config.settings.station.role == "counter"
    engine = make_engine(config.store_url)
    try:
        directory = StaffDirectory(make_sessionmaker(engine), "demo-counter", real_clock)
        assert directory.sign_in("demo", "1234") == StaffMember("demo", "Demo Clerk")
        assert [m.id for m in directory.members()] == ["demo"]  # made once
    finally:
        engine.dispose()


def test_demo_display_writes_its_own_config_beside_the_kiosks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "demo"

    code, out, err = kiosk(
        capsys, monkeypatch, "demo", "--role", "display", "--setup-only", "--data-dir", str(data)
    )

    assert (code, err) == (0, "")
    assert f"demo station ready: {data / 'display.toml'}" in out
    assert "sign in as" not in out
    config = load_config(str(data / "display.toml"))
    assert config.settings.station.role == "display"
    assert config.settings.station.id == "demo-display"
    assert not (data / "counter.toml").exists()
