"""The sample pack's forms, filled in by a citizen in English and in Spanish.

Each branch of the birth certificate and street problem forms is walked page by page
with the engine: which pages are asked, an error made and corrected, what the clerk
or the city receives, and that an answer taken back never reaches them.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import SAMPLE_PACK
from kiosk.content import load_pack
from kiosk.forms.definition import FormDefinition
from kiosk.forms.engine import FieldError, FormSession
from kiosk.forms.loader import FORMS_FOLDER, check_forms, load_form
from kiosk.forms.validation import message

TODAY = datetime.date(2025, 6, 15)
PACK = load_pack(SAMPLE_PACK).pack
LANGS = tuple(PACK.languages)
FORMS = SAMPLE_PACK / FORMS_FOLDER
SAMPLE_FILES = sorted(FORMS.glob("*.yaml"))
REPO = Path(__file__).resolve().parents[3]
#: Texts that are rightly the same in English and Spanish; any other is an untranslated copy.
SAME_IN_BOTH = {"No"}


@pytest.fixture(scope="module")
def birth() -> FormDefinition:
    return load_form(FORMS / "birth-certificate.yaml", LANGS, PACK.default_language)


@pytest.fixture(scope="module")
def street() -> FormDefinition:
    return load_form(FORMS / "report-street-problem.yaml", LANGS, PACK.default_language)


def fill_page(session: FormSession, answers: dict[str, Any]) -> None:
    for _ in range(2):  # again for a question an answer above just revealed
        for field in session.visible_fields():
            if field.id in answers:
                session.answer(field.id, answers[field.id])


def walk(session: FormSession, answers: dict[str, Any], until: str | None = None) -> list[str]:
    """Answer each page shown from ``answers`` and press Next, up to ``until`` or the review;
    the ids of the pages passed, in order."""
    passed = []
    while session.current_page is not None and session.current_page.id != until:
        page = session.current_page.id
        fill_page(session, answers)
        errors = session.next()
        assert errors == [], (page, errors)
        passed.append(page)
    return passed


def on_page(session: FormSession) -> str | None:
    return None if session.current_page is None else session.current_page.id


def shown(session: FormSession) -> dict[str, str]:
    return {item.field_id: item.shown_value for item in session.review()}


# --- every sample form ------------------------------------------------------------------


def test_the_sample_pack_has_the_three_agencies_forms_and_no_problems() -> None:
    forms, problems = check_forms(FORMS, LANGS, PACK.default_language)

    assert problems == []
    assert set(forms) == {"driver-license-renewal", "birth-certificate", "report-street-problem"}
    assert {path.stem for path in SAMPLE_FILES} == set(forms)  # file named after its form


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_every_sample_form_loads_with_every_text_in_the_packs_languages(path: Path) -> None:
    form = load_form(path, LANGS, PACK.default_language)

    assert form.languages == ("en", "es") and form.default_language == "en"
    assert form.next_steps, "a sample form tells the citizen what happens next"
    texts = [form.title, form.next_steps]
    for page in form.pages:
        texts += [page.title, *([page.help] if page.help else [])]
        for field in page.fields:
            texts += [field.label, *([field.hint] if field.hint else [])]
            texts += [choice.label for choice in field.choices or []]
            texts += [field.pattern_message] if field.pattern_message else []
    for text in texts:
        assert set(text) == set(LANGS), text
        assert text["en"] != text["es"] or text["en"] in SAME_IN_BOTH, text
    assert form.output, "a sample form says what the agency receives"
    assert any(field.personal for field in form.fields)


def test_the_guides_complete_example_is_the_sample_form_and_loads(tmp_path: Path) -> None:
    guide = (REPO / "docs" / "content-packs.md").read_text(encoding="utf-8")
    section = guide.split("### A complete example", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    sample = FORMS / "driver-license-renewal.yaml"

    assert example == sample.read_text(encoding="utf-8")
    (tmp_path / sample.name).write_text(example, encoding="utf-8")
    form = load_form(tmp_path / sample.name, LANGS, PACK.default_language)
    assert form.next_steps and set(form.next_steps) == set(LANGS)


# --- birth certificate ------------------------------------------------------------------

RECORD: dict[str, Any] = {
    "requester_name": "Ana Torres",
    "registrant_name": "Lucía Torres Gómez",
    "date_of_birth": "1988-03-09",
    "birth_city": "Riverside",
    "parent_1_name": "María Gómez Ruiz",
    "parent_2_name": "",
    "copies": "2",
    "purpose": "passport",
    "id_type": "drivers_license",
    "id_number": "d1234567",
    "phone": "(951) 555-0142",
    "sworn_statement": True,
}
#: Pages every requester is asked, in order, around the relationship's own questions.
RECORD_PAGES = ["person", "birth_date", "birth_place", "parents", "copies", "purpose"]
AUTHORIZED_END = ["your_id", "phone", "sworn_statement"]

RELATIONSHIP_SHOWN = {
    "self": {"en": "I am that person", "es": "Soy esa persona"},
    "other": {
        "en": "Another relationship, or none of these",
        "es": "Otra relación, o ninguna de estas",
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_person_on_the_record_gets_an_authorized_copy_without_giving_their_name_twice(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)

    passed = walk(session, {**RECORD, "relationship": "self"})

    assert passed == ["relationship", *RECORD_PAGES, *AUTHORIZED_END]
    assert session.at_review and session.is_complete
    assert session.payload() == {
        "record_type": "birth",
        "authorized_copy": True,
        "requester_relationship": "self",
        "registrant_name": "Lucía Torres Gómez",
        "date_of_birth": "1988-03-09",
        "place_of_birth": "Riverside",
        "parent_1_name": "María Gómez Ruiz",
        "copies": 2,
        "purpose": "passport",
        "requester_id_type": "drivers_license",
        "requester_id_number": "D1234567",
        "phone": "9515550142",
        "sworn_statement_signed": True,
        "fee_usd": 56,
    }
    review = shown(session)
    assert review["relationship"] == RELATIONSHIP_SHOWN["self"][lang]
    assert review["date_of_birth"] == {"en": "March 9, 1988", "es": "9 de marzo de 1988"}[lang]
    assert "requester_name" not in review and "parent_2_name" not in session.payload()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("relationship", ["child", "spouse"])
def test_child_or_spouse_gives_their_own_name_and_gets_an_authorized_copy(
    birth: FormDefinition, lang: str, relationship: str
) -> None:
    session = FormSession(birth, lang, TODAY)

    passed = walk(session, {**RECORD, "relationship": relationship})

    assert passed == ["relationship", "your_name", *RECORD_PAGES, *AUTHORIZED_END]
    payload = session.payload()
    assert payload["requester_relationship"] == relationship
    assert payload["requester_name"] == "Ana Torres"
    assert payload["authorized_copy"] is True and payload["sworn_statement_signed"] is True


@pytest.mark.parametrize("lang", LANGS)
def test_parent_named_on_the_record_gets_an_authorized_copy(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)
    walk(session, {"relationship": "parent"}, until="parent_on_record")
    # Until the parent says whether they are on the record, the copy may be informational.
    assert "informational_copy" in [page.id for page in session.visible_pages]

    session.answer("parent_named", True)
    passed = walk(session, RECORD)  # from the page on screen

    assert passed == ["parent_on_record", "your_name", *RECORD_PAGES, *AUTHORIZED_END]
    assert "informational_copy" not in [page.id for page in session.visible_pages]
    payload = session.payload()
    assert payload["authorized_copy"] is True
    assert payload["parent_named_on_record"] is True
    assert "informational_copy_accepted" not in payload


@pytest.mark.parametrize("lang", LANGS)
def test_parent_not_named_on_the_record_can_only_get_an_informational_copy(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)

    passed = walk(
        session,
        {**RECORD, "relationship": "parent", "parent_named": False, "informational_ok": True},
    )

    assert passed == [
        "relationship",
        "parent_on_record",
        "informational_copy",
        "your_name",
        *RECORD_PAGES,
        "phone",  # no photo ID and no sworn statement for an informational copy
    ]
    payload = session.payload()
    assert payload["authorized_copy"] is False
    assert payload["parent_named_on_record"] is False
    assert payload["informational_copy_accepted"] is True
    assert {"requester_id_number", "requester_id_type", "sworn_statement_signed"}.isdisjoint(
        payload
    )


@pytest.mark.parametrize("lang", LANGS)
def test_someone_else_must_accept_an_informational_copy_before_going_on(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)
    walk(session, {"relationship": "other"}, until="informational_copy")
    assert on_page(session) == "informational_copy"
    assert "cannot use it to get a passport" in birth.page("informational_copy").help["en"]

    errors = session.next()

    assert errors == [
        FieldError(
            "informational_ok", "consent_required", message(lang, "forms.error.consent_required")
        )
    ]
    assert on_page(session) == "informational_copy"
    session.answer("informational_ok", True)
    passed = walk(session, RECORD)  # from the page on screen
    assert passed == ["informational_copy", "your_name", *RECORD_PAGES, "phone"]
    assert session.payload()["informational_copy_accepted"] is True
    assert session.payload()["authorized_copy"] is False
    assert shown(session)["relationship"] == RELATIONSHIP_SHOWN["other"][lang]


COURT_ORDER_MESSAGE = {
    "en": "Enter the case number as it is on the court order: letters, then numbers, "
    "like FL-2023-001234",
    "es": "Escriba el número de caso como aparece en la orden: letras y luego números, "
    "como FL-2023-001234",
}


@pytest.mark.parametrize("lang", LANGS)
def test_legal_representative_gives_a_court_case_number_and_corrects_its_format(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)
    passed = walk(
        session,
        {"relationship": "legal_representative", "representative_role": "guardian"},
        until="court_order",
    )
    assert passed == ["relationship", "representative_role"]

    session.answer("court_order_number", "2023-001234")  # the letters left out
    errors = session.next()

    assert errors == [FieldError("court_order_number", "pattern", COURT_ORDER_MESSAGE[lang])]
    session.answer("court_order_number", "fl-2023-001234")
    passed = walk(session, RECORD)  # from the page on screen
    assert passed == ["court_order", "your_name", *RECORD_PAGES, *AUTHORIZED_END]
    payload = session.payload()
    assert payload["requester_relationship"] == "legal_representative"
    assert payload["representative_role"] == "guardian"
    assert payload["court_case_number"] == "FL2023001234"
    assert payload["authorized_copy"] is True


@pytest.mark.parametrize("lang", LANGS)
def test_a_birth_date_in_the_future_and_zero_copies_are_refused_then_corrected(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)
    walk(session, {**RECORD, "relationship": "self"}, until="birth_date")

    session.answer("date_of_birth", "2025-06-16")  # tomorrow
    assert session.next() == [
        FieldError("date_of_birth", "date_future", message(lang, "forms.error.date_future"))
    ]
    session.answer("date_of_birth", "2025-06-15")  # born today is fine
    assert session.next() == []
    walk(session, RECORD, until="copies")
    assert session.raw("copies") == 1  # one copy unless the citizen asks for more

    session.answer("copies", "0")
    assert session.next() == [
        FieldError("copies", "number_min", message(lang, "forms.error.number_min", min="1"))
    ]
    session.answer("copies", "11")
    assert [e.code for e in session.next()] == ["number_max"]
    session.answer("copies", "3")
    assert session.next() == []
    walk(session, RECORD)

    assert session.at_review
    assert session.value("fee") == 84
    assert session.payload()["copies"] == 3 and session.payload()["fee_usd"] == 84
    assert session.payload()["date_of_birth"] == "2025-06-15"


@pytest.mark.parametrize("lang", LANGS)
def test_changing_to_self_forgets_the_representatives_court_order_and_name(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)
    walk(
        session,
        {
            **RECORD,
            "relationship": "legal_representative",
            "representative_role": "attorney",
            "court_order_number": "PR-22-00123",
        },
    )
    assert session.payload()["court_case_number"] == "PR2200123"

    session.go_to("relationship")
    session.answer("relationship", "self")
    assert session.next() == []

    assert session.at_review  # every page still asked was answered before
    payload = session.payload()
    assert {"court_case_number", "representative_role", "requester_name"}.isdisjoint(payload)
    assert session.raw("court_order_number") is None and session.raw("requester_name") is None
    assert payload["requester_relationship"] == "self" and payload["authorized_copy"] is True


@pytest.mark.parametrize("lang", LANGS)
def test_changing_to_another_relationship_asks_the_new_page_and_drops_the_id_and_oath(
    birth: FormDefinition, lang: str
) -> None:
    session = FormSession(birth, lang, TODAY)
    walk(session, {**RECORD, "relationship": "spouse"})
    assert session.payload()["requester_id_number"] == "D1234567"

    session.go_to("relationship")
    session.answer("relationship", "other")
    assert session.next() == []

    assert on_page(session) == "informational_copy"  # new for this answer: asked first
    session.answer("informational_ok", True)
    assert session.next() == [] and session.at_review
    payload = session.payload()
    assert payload["authorized_copy"] is False and payload["requester_name"] == "Ana Torres"
    assert {"requester_id_number", "requester_id_type", "sworn_statement_signed"}.isdisjoint(
        payload
    )
    assert session.raw("id_number") is None and session.raw("sworn_statement") is None


def test_birth_certificate_marks_every_personal_detail_for_protection(
    birth: FormDefinition,
) -> None:
    assert birth.personal_keys() == {
        "requester_name",
        "court_case_number",
        "registrant_name",
        "date_of_birth",
        "parent_1_name",
        "parent_2_name",
        "requester_id_number",
        "phone",
    }


# --- street problem (311) -----------------------------------------------------------------

AT_ADDRESS: dict[str, Any] = {
    "location_type": "address",
    "street_address": "1200 Main St",
    "wants_updates": False,
}
LOCATION_PAGES = ["location_kind", "location_address", "updates"]

BRANCHES = [
    pytest.param(
        {"problem_type": "pothole", "pothole_size": "large", "in_bike_lane": True},
        ["pothole_size", "pothole_bike_lane"],
        {"attribute[pothole_size]": "large", "attribute[in_bike_lane]": True},
        id="pothole",
    ),
    pytest.param(
        {"problem_type": "streetlight", "pole_number": "", "light_state": "flickering"},
        ["streetlight_pole", "streetlight_state"],
        {"attribute[light_state]": "flickering"},  # the pole number is optional
        id="streetlight",
    ),
    pytest.param(
        {"problem_type": "sign", "sign_type": "stop"},
        ["which_sign"],
        {"attribute[sign_type]": "stop"},
        id="sign",
    ),
    pytest.param(
        {"problem_type": "graffiti", "graffiti_on": "private"},
        ["graffiti_property"],
        {"attribute[graffiti_property]": "private"},
        id="graffiti",
    ),
    pytest.param(
        {"problem_type": "other", "problem_description": "Storm drain blocked by leaves"},
        ["other_problem"],
        {"description": "Storm drain blocked by leaves"},
        id="other",
    ),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("answers", "follow_up", "specific"), BRANCHES)
def test_each_problem_type_asks_only_its_own_follow_up(
    street: FormDefinition,
    lang: str,
    answers: dict[str, Any],
    follow_up: list[str],
    specific: dict[str, Any],
) -> None:
    session = FormSession(street, lang, TODAY)

    passed = walk(session, {**answers, **AT_ADDRESS})

    assert passed == ["problem", *follow_up, *LOCATION_PAGES]
    assert [page.id for page in session.visible_pages] == passed
    assert session.at_review and session.is_complete
    assert session.payload() == {
        "service_code": answers["problem_type"],
        "address_string": "1200 Main St",
        **specific,
    }


@pytest.mark.parametrize("lang", LANGS)
def test_streetlight_pole_number_is_checked_when_given(street: FormDefinition, lang: str) -> None:
    session = FormSession(street, lang, TODAY)
    walk(session, {"problem_type": "streetlight"}, until="streetlight_pole")

    session.answer("pole_number", "SL-10")
    errors = session.next()

    assert [(e.field_id, e.code) for e in errors] == [("pole_number", "pattern")]
    assert errors[0].message == street.field("pole_number").pattern_message[lang]
    session.answer("pole_number", "sl 10482")
    walk(session, {"light_state": "dark", **AT_ADDRESS})
    assert session.payload()["attribute[pole_number]"] == "SL10482"
    assert session.payload()["attribute[light_state]"] == "dark"


@pytest.mark.parametrize("lang", LANGS)
def test_something_else_needs_a_description_of_a_few_words(
    street: FormDefinition, lang: str
) -> None:
    session = FormSession(street, lang, TODAY)
    walk(session, {"problem_type": "other"}, until="other_problem")

    assert [e.code for e in session.next()] == ["required"]
    session.answer("problem_description", "Tree")
    assert session.next() == [
        FieldError("problem_description", "too_short", message(lang, "forms.error.too_short", n=10))
    ]
    session.answer("problem_description", "A tree branch fell on the sidewalk")
    walk(session, AT_ADDRESS)
    assert session.payload()["description"] == "A tree branch fell on the sidewalk"


@pytest.mark.parametrize("lang", LANGS)
def test_location_at_the_nearest_intersection_names_both_streets(
    street: FormDefinition, lang: str
) -> None:
    session = FormSession(street, lang, TODAY)

    passed = walk(
        session,
        {
            "problem_type": "graffiti",
            "graffiti_on": "public",
            "location_type": "intersection",
            "cross_street_1": " Main St ",
            "cross_street_2": "5th Ave",
            "wants_updates": False,
        },
    )

    assert passed == [
        "problem",
        "graffiti_property",
        "location_kind",
        "location_intersection",
        "updates",
    ]
    assert session.payload() == {
        "service_code": "graffiti",
        "intersection": "Main St & 5th Ave",
        "attribute[graffiti_property]": "public",
    }


@pytest.mark.parametrize("lang", LANGS)
def test_an_address_without_a_building_number_is_refused_with_the_forms_message(
    street: FormDefinition, lang: str
) -> None:
    session = FormSession(street, lang, TODAY)
    walk(
        session,
        {"problem_type": "sign", "sign_type": "yield", "location_type": "address"},
        until="location_address",
    )

    session.answer("street_address", "Main St")
    errors = session.next()

    assert [(e.field_id, e.code) for e in errors] == [("street_address", "pattern")]
    assert (
        errors[0].message
        == {
            "en": "Start with the building number, then the street, like 1200 Main St",
            "es": "Empiece con el número del edificio y luego la calle, como 1200 Main St",
        }[lang]
    )
    session.answer("street_address", "1200b Main St")
    walk(session, {"wants_updates": False})
    assert session.payload()["address_string"] == "1200b Main St"


@pytest.mark.parametrize("lang", LANGS)
def test_switching_from_address_to_intersection_sends_only_the_intersection(
    street: FormDefinition, lang: str
) -> None:
    session = FormSession(street, lang, TODAY)
    walk(session, {"problem_type": "sign", "sign_type": "street_name", **AT_ADDRESS})
    assert session.payload()["address_string"] == "1200 Main St"

    session.go_to("location_kind")
    session.answer("location_type", "intersection")
    assert session.next() == []
    assert on_page(session) == "location_intersection"
    errors = session.next()
    assert {(e.field_id, e.code) for e in errors} == {
        ("cross_street_1", "required"),
        ("cross_street_2", "required"),
    }
    fill_page(session, {"cross_street_1": "Oak St", "cross_street_2": "Elm St"})
    assert session.next() == []

    assert session.at_review
    payload = session.payload()
    assert payload["intersection"] == "Oak St & Elm St"
    assert "address_string" not in payload and session.raw("street_address") is None
    assert "street_address" not in shown(session)


@pytest.mark.parametrize("lang", LANGS)
def test_switching_problem_type_drops_the_first_problems_details(
    street: FormDefinition, lang: str
) -> None:
    session = FormSession(street, lang, TODAY)
    walk(
        session,
        {"problem_type": "pothole", "pothole_size": "small", "in_bike_lane": False, **AT_ADDRESS},
    )
    assert session.payload()["attribute[in_bike_lane]"] is False

    session.go_to("problem")
    session.answer("problem_type", "graffiti")
    assert session.next() == []
    assert on_page(session) == "graffiti_property"
    session.answer("graffiti_on", "public")
    assert session.next() == [] and session.at_review

    assert session.payload() == {
        "service_code": "graffiti",
        "address_string": "1200 Main St",
        "attribute[graffiti_property]": "public",
    }
    assert session.raw("pothole_size") is None and session.raw("in_bike_lane") is None


@pytest.mark.parametrize("lang", LANGS)
def test_email_updates_need_a_real_address_and_consent(street: FormDefinition, lang: str) -> None:
    session = FormSession(street, lang, TODAY)
    walk(
        session,
        {"problem_type": "sign", "sign_type": "stop", **AT_ADDRESS, "wants_updates": True},
        until="contact",
    )

    session.answer("email", "ana@example")
    errors = session.next()

    assert errors == [
        FieldError("email", "email", message(lang, "forms.error.email")),
        FieldError(
            "contact_consent", "consent_required", message(lang, "forms.error.consent_required")
        ),
    ]
    fill_page(session, {"email": "ana@example.com", "contact_consent": True})
    assert session.next() == [] and session.at_review
    assert session.payload()["email"] == "ana@example.com"
    assert session.payload()["email_updates_consent"] is True
    assert street.personal_keys() == {"email"}

    session.go_to("updates")
    session.answer("wants_updates", False)
    assert session.next() == [] and session.at_review
    assert {"email", "email_updates_consent"}.isdisjoint(session.payload())
    assert session.raw("email") is None
