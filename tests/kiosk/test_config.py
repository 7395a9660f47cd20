"""The station config a technician edits: defaults, clear problems, paths, the CLI views."""

from __future__ import annotations

import textwrap
from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.config import ENV_VAR, SAMPLE_PACK, SECTIONS, Settings, load_config
from kiosk.problems import InvalidFile, Problem


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InvalidFile) as caught:
        load_config(path)
    return caught.value.problems


def test_no_config_file_runs_on_the_declared_defaults(isolated_home: Path) -> None:
    config = load_config()

    assert config.source is None
    assert config.settings == Settings()
    assert config.settings.station.id == "kiosk-01"
    assert config.settings.kiosk.idle_warning_seconds >= 20
    assert config.data_dir.is_relative_to(isolated_home / "data")
    assert config.store_url == f"sqlite:///{config.data_dir / 'kiosk.db'}"
    assert config.pack_dir == SAMPLE_PACK
    assert config.spool_dir == config.data_dir / "spool"


def test_named_config_file_that_does_not_exist_is_one_clear_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "station.toml"

    problems = problems_of(missing)

    assert [str(p) for p in problems] == [f"{missing}: config file not found"]


def test_bad_toml_syntax_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "station.toml",
        """\
        [station]
        id = "kiosk-02"
        name = "Kiosk by the door
        """,
    )

    (problem,) = problems_of(path)

    assert problem.file == path
    assert "not valid TOML" in problem.message
    assert "line 3" in problem.message
    assert str(problem).startswith(f"{path}: ")


def test_file_that_is_not_utf8_is_one_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_bytes(b'[station]\nname = "Quiosco \xf1"\n')

    (problem,) = problems_of(path)

    assert problem.file == path
    assert "cannot read the file" in problem.message


@pytest.mark.parametrize(
    ("toml", "key", "expected"),
    [
        pytest.param(
            '[station]\nnmae = "Kiosk"\n', "station.nmae", ["unknown key"], id="unknown-key"
        ),
        pytest.param('[colours]\nbg = "red"\n', "colours", ["unknown key"], id="unknown-section"),
        pytest.param(
            '[kiosk]\nidle_timeout_seconds = "sixty"\n',
            "kiosk.idle_timeout_seconds",
            ["valid integer", "'sixty'"],
            id="wrong-type",
        ),
        pytest.param(
            "[kiosk]\nidle_warning_seconds = 10\n",
            "kiosk.idle_warning_seconds",
            ["WCAG", "20", "(got 10)"],
            id="warning-shorter-than-wcag",
        ),
        pytest.param(
            '[station]\nlanguages = ["en", "fr"]\n',
            "station.languages",
            ["unsupported language fr", "en, es"],
            id="unknown-language",
        ),
        pytest.param(
            '[station]\nlanguages = ["en", "en"]\n',
            "station.languages",
            ["listed twice"],
            id="language-twice",
        ),
        pytest.param(
            '[station]\nlanguages = ["es"]\n',
            "station.default_language",
            ["must be one of languages", "'en'"],
            id="default-language-not-offered",
        ),
        pytest.param(
            '[station]\ndefault_language = "es"\nlanguages = ["en"]\n',
            "station.default_language",
            ["must be one of languages", "'es'"],
            id="explicit-default-language-not-offered",
        ),
        pytest.param(
            '[station]\ntimezone = "America/Springfield"\n',
            "station.timezone",
            ["unknown time zone", "America/Chicago", "America/Springfield"],
            id="bad-timezone",
        ),
        pytest.param(
            '[station]\ntimezone = "../../etc/passwd"\n',
            "station.timezone",
            ["unknown time zone"],
            id="timezone-path",
        ),
        pytest.param(
            '[store]\nurl = "mysql://db.example/kiosk"\n',
            "store.url",
            ["sqlite:///", "postgresql+psycopg://", "mysql://db.example/kiosk"],
            id="bad-store-url",
        ),
        pytest.param(
            '[store]\nurl = "postgresql+psycopg://kiosk@db:port/onestop"\n',
            "store.url",
            ["not a valid database URL", "postgresql+psycopg://user@host:5432/onestop"],
            id="unparseable-store-url",
        ),
        pytest.param(
            '[station]\nid = "Kiosk One"\n',
            "station.id",
            ["pattern", "Kiosk One"],
            id="bad-station-id",
        ),
        pytest.param(
            '[station]\nrole = "printer"\n',
            "station.role",
            ["kiosk", "counter", "display"],
            id="unknown-role",
        ),
        pytest.param(
            '[printer]\nbackend = "laser"\n',
            "printer.backend",
            ["'pdf', 'escpos-network', 'escpos-serial', 'escpos-usb' or 'cups'", "laser"],
            id="unknown-printer-backend",
        ),
        pytest.param(
            '[kiosk]\nask_priority = "yes"\n',
            "kiosk.ask_priority",
            ["true or false", "'yes'"],
            id="quoted-boolean",
        ),
        pytest.param(
            '[kiosk]\nidle_timeout_seconds = "60"\n',
            "kiosk.idle_timeout_seconds",
            ["valid integer", "'60'"],
            id="quoted-number",
        ),
        pytest.param(
            '[store]\nurl = "mysql://kiosk:s3cret@db/kiosk"\n',
            "store.url",
            ["sqlite:///", "kiosk:***@db"],
            id="store-url-password-never-echoed",
        ),
        pytest.param(
            '[printer]\nbackend = "escpos-network"\n',
            "printer.backend",
            ["escpos-network needs printer.host"],
            id="network-printer-without-host",
        ),
        pytest.param(
            '[printer]\nbackend = "escpos-usb"\nvendor_id = 0x04b8\n',
            "printer.backend",
            ["escpos-usb needs printer.vendor_id and printer.product_id"],
            id="usb-printer-without-product-id",
        ),
        pytest.param(
            '[printer]\nbackend = "escpos-serial"\ndevice = "/dev/ttyS0"\nbaudrate = 12345\n',
            "printer.baudrate",
            ["9600", "115200", "(got 12345)"],
            id="odd-serial-speed",
        ),
        pytest.param(
            '[printer]\nbackend = "escpos-network"\nhost = "10.0.0.51"\ntimeout_ms = 5\n',
            "printer.timeout_ms",
            ["at least 100", "(got 5)"],
            id="printer-timeout-too-short",
        ),
        pytest.param(
            "[printer]\npaper_width_mm = 70\n",
            "printer.paper_width_mm",
            ["58 or 80", "70"],
            id="bad-paper-width",
        ),
    ],
)
def test_each_mistake_is_one_line_naming_file_key_and_problem(
    tmp_path: Path, toml: str, key: str, expected: list[str]
) -> None:
    path = write(tmp_path / "station.toml", toml)

    (problem,) = problems_of(path)

    assert problem.file == path
    assert problem.key == key
    for fragment in expected:
        assert fragment in problem.message
    line = str(problem)
    assert line.startswith(f"{path}: {key}: ")
    assert "\n" not in line
    assert "s3cret" not in line


def test_several_mistakes_are_all_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "station.toml",
        """\
        [station]
        timezone = "Mars/Olympus_Mons"
        languages = ["en", "tlh"]
        [kiosk]
        idle_warning_seconds = 5
        idle_timout_seconds = 90
        [store]
        url = "oracle://x"
        """,
    )

    problems = problems_of(path)

    assert {p.key for p in problems} == {
        "station.timezone",
        "station.languages",
        "kiosk.idle_warning_seconds",
        "kiosk.idle_timout_seconds",
        "store.url",
    }
    assert all(p.file == path for p in problems)


def test_relative_paths_resolve_against_the_config_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "etc" / "onestop"
    path = write(
        folder / "station.toml",
        """\
        [station]
        data_dir = "data"
        [content]
        pack = "../packs/riverside"
        [printer]
        spool_dir = "out/tickets"
        """,
    )
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    config = load_config(path)

    assert config.source == path.resolve()
    assert config.data_dir == folder / "data"
    assert config.store_url == f"sqlite:///{folder / 'data' / 'kiosk.db'}"
    assert config.pack_dir == tmp_path / "etc" / "packs" / "riverside"
    assert config.spool_dir == folder / "out" / "tickets"


def test_config_named_relative_to_the_working_folder_still_resolves_next_to_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "site" / "station.toml", '[station]\ndata_dir = "data"\n')
    monkeypatch.chdir(tmp_path)

    config = load_config("site/station.toml")

    assert config.data_dir == tmp_path / "site" / "data"


def test_printer_table_without_backend_uses_the_pdf_printer(tmp_path: Path) -> None:
    path = write(tmp_path / "station.toml", '[printer]\npaper_width_mm = 58\nspool_dir = "s"\n')

    config = load_config(path)

    assert config.settings.printer.backend == "pdf"
    assert config.settings.printer.paper_width_mm == 58
    assert config.spool_dir == tmp_path / "s"


def test_kiosk_config_environment_variable_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "from-env.toml", '[station]\nid = "kiosk-env"\n')
    monkeypatch.setenv(ENV_VAR, str(path))

    config = load_config()

    assert config.source == path.resolve()
    assert config.settings.station.id == "kiosk-env"


def test_config_option_wins_over_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(write(tmp_path / "env.toml", '[station]\nid = "from-env"\n')))
    named = write(tmp_path / "named.toml", '[station]\nid = "from-option"\n')

    assert load_config(named).settings.station.id == "from-option"


def test_environment_variable_naming_a_missing_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "gone.toml"
    monkeypatch.setenv(ENV_VAR, str(missing))

    with pytest.raises(InvalidFile) as caught:
        load_config()

    assert [str(p) for p in caught.value.problems] == [f"{missing}: config file not found"]


# --- the `kiosk config` commands, run as a technician runs them -------------------------


BROKEN = """\
[station]
timezone = "Nowhere/Special"
languages = ["en", "xx"]
[kiosk]
idle_warning_seconds = 3
"""


@pytest.mark.parametrize("action", ["check", "show"])
def test_kiosk_config_command_prints_one_line_per_problem_and_no_traceback(
    tmp_path: Path, run_kiosk, action: str
) -> None:
    path = write(tmp_path / "station.toml", BROKEN)

    result = run_kiosk("--config", str(path), "config", action)

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert all(line.startswith(f"error: {path}: ") for line in lines)
    assert any("station.timezone" in line for line in lines)
    assert any("station.languages" in line for line in lines)
    assert any("kiosk.idle_warning_seconds" in line and "WCAG" in line for line in lines)
    assert result.stdout == ""


def test_kiosk_config_check_reports_a_missing_named_file(tmp_path: Path, run_kiosk) -> None:
    missing = tmp_path / "typo.toml"

    result = run_kiosk("--config", str(missing), "config", "check")

    assert result.returncode != 0
    assert result.stderr.splitlines() == [f"error: {missing}: config file not found"]


def test_kiosk_config_check_also_checks_the_content_pack_it_names(
    tmp_path: Path, run_kiosk
) -> None:
    path = write(tmp_path / "station.toml", '[content]\npack = "no-such-pack"\n')

    result = run_kiosk("--config", str(path), "config", "check")

    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'no-such-pack'}: content pack folder not found"
    ]
    assert "Traceback" not in result.stderr


def test_kiosk_config_check_accepts_a_good_config(station_config: Path, run_kiosk) -> None:
    result = run_kiosk("--config", str(station_config), "config", "check")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok: {station_config}")
    assert "riverside-service-center" in result.stdout


def test_kiosk_config_show_lists_every_setting_with_its_value_and_description(
    station_config: Path, run_kiosk
) -> None:
    result = run_kiosk("--config", str(station_config), "config", "show")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"# config file: {station_config}"
    shown = {line.split(" = ", 1)[0] for line in lines[1:]}
    for name, section in SECTIONS.items():
        for setting in fields(section):
            assert f"{name}.{setting.name}" in shown
    assert "station.timezone = America/Chicago    # IANA time zone" in result.stdout
    assert f"(effective) data_dir = {station_config.parent / 'data'}" in result.stdout


def test_kiosk_config_show_reads_the_environment_variable(tmp_path: Path, run_kiosk) -> None:
    path = write(tmp_path / "env-station.toml", '[station]\nname = "Kiosk by the lifts"\n')

    result = run_kiosk("config", "show", env={ENV_VAR: str(path)})

    assert result.returncode == 0, result.stderr
    assert f"# config file: {path}" in result.stdout
    assert "station.name = Kiosk by the lifts" in result.stdout


def test_relative_sqlite_store_lives_next_to_the_config_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    path = write(site / "station.toml", '[store]\nurl = "sqlite:///data/kiosk.db"\n')
    monkeypatch.chdir(tmp_path)  # a service manager may start the station anywhere

    config = load_config(path)

    assert config.store_url == f"sqlite:///{site / 'data' / 'kiosk.db'}"
    absolute = write(tmp_path / "abs.toml", '[store]\nurl = "sqlite:////var/lib/k.db"\n')
    assert load_config(absolute).store_url == "sqlite:////var/lib/k.db"


def test_config_show_never_prints_the_store_password(tmp_path: Path, run_kiosk) -> None:
    path = write(
        tmp_path / "station.toml",
        '[store]\nurl = "postgresql+psycopg://kiosk:s3cret@db.local:5432/onestop"\n',
    )

    result = run_kiosk("--config", str(path), "config", "show")

    assert result.returncode == 0, result.stderr
    assert "store.url = postgresql+psycopg://kiosk:***@db.local:5432/onestop" in result.stdout
    assert "s3cret" not in result.stdout + result.stderr
