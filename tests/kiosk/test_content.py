"""Content packs an agency edits: the sample loads; each mistake is named clearly."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import SAMPLE_PACK
from kiosk.content import PACK_FILE, ContentPack, load_pack
from kiosk.problems import InvalidFile, Problem
from tests.helpers.mutations import key_paths, mutate, nested_values

Raw = dict[str, Any]
SAMPLE_RAW: Raw = yaml.safe_load((SAMPLE_PACK / PACK_FILE).read_text(encoding="utf-8"))


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A copy of the sample pack that a test may break."""
    folder = tmp_path / "pack"
    shutil.copytree(SAMPLE_PACK, folder)
    return folder


def write_raw(folder: Path, raw: Raw) -> Path:
    file = folder / PACK_FILE
    file.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file


def edited(folder: Path, edit: Callable[[Raw], object]) -> Path:
    raw = copy.deepcopy(SAMPLE_RAW)
    edit(raw)
    return write_raw(folder, raw)


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(InvalidFile) as caught:
        load_pack(folder)
    return caught.value.problems


# --- the bundled sample ------------------------------------------------------------------


def test_sample_pack_offers_services_of_three_agencies_in_english_and_spanish(
    sample_pack: ContentPack,
) -> None:
    assert len(sample_pack.services) >= 6
    assert len(sample_pack.pack.agencies) == 3
    assert sample_pack.pack.languages == ["en", "es"]
    assert sample_pack.pack.default_language == "en"
    for service in sample_pack.services:
        assert set(service.name) == {"en", "es"}, service.id
        assert set(service.description) == {"en", "es"}, service.id
        assert sample_pack.icon_path(service).is_file(), service.icon
        assert sample_pack.agency(service.agency).name["es"]


def test_sample_pack_prefixes_and_ids_are_unique(sample_pack: ContentPack) -> None:
    prefixes = [s.prefix for s in sample_pack.services]
    ids = [s.id for s in sample_pack.services]
    assert len(set(prefixes)) == len(prefixes)
    assert len(set(ids)) == len(ids)


def test_sample_pack_sends_form_visitors_to_a_clerk_except_for_311_reports(
    sample_pack: ContentPack,
) -> None:
    with_forms = {s.id: s.ticket_after_form for s in sample_pack.services if s.form}

    assert with_forms == {
        "license-renewal": True,  # photo, ID check and fee at the counter
        "birth-certificate": True,  # ID check and fee per copy
        "report-pothole": False,  # the report is all there is
        "report-streetlight": False,
    }


def test_311_services_answer_the_shared_forms_first_question_for_the_visitor(
    sample_pack: ContentPack,
) -> None:
    answers = {s.id: s.form_answers for s in sample_pack.services if s.form_answers}

    assert answers == {
        "report-pothole": {"problem_type": "pothole"},
        "report-streetlight": {"problem_type": "streetlight"},
    }


def test_service_text_falls_back_to_the_pack_default_language(sample_pack: ContentPack) -> None:
    service = sample_pack.service("pay-water-bill")

    assert sample_pack.text(service.name, "es") == "Pagar la factura del agua"
    assert sample_pack.text(service.name, "vi") == "Pay a water bill"


# --- broken packs: one problem per mistake, naming file and key --------------------------


def test_yaml_syntax_error_names_the_file_and_line(pack_dir: Path) -> None:
    file = pack_dir / PACK_FILE
    lines = file.read_text(encoding="utf-8").splitlines()
    broken_line = next(i for i, line in enumerate(lines) if "prefix: B" in line) + 1
    lines[broken_line - 1] = lines[broken_line - 1].replace("prefix: B", "prefix: B: C")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    (problem,) = problems_of(pack_dir)

    assert problem.file == file
    assert "not valid YAML" in problem.message
    assert f"line {broken_line}," in problem.message


def test_a_key_written_twice_is_refused_with_its_line(pack_dir: Path) -> None:
    file = pack_dir / PACK_FILE
    lines = file.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "prefix: B" in line)
    lines.insert(at + 1, lines[at].replace("prefix: B", "prefix: Z"))  # YAML would keep Z
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    (problem,) = problems_of(pack_dir)

    assert "the key 'prefix' is written twice" in problem.message
    assert f"line {at + 2}," in problem.message


def test_missing_pack_yaml_is_named(pack_dir: Path) -> None:
    (pack_dir / PACK_FILE).unlink()

    (problem,) = problems_of(pack_dir)

    assert problem.file == pack_dir / PACK_FILE
    assert "missing" in problem.message
    assert "pack.yaml" in problem.message


def test_missing_pack_folder_is_named(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "no-pack")

    assert str(problem) == f"{tmp_path / 'no-pack'}: content pack folder not found"


def test_pack_yaml_that_is_a_list_is_one_problem(pack_dir: Path) -> None:
    (pack_dir / PACK_FILE).write_text("- id: a\n- id: b\n", encoding="utf-8")

    (problem,) = problems_of(pack_dir)

    assert "must be a mapping" in problem.message


def _set(path: str, value: Any) -> Callable[[Raw], None]:
    """An edit that sets ``services.1.colour``-style ``path`` in the raw pack."""

    def edit(raw: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return edit


def _delete(path: str) -> Callable[[Raw], None]:
    def edit(raw: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[int(last) if isinstance(node, list) else last]

    return edit


@pytest.mark.parametrize(
    ("edit", "key", "expected"),
    [
        pytest.param(
            _set("services.1.colour", "red"), "services[1].colour", ["unknown key"], id="unknown"
        ),
        pytest.param(_set("colour", "red"), "colour", ["unknown key"], id="unknown-top-level"),
        pytest.param(
            _set("services.0.average_service_minutes", "5"),
            "services[0].average_service_minutes",
            ["'5'"],
            id="quoted-number",
        ),
        pytest.param(
            _set("services.0.needs_form", "yes"),
            "services[0].needs_form",
            ["'yes'"],
            id="quoted-boolean",
        ),
        pytest.param(
            _set("services.1.ticket_after_form", False),
            "services[1].ticket_after_form",
            ["only applies to a service with a form", "remove this key"],
            id="ticket-after-form-without-form",
        ),
        pytest.param(
            _set("services.1.form_answers", {"problem_type": "pothole"}),
            "services[1].form_answers",
            ["only applies to a service with a form"],
            id="form-answers-without-form",
        ),
        pytest.param(
            _set("services.0.ticket_after_form", "no"),
            "services[0].ticket_after_form",
            ["'no'"],
            id="quoted-ticket-after-form",
        ),
        pytest.param(
            _set("services.2.id", "license-renewal"),
            "services[2].id",
            ["'license-renewal'", "already used by services[0]"],
            id="duplicate-service-id",
        ),
        pytest.param(
            _set("services.3.prefix", "A"),
            "services[3].prefix",
            ["'A'", "already used by services[0]", "same numbers"],
            id="duplicate-prefix",
        ),
        pytest.param(
            _set("services.0.agency", "irs"),
            "services[0].agency",
            ["unknown agency 'irs'", "city, clerk, dmv"],
            id="unknown-agency",
        ),
        pytest.param(
            _set("services.5.icon", "icons/no-such.svg"),
            "services[5].icon",
            ["file not found: icons/no-such.svg"],
            id="missing-icon",
        ),
        pytest.param(
            _delete("services.4.description.es"),
            "services[4].description",
            ["missing translation for es"],
            id="missing-translation",
        ),
        pytest.param(
            _delete("agencies.1.name.es"),
            "agencies[1].name",
            ["missing translation for es"],
            id="missing-agency-translation",
        ),
        pytest.param(
            _set("services.0.name.fr", "Renouveler un permis"),
            "services[0].name",
            ["language fr is not in the pack's languages"],
            id="extra-translation",
        ),
        pytest.param(
            _delete("services.2.prefix"),
            "services[2].prefix",
            ["required key is missing"],
            id="missing-key",
        ),
        pytest.param(
            _set("services.2.prefix", "a1"),
            "services[2].prefix",
            ["pattern", "'a1'"],
            id="bad-prefix",
        ),
        pytest.param(
            _set("services.6.average_service_minutes", 0),
            "services[6].average_service_minutes",
            ["greater than 0"],
            id="zero-minutes",
        ),
        pytest.param(
            _set("default_language", "fr"),
            "",
            ["default_language 'fr' is not in languages"],
            id="default-language-not-listed",
        ),
        pytest.param(
            _set("services.0.icon", "icons/bad\0name.svg"),
            "services[0].icon",
            ["not a usable file path"],
            id="icon-with-nul-byte",
        ),
        pytest.param(
            _set("services.0.icon", "icons/" + "x" * 5000 + ".svg"),
            "services[0].icon",
            ["not a usable file path"],
            id="icon-name-too-long",
        ),
    ],
)
def test_each_pack_mistake_is_one_line_naming_file_key_and_problem(
    pack_dir: Path, edit: Callable[[Raw], None], key: str, expected: list[str]
) -> None:
    file = edited(pack_dir, edit)

    (problem,) = problems_of(pack_dir)

    assert problem.file == file
    assert problem.key == key
    for fragment in expected:
        assert fragment in problem.message
    assert "\n" not in str(problem)


def test_deleted_icon_file_is_named_by_its_service(pack_dir: Path) -> None:
    (pack_dir / "icons" / "car.svg").unlink()

    (problem,) = problems_of(pack_dir)

    assert problem.key == "services[1].icon"
    assert problem.message == "file not found: icons/car.svg"


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_icon_outside_the_pack_folder_is_refused(pack_dir: Path, tmp_path: Path, how: str) -> None:
    outside = tmp_path / "outside.svg"
    outside.write_text("<svg/>", encoding="utf-8")
    icon = "../outside.svg" if how == "relative" else str(outside)
    edited(pack_dir, _set("services.0.icon", icon))

    (problem,) = problems_of(pack_dir)

    assert problem.key == "services[0].icon"
    assert problem.message == "must be a file inside the pack folder"


def test_icon_link_that_leads_out_of_the_pack_is_refused(pack_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.svg"
    outside.write_text("<svg/>", encoding="utf-8")
    (pack_dir / "icons" / "sneaky.svg").symlink_to(outside)
    edited(pack_dir, _set("services.0.icon", "icons/sneaky.svg"))

    (problem,) = problems_of(pack_dir)

    assert problem.message == "must be a file inside the pack folder"


def test_several_pack_mistakes_are_all_reported_at_once(pack_dir: Path) -> None:
    def break_three_things(raw: Raw) -> None:
        raw["services"][1]["prefix"] = "A"
        raw["services"][2]["agency"] = "tax-office"
        del raw["services"][3]["name"]["es"]

    edited(pack_dir, break_three_things)

    problems = problems_of(pack_dir)

    assert [p.key for p in problems] == [
        "services[1].prefix",
        "services[2].agency",
        "services[3].name",
    ]


def test_kiosk_content_check_prints_one_line_per_problem_and_no_traceback(
    pack_dir: Path, run_kiosk
) -> None:
    def break_two_things(raw: Raw) -> None:
        raw["services"][0]["agency"] = "irs"
        raw["services"][5]["id"] = raw["services"][4]["id"]

    file = edited(pack_dir, break_two_things)

    result = run_kiosk("content", "check", str(pack_dir))

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"error: {file}: services[0].agency: unknown agency 'irs'; agencies are city, clerk, dmv",
        f"error: {file}: services[5].id: 'birth-certificate' is already used by services[4]",
    ]


def test_schema_mistakes_are_all_reported_at_once(pack_dir: Path) -> None:
    def break_three_things(raw: Raw) -> None:
        raw["services"][0]["colour"] = "red"
        raw["services"][2]["prefix"] = "lowercase"
        raw["version"] = "one"

    edited(pack_dir, break_three_things)

    problems = problems_of(pack_dir)

    assert {p.key for p in problems} == {"services[0].colour", "services[2].prefix", "version"}


def test_problem_with_a_line_break_in_a_key_stays_on_one_line(pack_dir: Path) -> None:
    file = edited(pack_dir, _set("services.0.icon\nfile", "x"))

    (problem,) = problems_of(pack_dir)

    assert problem.key == "services[0].icon\nfile"
    assert str(problem) == f"{file}: services[0].icon\\nfile: {problem.message}"


def test_kiosk_content_check_reports_a_yaml_error_without_traceback(
    pack_dir: Path, run_kiosk
) -> None:
    (pack_dir / PACK_FILE).write_text("id: x\nservices: [unclosed\n", encoding="utf-8")

    result = run_kiosk("content", "check", str(pack_dir))

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {pack_dir / PACK_FILE}: not valid YAML at line ")


def test_kiosk_content_check_accepts_the_sample_pack(run_kiosk) -> None:
    result = run_kiosk("content", "check", str(SAMPLE_PACK))

    assert result.returncode == 0, result.stderr
    assert "pack riverside-service-center v1" in result.stdout
    assert "3 agencies" in result.stdout
    assert "languages en, es" in result.stdout


# --- properties: nothing a person can type makes the loader crash ------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "en", "es", "A", "dmv", "icons/car.svg", "../pack.yaml", "/", "\0"]),
)
_values = nested_values(_scalars)


SAMPLE_PATHS = key_paths(SAMPLE_RAW)


@st.composite
def mutated_packs(draw: st.DrawFn) -> Raw:
    raw = copy.deepcopy(SAMPLE_RAW)
    return mutate(draw, raw, SAMPLE_PATHS, _values, st.text(max_size=10), rounds=3)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=mutated_packs())
def test_mutated_pack_either_loads_or_names_its_problems(pack_dir: Path, raw: Raw) -> None:
    file = write_raw(pack_dir, raw)
    try:
        pack = load_pack(pack_dir)
    except InvalidFile as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == file
            assert problem.message
            assert "\n" not in str(problem)
    else:
        assert pack.services


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_any_short_text_as_pack_yaml_is_refused_naming_the_file(pack_dir: Path, text: str) -> None:
    file = pack_dir / PACK_FILE
    file.write_text(text, encoding="utf-8")

    with pytest.raises(InvalidFile) as caught:
        load_pack(pack_dir)

    assert all(p.file == file for p in caught.value.problems)


def test_an_impossible_date_is_a_problem_not_a_crash(pack_dir: Path) -> None:
    file = pack_dir / PACK_FILE
    file.write_text(
        file.read_text(encoding="utf-8").replace("version: 1", "version: 2024-02-30"),
        encoding="utf-8",
    )

    (problem,) = problems_of(pack_dir)

    assert problem.file == file
    assert "not a valid value" in problem.message


def test_a_service_must_name_a_form_that_exists(pack_dir: Path) -> None:
    raw = yaml.safe_load((pack_dir / PACK_FILE).read_text(encoding="utf-8"))
    raw["services"][0]["form"] = "passport-renewal"
    raw["services"][1]["needs_form"] = True
    write_raw(pack_dir, raw)

    problems = {p.key: p.message for p in problems_of(pack_dir)}

    assert problems["services[0].form"] == "no form file forms/passport-renewal.yaml in the pack"
    assert problems["services[1].form"].startswith("needs_form is true")


def test_kiosk_content_check_also_checks_the_packs_forms(pack_dir: Path, run_kiosk) -> None:
    form = pack_dir / "forms" / "birth-certificate.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("kind: date", "kind: dat", 1))

    result = run_kiosk("content", "check", str(pack_dir))

    assert result.returncode == 2
    assert f"{form}: " in result.stderr and "line " in result.stderr
    assert "Traceback" not in result.stderr


def test_a_wrong_answer_a_service_gives_its_form_is_reported_and_takes_only_that_service_off(
    pack_dir: Path, run_kiosk, station_config: Path
) -> None:
    from kiosk.config import load_config
    from kiosk.station import Station

    raw = yaml.safe_load((pack_dir / PACK_FILE).read_text(encoding="utf-8"))
    pothole = next(i for i, s in enumerate(raw["services"]) if s["id"] == "report-pothole")
    raw["services"][pothole]["form_answers"] = {"problem_type": "sinkhole", "colour": "red"}
    write_raw(pack_dir, raw)

    result = run_kiosk("content", "check", str(pack_dir))

    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "form_answers" in line]
    assert len(lines) == 2, result.stderr
    assert all(f"services[{pothole}].form_answers" in line for line in lines)
    assert "'sinkhole'" in lines[0] and "colour: form report-street-problem has no" in lines[1]

    station_config.write_text(
        station_config.read_text(encoding="utf-8") + f'[content]\npack = "{pack_dir}"\n',
        encoding="utf-8",
    )
    station = Station.open(load_config(station_config))
    try:
        assert set(station.unavailable) == {"report-pothole"}  # the streetlight one carries on
        assert "sinkhole" in station.unavailable["report-pothole"]
    finally:
        station.close()
