"""The OneStop form an Open311 service definition becomes (see :mod:`kiosk.forms.open311_import`).

Pure data in, a form document out: each attribute becomes a question of the
kind its datatype calls for, around the questions every 311 request needs
(a description, the place, optional contact details), with text from the
city's server cleaned of control and bidi characters and cut to length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

KINDS = {
    "string": "short_text",
    "text": "long_text",
    "number": "number",
    "datetime": "date",
    "singlevaluelist": "single_choice",
    "multivaluelist": "multiple_choice",
}


CHOICE_KINDS = ("single_choice", "multiple_choice")


BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


#: The fixed questions' text; other languages get English to translate.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "describe": "Describe the problem",
        "where": "Where is the problem?",
        "where_help": "If you do not know the address, give the two nearest cross streets.",
        "how": "How do you want to tell us the place?",
        "by_address": "With a street address",
        "by_intersection": "With the nearest intersection",
        "address_title": "Street address",
        "address": "Address closest to the problem",
        "address_hint": "The building number and the street, for example 1200 Main St.",
        "intersection_title": "Nearest intersection",
        "street_1": "First street",
        "street_2": "Street that crosses it",
        "updates": "Updates",
        "wants_updates": "Would you like the city to contact you about this report?",
        "contact": "How can the city contact you?",
        "first_name": "First name",
        "last_name": "Last name",
        "email": "Email address",
        "phone": "Phone number",
    },
    "es": {
        "describe": "Describa el problema",
        "where": "¿Dónde está el problema?",
        "where_help": "Si no sabe la dirección, indique las dos calles que se cruzan más cerca.",
        "how": "¿Cómo quiere indicarnos el lugar?",
        "by_address": "Con una dirección",
        "by_intersection": "Con el cruce de calles más cercano",
        "address_title": "Dirección",
        "address": "Dirección más cercana al problema",
        "address_hint": "El número del edificio y la calle, por ejemplo 1200 Main St.",
        "intersection_title": "Cruce de calles más cercano",
        "street_1": "Primera calle",
        "street_2": "Calle que la cruza",
        "updates": "Avisos",
        "wants_updates": "¿Quiere que la ciudad se comunique con usted sobre este reporte?",
        "contact": "¿Cómo puede comunicarse la ciudad con usted?",
        "first_name": "Nombre",
        "last_name": "Apellidos",
        "email": "Correo electrónico",
        "phone": "Número de teléfono",
    },
}


def choice_options(attr: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """The list values a kiosk can offer. A key is sent back as it is, so one that is
    empty, too long, repeated or holds control characters cannot be offered."""
    choices, seen = [], set()
    for value in attr.get("values") or []:
        if not isinstance(value, dict) or value.get("key") in (None, ""):
            continue
        key = str(value["key"])
        if len(key) > 100 or key in seen or not sendable_text(key) or key.strip() != key:
            continue
        seen.add(key)
        choices.append(
            {"value": key, "label": {language: clean_text(value.get("name"), 200) or key}}
        )
    return choices


def form_document(
    form_id: str,
    name: str,
    about: str,
    questions: list[dict[str, Any]],
    attributes: dict[str, str],
    language: str,
) -> dict[str, Any]:
    words = TEXTS.get(language.split("-")[0], TEXTS["en"])

    def t(key: str) -> dict[str, str]:
        return {language: words[key]}

    pages: list[dict[str, Any]] = [
        {"id": q["id"], "title": {language: name}, "fields": [q]} for q in questions
    ]
    describe: dict[str, Any] = {"id": "describe", "title": {language: name}}
    if about:
        describe["help"] = {language: about}
    # With no attribute questions, the description is all the city learns.
    describe["fields"] = [
        {
            "id": "description",
            "kind": "long_text",
            "label": t("describe"),
            "required": not questions,
            "max_length": 4000,
        }
    ]
    pages += [describe, *location_and_contact(t)]
    output = {
        "description": "description",
        "address_string": "street_address",
        "intersection": "intersection",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
    }
    for question, key in zip(questions, attributes.values(), strict=True):
        output[key] = question["id"]
    return {
        "id": form_id,
        "version": 1,
        "title": {language: name},
        "pages": pages,
        "computed": [
            {"id": "intersection", "expression": "cross_street_1 + ' & ' + cross_street_2"}
        ],
        "output": output,
    }


def location_and_contact(t: Callable[[str], dict[str, str]]) -> list[dict[str, Any]]:
    """The place and the contact pages, as the sample pack's street problem form has them."""

    def question(field_id: str, kind: str, label: str = "", **more: Any) -> dict[str, Any]:
        return {"id": field_id, "kind": kind, "label": t(label or field_id), **more}

    return [
        {
            "id": "location_kind",
            "title": t("where"),
            "help": t("where_help"),
            "fields": [
                {
                    "id": "location_type",
                    "kind": "single_choice",
                    "label": t("how"),
                    "choices": [
                        {"value": "address", "label": t("by_address")},
                        {"value": "intersection", "label": t("by_intersection")},
                    ],
                }
            ],
        },
        {
            "id": "location_address",
            "show_if": "location_type == 'address'",
            "title": t("address_title"),
            "fields": [
                question(
                    "street_address",
                    "short_text",
                    "address",
                    hint=t("address_hint"),
                    max_length=120,
                )
            ],
        },
        {
            "id": "location_intersection",
            "show_if": "location_type == 'intersection'",
            "title": t("intersection_title"),
            "fields": [
                question("cross_street_1", "short_text", "street_1", max_length=80),
                question("cross_street_2", "short_text", "street_2", max_length=80),
            ],
        },
        {
            "id": "updates",
            "title": t("updates"),
            "fields": [question("wants_updates", "yes_no")],
        },
        {
            "id": "contact",
            "show_if": "wants_updates",
            "title": t("contact"),
            "fields": [
                question("first_name", "short_text", personal=True, required=False),
                question("last_name", "short_text", personal=True, required=False),
                question("email", "email", personal=True),
                question("phone", "phone", personal=True, required=False),
            ],
        },
    ]


def clean_text(value: object, limit: int) -> str:
    """Server text made safe to show: no control, surrogate, private or unassigned
    characters, no bidi overrides, whitespace collapsed, at most ``limit`` characters."""
    if value is None or isinstance(value, dict | list):
        return ""
    kept = []
    for ch in unicodedata.normalize("NFC", str(value)):
        category = unicodedata.category(ch)
        if ch in "\t\n\r\x85" or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cc", "Cs", "Co", "Cn") and not BIDI.match(ch):
            kept.append(ch)
    text = " ".join("".join(kept).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sendable_text(text: str) -> bool:
    """Text the city can be sent back as it is: valid UTF-8, no control characters."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape
        return False
    return not any(unicodedata.category(ch) == "Cc" for ch in text)


def sentences(parts: list[str], limit: int) -> str:
    """Texts joined as one paragraph, each closed with a full stop if it has none."""
    texts = [p if p[-1] in ".!?:;…" else p + "." for p in parts if p]
    return clean_text(" ".join(texts), limit)


def attribute_order(attr: dict[str, Any]) -> float:
    """An attribute's ``order`` as a number; one without comes last."""
    value = attr.get("order")
    try:
        return float(value) if isinstance(value, int | float | str) else float("inf")
    except ValueError:
        return float("inf")
