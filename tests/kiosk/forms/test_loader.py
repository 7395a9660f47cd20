"""Form files an analyst writes: the sample loads; every mistake is named with its key and line."""

from __future__ import annotations

import copy
import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.config import SAMPLE_PACK
from kiosk.forms.definition import FormDefinition, Kind
from kiosk.forms.engine import FormSession
from kiosk.forms.loader import FORMS_FOLDER, FormProblem, check_forms, load_form, load_forms
from kiosk.problems import InvalidFile, Problem
from tests.helpers.mutations import key_paths, mutate, nested_values

LANGS = ("en", "es")
SAMPLE_FORM = SAMPLE_PACK / FORMS_FOLDER / "driver-license-renewal.yaml"

BASE = """\
id: test-form
version: 1
title: {en: "Test form", es: "Formulario de prueba"}
pages:
  - id: start
    title: {en: "Start", es: "Inicio"}
    fields:
      - id: name
        kind: short_text
        label: {en: "Name", es: "Nombre"}
      - id: color
        kind: single_choice
        label: {en: "Color", es: "Color"}
        choices:
          - {value: red, label: {en: "Red", es: "Rojo"}}
          - {value: blue, label: {en: "Blue", es: "Azul"}}
  - id: more
    title: {en: "More", es: "Más"}
    show_if: "color == 'red'"
    fields:
      - id: born
        kind: date
        label: {en: "Born", es: "Nacido"}
        min_age_years: 16
computed:
  - {id: is_red, expression: "color == 'red'"}
output:
  full_name: name
  red: is_red
"""


def write(tmp_path: Path, text: str, name: str = "form.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str, base: str = BASE) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


def problems_of(tmp_path: Path, text: str, languages: tuple[str, ...] = LANGS) -> list[Problem]:
    path = write(tmp_path, text)
    with pytest.raises(InvalidFile) as caught:
        load_form(path, languages, languages[0])
    assert all(p.file == path for p in caught.value.problems)
    return caught.value.problems


def line_of(text: str, snippet: str, last: bool = False) -> int:
    """The 1-based line of the first (or last) line holding ``snippet``."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if snippet in line]
    return found[-1] if last else found[0]


def only(problems: list[Problem]) -> FormProblem:
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert isinstance(problem, FormProblem)
    return problem


# --- what loads ----------------------------------------------------------------------------


def test_base_form_loads_bound_to_the_pack_languages(tmp_path: Path) -> None:
    form = load_form(write(tmp_path, BASE), LANGS, "en")

    assert (form.id, form.version, form.languages) == ("test-form", 1, LANGS)
    assert [p.id for p in form.pages] == ["start", "more"]
    assert form.field("color").kind is Kind.SINGLE_CHOICE
    assert form.field("name").required and not form.field("name").personal  # the defaults
    assert form.text(form.page("more").title, "es") == "Más"


def test_next_steps_are_optional_text_in_every_language(tmp_path: Path) -> None:
    without = load_form(write(tmp_path, BASE), LANGS, "en")
    text = edited(
        'title: {en: "Test form", es: "Formulario de prueba"}',
        'title: {en: "Test form", es: "Formulario de prueba"}\n'
        'next_steps: {en: "A clerk will call your number.", es: "Le llamarán por su número."}',
    )
    form = load_form(write(tmp_path, text, "steps.yaml"), LANGS, "en")

    assert without.next_steps is None
    assert form.text(form.next_steps, "es") == "Le llamarán por su número."


def test_sample_driver_license_form_loads_in_english_and_spanish() -> None:
    form = load_form(SAMPLE_FORM, LANGS, "en")

    kinds = {field.kind for field in form.fields}
    assert {Kind.ID_NUMBER, Kind.DATE, Kind.ADDRESS, Kind.YES_NO, Kind.CONSENT} <= kinds
    assert any(field.personal for field in form.fields)
    for field in form.fields:
        assert set(field.label) == set(LANGS), field.id
    assert load_forms(SAMPLE_PACK / FORMS_FOLDER, LANGS, "en")[form.id] == form


def test_plain_string_is_default_language_text_so_spanish_is_missing(tmp_path: Path) -> None:
    text = edited('label: {en: "Name", es: "Nombre"}', 'label: "Name"')

    problem = only(problems_of(tmp_path, text))

    assert (problem.key, problem.line) == ("pages[0].fields[0].label", line_of(text, '"Name"'))
    assert problem.message == "missing translation for es"


def test_one_language_pack_form_with_plain_strings_loads(tmp_path: Path) -> None:
    text = """\
id: short
version: 2
title: "Short form"
pages:
  - id: only
    title: "The only page"
    fields:
      - {id: note, kind: long_text, label: "Your note", required: false}
"""
    form = load_form(write(tmp_path, text), ("en",), "en")

    assert form.title == {"en": "Short form"}
    assert form.text(form.field("note").label, "es") == "Your note"  # falls back to default


# --- each check, with its key and line ---------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            "        min_age_years: 16",
            "        min_age_yaers: 16",
            "pages[1].fields[0].min_age_yaers",
            "unknown key",
        ),
        ("version: 1", 'version: "1"', "version", "valid integer"),
        ("        kind: date", "        kind: calendar", "pages[1].fields[0].kind", "'date'"),
        (
            "        min_age_years: 16",
            "        min_age_years: sixteen",
            "pages[1].fields[0].min_age_years",
            "valid integer",
        ),
        ("      - id: born", "      - id: Born", "pages[1].fields[0].id", "should match pattern"),
        (
            "    show_if: \"color == 'red'\"",
            "    show_if: \"color = 'red'\"",
            "pages[1].show_if",
            "invalid expression at position 6: unexpected '='",
        ),
        (
            "        min_age_years: 16",
            '        pattern: "([a-z"',
            "pages[1].fields[0].pattern",
            "not a valid regular expression",
        ),
    ],
)
def test_type_and_syntax_mistakes_name_key_and_line(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    text = edited(old, new)

    problem = only(problems_of(tmp_path, text))

    assert problem.key == key
    assert problem.line == line_of(text, new.strip())
    assert message in problem.message


def test_missing_required_key_points_at_its_entry(tmp_path: Path) -> None:
    text = edited('        label: {en: "Born", es: "Nacido"}\n', "")

    problem = only(problems_of(tmp_path, text))

    assert (problem.key, problem.message) == ("pages[1].fields[0].label", "required key is missing")
    assert problem.line == line_of(text, "- id: born")


def test_all_problems_of_a_file_come_at_once_in_line_order(tmp_path: Path) -> None:
    text = edited("output:\n  full_name: name", "output:\n  full_name: nmae")
    text = edited('title: {en: "Start", es: "Inicio"}', 'title: {en: "Start"}', text)
    text = edited("        min_age_years: 16", "        min_age_years: 16\n        min: 3", text)

    problems = problems_of(tmp_path, text)

    assert [p.key for p in problems] == [
        "pages[0].title",
        "pages[1].fields[0].min",
        "output.full_name",
    ]
    lines = [p.line for p in problems if isinstance(p, FormProblem)]
    assert lines == sorted(lines)
    assert "did you mean 'name'?" in problems[2].message


def test_problem_line_reads_file_key_line_message(tmp_path: Path) -> None:
    text = edited("version: 1", "version: 0")
    problem = only(problems_of(tmp_path, text))

    assert str(problem) == (
        f"{tmp_path / 'form.yaml'}: version (line 2): Input should be greater than or equal to 1 "
        "(got 0)"
    )


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ("  - id: more", "  - id: start", "pages[1].id", "'start' is already used by pages[0]"),
        (
            "      - id: born",
            "      - id: name",
            "pages[1].fields[0].id",
            "'name' is already used by pages[0].fields[0]",
        ),
        (
            "computed:\n",
            'computed:\n  - {id: color, expression: "1"}\n',
            "computed[0].id",
            "'color' is already used",
        ),
        ("      - id: born", "      - id: null_", "output.full_name", None),
        (
            "      - id: born",
            "      - id: not",
            "pages[1].fields[0].id",
            "a word of the expression",
        ),
    ],
)
def test_duplicate_and_reserved_ids(
    tmp_path: Path, old: str, new: str, key: str, message: str | None
) -> None:
    text = edited(old, new)
    if message is None:  # a harmless id: no problem at all
        load_form(write(tmp_path, text), LANGS, "en")
        return

    problem = only(problems_of(tmp_path, text))

    marker = new.strip().splitlines()[-1]
    assert (problem.key, problem.line) == (key, line_of(text, marker, last=True))
    assert message in problem.message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("    show_if: \"color == 'red'\"", "    show_if: \"colour == 'red'\"", "pages[1].show_if"),
        (
            "expression: \"color == 'red'\"",
            "expression: \"colour == 'red'\"",
            "computed[0].expression",
        ),
        ("  red: is_red", "  red: is_rde", "output.red"),
        (
            "        min_age_years: 16",
            '        date_min: "birthday"',
            "pages[1].fields[0].date_min",
        ),
    ],
)
def test_references_to_names_that_do_not_exist(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    text = edited(old, new)

    problem = only(problems_of(tmp_path, text))

    assert (problem.key, problem.line) == (key, line_of(text, new.strip()))
    assert "is not a field or computed value of this form" in problem.message


def test_a_condition_may_not_use_a_later_answer(tmp_path: Path) -> None:
    text = edited(
        "    fields:\n      - id: name",
        '    show_if: "not empty(born)"\n    fields:\n      - id: name',
    )

    problem = only(problems_of(tmp_path, text))

    assert (problem.key, problem.line) == ("pages[0].show_if", line_of(text, "empty(born)"))
    assert "uses 'born', which is not answered yet" in problem.message


def test_a_field_condition_may_use_fields_above_it_but_not_itself_or_below(tmp_path: Path) -> None:
    above = edited(
        "        kind: single_choice",
        "        kind: single_choice\n        show_if: \"name != 'x'\"",
    )
    itself = edited(
        "        kind: single_choice",
        '        kind: single_choice\n        show_if: "empty(color)"',
    )
    below = edited(
        "        kind: short_text", '        kind: short_text\n        show_if: "empty(color)"'
    )

    load_form(write(tmp_path, above), LANGS, "en")
    for text in (itself, below):
        problem = only(problems_of(tmp_path, text))
        assert problem.line == line_of(text, "empty(color)")
        assert "uses 'color'" in problem.message


def test_a_condition_through_a_computed_value_is_held_to_the_same_order(tmp_path: Path) -> None:
    text = edited(
        "{id: is_red, expression: \"color == 'red'\"}",
        "{id: is_red, expression: \"color == 'red' and empty(born)\"}",
    )
    text = edited("    show_if: \"color == 'red'\"", '    show_if: "is_red"', text)

    problem = only(problems_of(tmp_path, text))

    assert problem.key == "pages[1].show_if"
    assert "uses 'born' (through computed 'is_red')" in problem.message


def test_computed_values_that_depend_on_each_other_in_a_circle(tmp_path: Path) -> None:
    text = edited(
        "  - {id: is_red, expression: \"color == 'red'\"}",
        "  - {id: is_red, expression: \"color == 'red' and twice\"}\n"
        '  - {id: twice, expression: "is_red or half"}\n'
        '  - {id: half, expression: "color"}',
    )

    problem = only(problems_of(tmp_path, text))

    assert (problem.key, problem.line) == ("computed[0].expression", line_of(text, "id: is_red"))
    assert problem.message.endswith("in a circle: is_red -> twice -> is_red")


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            '        choices:\n          - {value: red, label: {en: "Red", es: "Rojo"}}\n'
            '          - {value: blue, label: {en: "Blue", es: "Azul"}}\n',
            "",
            "pages[0].fields[1].choices",
            "a single_choice question needs a list of choices",
        ),
        (
            "{value: blue,",
            "{value: red,",
            "pages[0].fields[1].choices[1].value",
            "'red' is already a choice",
        ),
        (
            "        kind: short_text",
            "        kind: short_text\n        min: 1",
            "pages[0].fields[0].min",
            "does not apply to a short_text question (only to number)",
        ),
        (
            "        kind: short_text",
            "        kind: short_text\n        min_length: 9\n        max_length: 2",
            "pages[0].fields[0].min_length",
            "is larger than max_length (9 > 2)",
        ),
        (
            "        kind: short_text",
            "        kind: short_text\n        pattern_message: {en: a, es: b}",
            "pages[0].fields[0].pattern_message",
            "no pattern for this message",
        ),
        (
            "        min_age_years: 16",
            "        min_age_years: 16\n        max_age_years: 10",
            "pages[1].fields[0].min_age_years",
            "is larger than max_age_years",
        ),
        (
            "        min_age_years: 16",
            "        not_in_future: true\n        not_in_past: true",
            "pages[1].fields[0].not_in_past",
            "only today",
        ),
        (
            "        min_age_years: 16",
            "        default: 2024-02-30",
            "pages[1].fields[0].default",
            "not a valid answer to a date question",
        ),
        (
            "        kind: short_text",
            "        kind: consent\n        default: true",
            "pages[0].fields[0].default",
            "never by default",
        ),
        (
            "        kind: single_choice",
            "        kind: single_choice\n        default: green",
            "pages[0].fields[1].default",
            "not a valid answer to a single_choice question (choice)",
        ),
    ],
)
def test_field_rules_that_cannot_work(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    text = edited(old, new)

    problems = problems_of(tmp_path, text)

    assert [p.key for p in problems] == [key], [str(p) for p in problems]
    assert message in problems[0].message
    assert only(problems).line is not None


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            'title: {en: "Test form", es: "Formulario de prueba"}',
            'title: {en: "Test form"}',
            "title",
            "missing translation for es",
        ),
        (
            'label: {en: "Blue", es: "Azul"}',
            'label: {en: "Blue"}',
            "pages[0].fields[1].choices[1].label",
            "missing translation for es",
        ),
        (
            '        label: {en: "Name", es: "Nombre"}',
            '        label: {en: "Name", es: "Nombre"}\n        hint: {es: "Su nombre"}',
            "pages[0].fields[0].hint",
            "missing translation for en",
        ),
        (
            '    title: {en: "More", es: "Más"}',
            '    title: {en: "More", es: "Más", fr: "Plus"}',
            "pages[1].title",
            "language fr is not in the pack's languages",
        ),
        (
            'title: {en: "Test form", es: "Formulario de prueba"}',
            'title: {en: "Test form", es: "Formulario de prueba"}\n'
            'next_steps: {en: "A clerk will call your number."}',
            "next_steps",
            "missing translation for es",
        ),
        (
            'title: {en: "Test form", es: "Formulario de prueba"}',
            'title: {en: "Test form", es: "Formulario de prueba"}\n'
            'next_steps: "A clerk will call your number."',
            "next_steps",
            "missing translation for es",
        ),
    ],
)
def test_missing_and_extra_translations(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    text = edited(old, new)

    problem = only(problems_of(tmp_path, text))

    assert (problem.key, problem.message) == (key, message)
    assert problem.line == line_of(text, new.splitlines()[-1].strip())


@pytest.mark.parametrize("condition", ["false", "1 > 2", "empty('x')", "null"])
def test_a_page_no_answer_can_show_is_unreachable(tmp_path: Path, condition: str) -> None:
    text = edited("    show_if: \"color == 'red'\"", f'    show_if: "{condition}"')

    problem = only(problems_of(tmp_path, text))

    assert (problem.key, problem.line) == ("pages[1].show_if", line_of(text, condition))
    assert "this page can never be shown" in problem.message


def test_a_page_that_reads_only_never_shown_questions_is_unreachable_too(tmp_path: Path) -> None:
    text = edited(
        "        kind: single_choice", '        kind: single_choice\n        show_if: "false"'
    )

    problems = problems_of(tmp_path, text)

    assert [p.key for p in problems] == ["pages[0].fields[1].show_if", "pages[1].show_if"]
    assert all("can never be shown" in p.message for p in problems)


def test_a_page_whose_every_question_is_hidden_for_good(tmp_path: Path) -> None:
    text = edited("        min_age_years: 16", '        show_if: "1 == 2"')

    problems = problems_of(tmp_path, text)

    assert [p.key for p in problems] == ["pages[1]", "pages[1].fields[0].show_if"]
    assert "none of this page's questions can ever be shown" in problems[0].message


def test_a_condition_on_a_chain_of_constants_or_on_the_date_is_not_unreachable(
    tmp_path: Path,
) -> None:
    chain = edited("    show_if: \"color == 'red'\"", '    show_if: "first"')
    chain = edited(
        "computed:\n",
        'computed:\n  - {id: first, expression: "second"}\n  - {id: second, expression: "1"}\n',
        chain,
    )
    dated = edited("    show_if: \"color == 'red'\"", "    show_if: \"today() >= '2100-01-01'\"")

    load_form(write(tmp_path, chain), LANGS, "en")
    load_form(write(tmp_path, dated), LANGS, "en")


def test_a_condition_that_always_holds_is_allowed(tmp_path: Path) -> None:
    load_form(
        write(tmp_path, edited("    show_if: \"color == 'red'\"", '    show_if: "true"')),
        LANGS,
        "en",
    )


def test_a_form_without_questions(tmp_path: Path) -> None:
    no_pages = "id: empty\nversion: 1\ntitle: {en: E, es: E}\npages: []\n"
    empty_page = edited(
        '      - id: born\n        kind: date\n        label: {en: "Born", es: "Nacido"}\n'
        "        min_age_years: 16\n",
        "",
    ).replace("    fields:\ncomputed", "    fields: []\ncomputed")

    assert only(problems_of(tmp_path, no_pages)).message.startswith(
        "a form needs at least one page"
    )
    problems = problems_of(tmp_path, empty_page)
    assert [p.key for p in problems] == ["pages[1].fields"]
    assert problems[0].message == "a page needs at least one question"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("id: x\n  version: 1\n", "not valid YAML", 2),
        ("id: a\nid: b\n", "the key 'id' is written twice", 2),
        ("- just\n- a list\n", "must be a mapping of keys", None),
        ("", "must be a mapping of keys", None),
        ("id: !!python/object:os.system x\n", "not valid YAML", 1),
    ],
)
def test_files_that_are_not_a_form_at_all(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    problems = problems_of(tmp_path, text)

    assert len(problems) == 1
    assert message in str(problems[0])
    assert getattr(problems[0], "line", None) == line


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidFile, match="file not found"):
        load_form(tmp_path / "nope.yaml", LANGS, "en")
    big = write(tmp_path, "# " + "x" * 1_000_001)
    with pytest.raises(InvalidFile, match="too large"):
        load_form(big, LANGS, "en")


# --- a folder of forms --------------------------------------------------------------------


def test_folder_keeps_the_good_forms_and_names_the_broken_one(tmp_path: Path) -> None:
    good = write(tmp_path, BASE, "good.yaml")
    broken = write(tmp_path, edited("version: 1", "version: one"), "broken.yaml")
    twin = write(tmp_path, BASE, "twin.yml")
    write(tmp_path, "not: a form", "README.txt")
    write(tmp_path, "junk", ".#good.yaml")

    forms, problems = check_forms(tmp_path, LANGS, "en")

    assert list(forms) == ["test-form"]
    assert [(p.file, p.key) for p in problems] == [(broken, "version"), (twin, "id")]
    assert str(good) in problems[1].message
    with pytest.raises(InvalidFile):
        load_forms(tmp_path, LANGS, "en")


def test_pack_without_a_forms_folder_has_no_forms(tmp_path: Path) -> None:
    assert load_forms(tmp_path / "forms", LANGS, "en") == {}


# --- the command line ---------------------------------------------------------------------


def test_technician_checks_the_sample_pack_forms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forms", "check", str(SAMPLE_PACK)]) == 0
    assert main(["forms", "check", str(SAMPLE_FORM)]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"ok: {SAMPLE_PACK}: 3 form(s): birth-certificate v1, driver-license-renewal v1, "
        "report-street-problem v1"
    )
    assert out[1].startswith(f"ok: {SAMPLE_FORM}: form driver-license-renewal v1, 8 pages,")


def test_technician_sees_one_line_per_problem_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = edited("  red: is_red", "  red: is_rde")
    text = edited('title: {en: "Test form", es: "Formulario de prueba"}', "title: Test", text)
    path = write(tmp_path, text)

    assert main(["forms", "check", str(path)]) == 2

    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"error: {path}: title (line 3): missing translation for es",
        f"error: {path}: output.red (line {line_of(text, 'is_rde')}): 'is_rde' is not a field or "
        "computed value of this form; did you mean 'is_red'?",
    ]


def test_forms_check_of_a_pack_with_a_broken_form_from_the_shell(
    tmp_path: Path, run_kiosk: Any
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(SAMPLE_PACK, pack)
    write(pack / FORMS_FOLDER, edited("        kind: date", "        kind: calendar"))

    result = run_kiosk("forms", "check", str(pack))

    assert result.returncode == 2
    line = line_of(BASE, "kind: date")
    assert result.stderr.startswith(
        f"error: {pack / FORMS_FOLDER / 'form.yaml'}: pages[1].fields[0].kind (line {line}): "
    )
    assert "Traceback" not in result.stderr
    assert (
        run_kiosk("forms", "check", str(tmp_path)).stderr
        == f"error: {tmp_path}: not a content pack folder (no pack.yaml)\n"
    )


# --- properties: nothing an analyst writes makes the loader crash -------------------------

BASE_RAW: dict[str, Any] = yaml.safe_load(BASE)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "en",
            "red",
            "name",
            "color",
            "is_red",
            "born",
            "date",
            "number",
            "consent",
            "not",
            "((",
            "color == ",
            "age(born) > 1",
            "[a-",
            "luhn",
            "2024-02-29",
            "\0",
        ]
    ),
)
_values = nested_values(_scalars)


SAMPLE_RAW: dict[str, Any] = yaml.safe_load(SAMPLE_FORM.read_text(encoding="utf-8"))
BASE_PATHS = {"base": key_paths(BASE_RAW), "sample": key_paths(SAMPLE_RAW)}
FIELD_KEYS = [*FormDefinition.model_fields, *(name for name in Kind.__members__)]


@st.composite
def mutated_forms(draw: st.DrawFn) -> dict[str, Any]:
    which = draw(st.sampled_from(["base", "sample"]))
    raw = copy.deepcopy(BASE_RAW if which == "base" else SAMPLE_RAW)
    new_keys = st.sampled_from(["show_if", "default", "pattern", "min", "x"])
    return mutate(draw, raw, BASE_PATHS[which], _values, new_keys, rounds=4)


def _assert_loads_or_names_problems(path: Path) -> None:
    try:
        form = load_form(path, LANGS, "en")
    except InvalidFile as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == path
            assert problem.message
            assert "\n" not in str(problem)
    else:  # what loads must also run: walk it with nothing answered, then with junk
        assert form.pages and all(page.fields for page in form.pages)
        session = FormSession(form, "es", datetime.date(2025, 6, 15))
        for field in form.fields:
            session.answer(field.id, "2000-01-01")
            session.next()
        session.back()
        assert isinstance(session.payload(), dict) and isinstance(session.review(), list)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=mutated_forms())
def test_mutated_form_either_loads_or_names_its_problems(
    tmp_path: Path, raw: dict[str, Any]
) -> None:
    path = write(tmp_path, yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    _assert_loads_or_names_problems(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.dictionaries(st.sampled_from([*FIELD_KEYS, "x"]), _values, max_size=6))
def test_random_mapping_is_refused_with_problems(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = write(tmp_path, yaml.safe_dump(raw, allow_unicode=True))
    with pytest.raises(InvalidFile):
        load_form(path, LANGS, "en")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_any_short_text_is_refused_naming_the_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidFile) as caught:
        load_form(path, LANGS, "en")
    assert all(p.file == path for p in caught.value.problems)
