"""A citizen filling in a form, without a screen: answers, errors, branching, review, payload."""

from __future__ import annotations

import contextlib
import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.config import SAMPLE_PACK
from kiosk.forms.definition import FormDefinition
from kiosk.forms.engine import FieldError, FormSession
from kiosk.forms.loader import FORMS_FOLDER, load_form
from kiosk.forms.validation import message
from kiosk.i18n import catalog

TODAY = datetime.date(2025, 6, 15)
LANGS = ("en", "es")
SAMPLE_FORM = SAMPLE_PACK / FORMS_FOLDER / "driver-license-renewal.yaml"

EVERY_KIND = """\
id: every-kind
version: 3
title: {en: "Every kind", es: "Todos los tipos"}
pages:
  - id: text
    title: {en: "Text", es: "Texto"}
    fields:
      - {id: nickname, kind: short_text, label: {en: Nickname, es: Apodo},
         min_length: 2, max_length: 10}
      - {id: story, kind: long_text, label: {en: Story, es: Historia}, required: false}
      - id: code
        kind: id_number
        required: false
        label: {en: Code, es: Código}
        pattern: "[A-Z]{2}[0-9]{4}"
        pattern_message: {en: "Two letters and 4 digits", es: "Dos letras y 4 dígitos"}
      - {id: card, kind: id_number, label: {en: Card, es: Tarjeta}, check_digit: luhn,
         required: false}
  - id: numbers
    title: {en: "Numbers and dates", es: "Números y fechas"}
    fields:
      - {id: copies, kind: number, label: {en: Copies, es: Copias}, min: 1, max: 10}
      - {id: born, kind: date, label: {en: Born, es: Nacimiento}, personal: true,
         not_in_future: true, min_age_years: 16, max_age_years: 120}
      - {id: visit, kind: date, label: {en: Visit, es: Visita}, required: false,
         not_in_past: true, date_max: "'2030-12-31'"}
      - {id: moved, kind: date, label: {en: Moved, es: Mudanza}, required: false,
         date_min: "born"}
  - id: contact
    title: {en: "Contact", es: "Contacto"}
    fields:
      - {id: phone, kind: phone, label: {en: Phone, es: Teléfono}, personal: true}
      - {id: email, kind: email, label: {en: Email, es: Correo}, required: false,
         personal: true}
      - {id: home, kind: address, label: {en: Home, es: Casa}, personal: true}
  - id: choices
    title: {en: "Choices", es: "Opciones"}
    fields:
      - id: color
        kind: single_choice
        label: {en: Color, es: Color}
        default: blue
        choices:
          - {value: red, label: {en: Red, es: Rojo}}
          - {value: blue, label: {en: Blue, es: Azul}}
      - id: extras
        kind: multiple_choice
        required: false
        label: {en: Extras, es: Extras}
        choices:
          - {value: a, label: {en: Alpha, es: Alfa}}
          - {value: b, label: {en: Beta, es: Beta}}
          - {value: c, label: {en: Gamma, es: Gama}}
      - {id: member, kind: yes_no, label: {en: "Member?", es: "¿Socio?"}}
      - {id: member_no, kind: short_text, label: {en: Member number, es: Número de socio},
         show_if: "member"}
  - id: red_page
    show_if: "color == 'red'"
    title: {en: "Red", es: "Rojo"}
    fields:
      - {id: shade, kind: short_text, label: {en: Shade, es: Tono}}
  - id: agree
    title: {en: "Agree", es: "Aceptar"}
    fields:
      - {id: terms, kind: consent, label: {en: I agree, es: Acepto}}
computed:
  - {id: fee, expression: "copies * 15 / 2"}
  - {id: adult, expression: "age(born) >= 18"}
output:
  nickname: nickname
  copies: copies
  fee: fee
  shade: shade
  member_number: member_no
  born: born
  home: home
  extras: extras
"""

VALID: dict[str, Any] = {
    "nickname": "Bo",
    "copies": "3",
    "born": "1990-05-01",
    "phone": "(555) 123-4567",
    "home": {"line1": "1 Main St", "city": "Riverside", "postal_code": "92501"},
    "member": False,
    "shade": "crimson",
    "terms": True,
}


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory: pytest.TempPathFactory) -> FormDefinition:
    path = tmp_path_factory.mktemp("forms") / "every-kind.yaml"
    path.write_text(EVERY_KIND, encoding="utf-8")
    return load_form(path, LANGS, "en")


@pytest.fixture(scope="module")
def sample() -> FormDefinition:
    return load_form(SAMPLE_FORM, LANGS, "en")


def fill(session: FormSession, answers: dict[str, Any], until: str | None = None) -> None:
    """Answer the shown questions page by page with ``answers``, pressing Next, until ``until``."""
    while session.current_page is not None and session.current_page.id != until:
        for _ in range(2):  # again for questions an answer above just revealed
            for field in session.visible_fields():
                if field.id in answers:
                    session.answer(field.id, answers[field.id])
        errors = session.next()
        assert errors == [], errors


def codes(form: FormDefinition, field_id: str, raw: object, language: str = "en") -> list[str]:
    """The error codes for ``field_id`` when the citizen enters ``raw`` (all else valid)."""
    session = FormSession(form, language, TODAY)
    page = next(p.id for p in form.pages if any(f.id == field_id for f in p.fields))
    fill(session, VALID, until=page)
    for field in session.visible_fields():
        session.answer(field.id, VALID.get(field.id))
    session.answer(field_id, raw)
    return [e.code for e in session.next() if e.field_id == field_id]


def visible_ids(session: FormSession) -> set[str]:
    return {f.id for page in session.visible_pages for f in session.visible_fields(page)}


# --- every kind and every rule -------------------------------------------------------------

KIND_CASES = [
    ("nickname", "  Bo  ", []),
    ("nickname", "", ["required"]),
    ("nickname", "A", ["too_short"]),
    ("nickname", "x" * 11, ["too_long"]),
    ("nickname", 5, ["text"]),
    ("story", "", []),
    ("story", "x" * 2001, ["too_long"]),
    ("code", "ab-1234", []),
    ("code", "A1234", ["pattern"]),
    ("code", "ab 12$4", ["id_number"]),
    ("card", "4539 1488 0343 6467", []),
    ("card", "4539 1488 0343 6468", ["check_digit"]),
    ("card", "ABC", ["check_digit"]),
    ("copies", "10", []),
    ("copies", "2,5", []),
    ("copies", 4, []),
    ("copies", "0", ["number_min"]),
    ("copies", "11", ["number_max"]),
    ("copies", "abc", ["number"]),
    ("copies", "1,000", ["number"]),  # a thousand or one? the citizen is asked again
    ("copies", "1e5", ["number"]),
    ("copies", True, ["number"]),
    ("copies", float("nan"), ["number"]),
    ("copies", None, ["required"]),
    ("born", "2000-02-29", []),
    ("born", datetime.date(2000, 1, 1), []),
    ("born", "2009-06-15", []),  # sixteen today
    ("born", "2009-06-16", ["min_age"]),  # sixteen tomorrow
    ("born", "2025-06-16", ["date_future"]),
    ("born", "1900-01-01", ["max_age"]),
    ("born", "2001-02-29", ["date"]),
    ("born", "15/06/2000", ["date"]),
    ("born", "20000615", ["date"]),
    ("visit", "2025-06-15", []),
    ("visit", "2025-06-14", ["date_past"]),
    ("visit", "2031-01-01", ["date_max"]),
    ("moved", "1990-05-01", []),
    ("moved", "1990-04-30", ["date_min"]),
    ("phone", "(555) 123-4567", []),
    ("phone", "+52 55 1234 5678", []),
    ("phone", "12345", ["phone"]),
    ("phone", "555-CALL-NOW", ["phone"]),
    ("phone", "1" * 16, ["phone"]),
    ("phone", "", ["required"]),
    ("email", "ana@example.com", []),
    ("email", "", []),
    ("email", "ana@example", ["email"]),
    ("email", "ana example.com", ["email"]),
    ("email", "ana@@example.com", ["email"]),
    (
        "home",
        {"line1": "1 Main St", "line2": "", "city": "Riverside", "postal_code": "92501-1234"},
        [],
    ),
    ("home", {"line1": "1 Main St", "postal_code": "92501"}, ["address_city"]),
    (
        "home",
        {"line1": "1 Main St", "city": "Riverside", "postal_code": "9250"},
        ["address_postal_code"],
    ),
    ("home", {"city": "Riverside", "postal_code": "92501"}, ["address_line1"]),
    ("home", {"line1": "", "city": " "}, ["address"]),
    ("home", "1 Main St, Riverside", ["address"]),
    ("home", {"street": "1 Main St"}, ["address"]),
    ("color", "red", []),
    ("color", "green", ["choice"]),
    ("color", "", ["required_choice"]),
    ("extras", ["c", "a"], []),
    ("extras", [], []),
    ("extras", ["d"], ["choice"]),
    ("extras", "a", ["choice"]),
    ("member", True, []),
    ("member", "no", []),
    ("member", "maybe", ["yes_no"]),
    ("member", None, ["required_choice"]),
    ("terms", True, []),
    ("terms", False, ["consent_required"]),
    ("terms", None, ["consent_required"]),
]


@pytest.mark.parametrize(("field_id", "raw", "expected"), KIND_CASES)
def test_every_kind_and_rule(
    every_kind: FormDefinition, field_id: str, raw: object, expected: list[str]
) -> None:
    assert codes(every_kind, field_id, raw) == expected


def test_answers_are_normalised_values(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "en", TODAY)
    session.answer("code", " ab-1234 ")
    session.answer("nickname", "  Bo ")
    session.answer("copies", "2,5")
    session.answer("phone", "+1 (555) 123-4567")
    session.answer("extras", ["c", "a", "c"])

    assert session.value("code") == "AB1234"
    assert session.value("nickname") == "Bo"
    assert session.value("copies") == 2.5
    assert session.value("phone") == "+15551234567"
    assert session.value("extras") == ["a", "c"]  # in the form's order, once each
    assert session.raw("nickname") == "  Bo "  # what goes back in the box, as typed


def test_errors_are_in_the_citizens_language_with_the_forms_own_pattern_message(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "es", TODAY)
    session.answer("nickname", "A")
    session.answer("code", "A1")

    errors = session.next()

    assert errors == [
        FieldError("nickname", "too_short", "Escriba al menos 2 caracteres"),
        FieldError("code", "pattern", "Dos letras y 4 dígitos"),
    ]
    session.language = "en"
    assert [e.message for e in session.next()] == [
        "Enter at least 2 characters",
        "Two letters and 4 digits",
    ]


def test_dates_in_messages_and_review_are_written_out(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "es", TODAY)
    fill(session, VALID, until="numbers")
    session.answer("visit", "2031-01-01")

    error = next(e for e in session.next() if e.field_id == "visit")

    assert error.message == "Escriba una fecha igual o anterior al 31 de diciembre de 2030"
    session.language = "en"
    assert next(e for e in session.next() if e.field_id == "visit").message == (
        "Enter a date on or before December 31, 2030"
    )


def test_an_address_error_names_the_box(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "en", TODAY)
    fill(session, VALID, until="contact")
    session.answer("home", {"line1": "1 Main St", "city": "Riverside", "postal_code": "ABC"})

    (error,) = [e for e in session.next() if e.field_id == "home"]

    assert (error.part, error.message) == ("postal_code", "Enter a ZIP code, like 90210")


def test_a_language_the_pack_lacks_falls_back_to_the_default_language(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "vi", TODAY)

    assert session.text(every_kind.title) == "Every kind"
    assert session.next()[0].message == "Answer this question"


# --- branching ----------------------------------------------------------------------------


def test_question_on_the_same_page_appears_when_an_answer_above_calls_for_it(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "en", TODAY)
    fill(session, VALID, until="choices")
    shown = [f.id for f in session.visible_fields()]

    session.answer("member", True)

    assert "member_no" not in shown
    assert [f.id for f in session.visible_fields()][-1] == "member_no"
    assert [e.code for e in session.next()] == ["required"]


def test_page_shown_only_when_its_condition_holds(every_kind: FormDefinition) -> None:
    blue = FormSession(every_kind, "en", TODAY)
    red = FormSession(every_kind, "en", TODAY)

    fill(blue, VALID, until="agree")
    fill(red, {**VALID, "color": "red"}, until="red_page")

    assert "red_page" not in [p.id for p in blue.visible_pages]
    assert red.current_page is not None and red.current_page.id == "red_page"
    assert blue.progress() == (5, 6) and red.progress() == (5, 7)


def test_answers_to_what_became_hidden_are_forgotten_and_never_sent(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "en", TODAY)
    fill(session, {**VALID, "color": "red", "member": True, "member_no": "M-1"}, until="agree")
    assert session.payload()["shade"] == "crimson"
    assert session.payload()["member_number"] == "M-1"

    session.back()
    session.back()
    session.answer("color", "blue")
    session.answer("member", False)
    assert "member_number" not in session.payload()  # hidden at once, before Next
    assert session.next() == []

    assert session.current_page is not None and session.current_page.id == "agree"
    assert session.raw("shade") is None and session.raw("member_no") is None
    assert {"shade", "member_number"}.isdisjoint(session.payload())
    session.back()
    session.answer("color", "red")
    session.next()
    assert session.current_page.id == "red_page" and session.raw("shade") is None


def test_a_page_whose_questions_are_all_hidden_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(
        "id: skip\nversion: 1\ntitle: T\npages:\n"
        "  - {id: one, title: One, fields: [{id: pets, kind: multiple_choice, label: Pets,"
        " required: false, choices: [{value: cat, label: Cat}, {value: dog, label: Dog}]}]}\n"
        "  - id: two\n    title: Two\n    fields:\n"
        "      - {id: cat_name, kind: short_text, label: Cat, show_if: \"'cat' in pets\"}\n"
        "      - {id: dog_name, kind: short_text, label: Dog, show_if: \"'dog' in pets\"}\n",
        encoding="utf-8",
    )
    session = FormSession(load_form(path, ("en",), "en"), "en", TODAY)
    chosen = ["cat"]
    session.answer("pets", chosen)
    chosen.append("dog")  # the screen's own list changes later: the answer does not

    assert [f.id for f in session.visible_fields(session.definition.page("two"))] == ["cat_name"]
    session.answer("pets", [])
    assert session.next() == [] and session.at_review
    assert [p.id for p in session.visible_pages] == ["one"]


def test_a_default_is_prefilled_as_an_answer(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "en", TODAY)
    assert session.raw("color") == "blue"
    assert session.value("color") == "blue"


def test_computed_values_reach_the_payload_as_json_values(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "en", TODAY)
    fill(session, {**VALID, "copies": "3", "extras": ["b"]})

    assert session.at_review and session.is_complete
    assert session.payload() == {
        "nickname": "Bo",
        "copies": 3,
        "fee": 22.5,
        "born": "1990-05-01",
        "home": {"line1": "1 Main St", "city": "Riverside", "postal_code": "92501"},
        "extras": ["b"],
    }
    assert session.value("adult") is True
    assert session.definition.personal_keys() == {"born", "home"}


def test_without_an_output_mapping_every_visible_answer_is_sent(tmp_path: Path) -> None:
    text = EVERY_KIND[: EVERY_KIND.index("output:")]
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    session = FormSession(load_form(path, LANGS, "en"), "en", TODAY)
    fill(session, VALID)

    payload = session.payload()

    assert payload["color"] == "blue" and payload["fee"] == 22.5 and payload["terms"] is True
    assert "member_no" not in payload and "shade" not in payload
    assert set(payload) - {"fee", "adult"} == set(session.answers())
    assert {"born", "phone", "home", "adult"} <= session.definition.personal_keys()


# --- moving, review and change ------------------------------------------------------------


def test_next_stays_on_a_page_with_errors_and_back_keeps_answers(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "en", TODAY)

    assert session.back() is False  # the first page: the screen leaves the form
    assert session.next() and session.current_page.id == "text"
    fill(session, VALID, until="numbers")
    assert session.back() is True
    assert session.current_page.id == "text" and session.raw("nickname") == "Bo"


def test_review_lists_every_visible_answer_with_personal_values_shown(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "es", TODAY)
    fill(session, {**VALID, "extras": ["a", "c"]})

    items = {item.field_id: item for item in session.review()}

    assert session.current_page is None and session.progress() == (6, 6)
    assert next(iter(items)) == "nickname" and "member_no" not in items and "shade" not in items
    assert items["born"].shown_value == "1 de mayo de 1990" and items["born"].personal
    assert items["home"].shown_value == "1 Main St, Riverside, 92501"
    assert items["extras"].shown_value == "Alfa, Gama"
    assert items["color"].shown_value == "Azul" and not items["color"].personal
    assert items["member"].shown_value == "No"
    assert items["terms"].shown_value == "Acepto"
    assert items["story"].shown_value == "Sin respuesta"
    assert (items["copies"].page_id, items["copies"].label) == ("numbers", "Copias")


def test_change_from_review_returns_to_review(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "en", TODAY)
    fill(session, VALID)

    session.go_to("contact")
    session.answer("phone", "555 987 6543")
    assert session.next() == []

    assert session.at_review
    assert session.payload()["home"]["city"] == "Riverside"
    assert session.value("phone") == "5559876543"


def test_change_that_reveals_a_page_asks_it_before_returning_to_review(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "en", TODAY)
    fill(session, VALID)

    session.go_to("choices")
    session.answer("color", "red")
    session.next()
    assert session.current_page is not None and session.current_page.id == "red_page"
    session.answer("shade", "scarlet")
    session.next()

    assert session.at_review and session.payload()["shade"] == "scarlet"


def test_back_while_changing_returns_to_review_and_from_review_to_last_page(
    every_kind: FormDefinition,
) -> None:
    session = FormSession(every_kind, "en", TODAY)
    fill(session, VALID)

    session.go_to("numbers")
    assert session.back() and session.at_review
    assert session.back() and session.current_page.id == "agree"
    assert session.next() == [] and session.at_review


def test_go_to_a_page_not_shown_or_unknown_is_refused(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "en", TODAY)
    with pytest.raises(ValueError, match="not shown"):
        session.go_to("red_page")
    with pytest.raises(KeyError):
        session.go_to("nowhere")
    with pytest.raises(KeyError):
        session.answer("nowhere", "x")


def test_submit_only_when_every_visible_question_is_right(every_kind: FormDefinition) -> None:
    session = FormSession(every_kind, "en", TODAY)
    assert not session.is_complete
    assert {e.field_id for e in session.errors()} >= {"nickname", "copies", "terms"}
    fill(session, VALID)
    assert session.is_complete and session.next() == [] and session.at_review


# --- the sample form ----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGS)
def test_sample_renewal_with_a_new_address_and_a_corrected_mistake(
    sample: FormDefinition, language: str
) -> None:
    session = FormSession(sample, language, TODAY)
    session.answer("license_number", "D123456")
    session.answer("license_expiry", "2024-09-30")
    (error,) = session.next()
    assert error.field_id == "license_number"
    assert error.message == (
        "Enter one letter and 7 digits, like D1234567"
        if language == "en"
        else "Escriba una letra y 7 dígitos, como D1234567"
    )
    answers = {
        "license_number": "d1234567",
        "first_name": "Ana",
        "last_name": "Ruiz",
        "date_of_birth": "1950-02-03",
        "address_changed": True,
        "home_address": {"line1": "12 Oak Ave", "city": "Riverside", "postal_code": "92501"},
        "moved_on": "2024-01-10",
        "corrective_lenses": False,
        "declaration": True,
    }
    fill(session, answers)

    payload = session.payload()
    assert payload["license_number"] == "D1234567" and payload["renew_at_kiosk"] is True
    assert payload["new_address"]["line1"] == "12 Oak Ave"
    assert payload["vision_test_required"] is True  # 75 years old
    assert "wants_counter_ticket" not in payload


def test_sample_license_expired_long_ago_sends_the_citizen_to_the_counter(
    sample: FormDefinition,
) -> None:
    session = FormSession(sample, "en", TODAY)
    fill(
        session, {"license_number": "D1234567", "license_expiry": "2022-01-01"}, until="see_a_clerk"
    )
    session.answer("wants_ticket", True)
    session.next()

    assert session.at_review
    assert [p.id for p in session.visible_pages] == ["current_license", "see_a_clerk"]
    assert session.payload() == {
        "license_number": "D1234567",
        "license_expiration_date": "2022-01-01",
        "renew_at_kiosk": False,
        "wants_counter_ticket": True,
        "vision_test_required": False,  # computed: 'or' is false, never null
    }


def test_sample_without_address_change_never_sends_an_address(sample: FormDefinition) -> None:
    session = FormSession(sample, "es", TODAY)
    answers = {
        "license_number": "D1234567",
        "license_expiry": "2026-01-01",
        "first_name": "Luis",
        "last_name": "Paz",
        "date_of_birth": "2000-01-01",
        "address_changed": False,
        "home_address": {"line1": "1 Main", "city": "X", "postal_code": "12345"},
        "corrective_lenses": True,
        "declaration": True,
    }
    fill(session, answers)

    assert "new_address" not in session.payload()
    assert "new_address" not in [p.id for p in session.visible_pages]


# --- messages ------------------------------------------------------------------------------


def test_every_form_message_reads_in_english_and_spanish() -> None:
    keys = [key for key in catalog("en") if key.startswith("forms.")]
    assert "forms.error.required" in keys and "forms.value.yes" in keys
    for key in keys:
        english = message("en", key, min=1, max=2, n=3, date="x", day=1, month="m", year=2)
        spanish = message("es", key, min=1, max=2, n=3, date="x", day=1, month="m", year=2)
        assert (english and spanish and english != spanish) or key == "forms.value.no", key


# --- properties: nothing a citizen does crashes the engine or leaks hidden answers ----------

_raw = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "red",
            "blue",
            "a",
            "yes",
            "no",
            "2000-01-01",
            "2025-06-16",
            "5551234567",
            "a@b.co",
            "4539148803436467",
            "D1234567",
            "3",
            "1,5",
            "self",
        ]
    ),
    st.dates(),
    st.lists(st.sampled_from(["a", "b", "c", "d", "vision_loss", "seizures", ""]), max_size=4),
    st.dictionaries(
        st.sampled_from(["line1", "line2", "city", "region", "postal_code", "zip"]),
        st.one_of(st.text(max_size=10), st.sampled_from(["92501", "1 Main"]), st.none()),
        max_size=5,
    ),
)


def _actions(form: FormDefinition) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    field_ids = [f.id for f in form.fields]
    page_ids = [p.id for p in form.pages]
    action = st.one_of(
        st.tuples(st.just("answer"), st.sampled_from(field_ids), _raw),
        st.tuples(st.just("next")),
        st.tuples(st.just("back")),
        st.tuples(st.just("go_to"), st.sampled_from(page_ids)),
    )
    return st.lists(action, max_size=40)


def _run_and_check(form: FormDefinition, actions: list[tuple[Any, ...]], language: str) -> None:
    session = FormSession(form, language, TODAY)
    for action in actions:
        if action[0] == "answer":
            session.answer(action[1], action[2])
        elif action[0] == "next":
            errors = session.next()
            if not errors:  # moved on: what is hidden now was forgotten
                shown = visible_ids(session)
                for field in form.fields:
                    if field.id not in shown:
                        assert session.raw(field.id) in (None, field.default), field.id
        elif action[0] == "back":
            session.back()
        else:
            with contextlib.suppress(ValueError):  # a page hidden for these answers
                session.go_to(action[1])
        shown = visible_ids(session)
        page = session.current_page
        assert page is None or page.id in [p.id for p in session.visible_pages]
        assert set(session.answers()) <= shown
        assert {item.field_id for item in session.review()} <= shown
        payload = session.payload()
        for key, source in form.output.items():
            if source in {f.id for f in form.fields} and source not in shown:
                assert key not in payload, (key, source)
        session.progress()
        session.is_complete  # noqa: B018 - evaluated for its checks


@settings(max_examples=150, deadline=None)
@given(data=st.data(), language=st.sampled_from(["en", "es", "vi"]))
def test_random_answers_never_crash_the_engine_or_leak_hidden_fields(
    every_kind: FormDefinition, sample: FormDefinition, data: st.DataObject, language: str
) -> None:
    for form in (every_kind, sample):
        _run_and_check(form, data.draw(_actions(form)), language)
