"""Importing a city's Open311 service list as OneStop forms, over real HTTP.

Each test serves a service list from :class:`Open311Sim` on loopback, imports
it, and reads the written files back with the real forms loader, the way
``kiosk forms check`` and the kiosk will. One test fills an imported form in
as a citizen would and files it with the ``open311`` connector, set up from
the printed settings, to show that the two line up.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiosk.agency_sim.open311 import Open311Sim, Service, attribute
from kiosk.forms.definition import FormDefinition
from kiosk.forms.engine import FormSession
from kiosk.forms.loader import load_form
from kiosk.forms.open311_import import (
    Open311ImportError,
    connector_settings,
    connector_snippet,
    import_open311,
    import_services,
)
from kiosk.sync.open311 import Spec
from kiosk.sync.protocol import Delivery
from tests.kiosk.forms.test_sample_forms import walk

API_KEY = "city-key-7f3a"
TODAY = dt.date(2026, 3, 2)
POTHOLE = Service(
    "pothole",
    "Pothole",
    "Holes in the road surface",
    metadata=True,
    attributes=[
        attribute(
            "SIZE",
            "singlevaluelist",
            required=True,
            description="How big is it?",
            order=2,
            values=[("small", "Smaller than a plate"), ("large", "Bigger than a tire")],
        ),
        attribute(
            "SINCE",
            "datetime",
            description="Since when has it been there?",
            datatype_description="The day you first saw it",
            order=1,
        ),
        attribute("NOTES", "text", description="Anything the crew should know?", order=3),
        attribute("DEPTH", "number", required=True, description="Depth in inches", order=4),
        attribute(
            "KINDS",
            "multivaluelist",
            description="What do you see?",
            order=5,
            values=[("crack", "Cracks"), ("water", "Standing water")],
        ),
        attribute("LANE", "string", description="Which lane?", order=6),
        attribute("INFO", "string", variable=False, description="Crews come within 5 days."),
    ],
)
GRAFFITI = Service("graffiti", "Graffiti removal", "Paint on public walls")


@pytest.fixture
def city() -> Iterator[Open311Sim]:
    with Open311Sim(api_key=API_KEY, services=[POTHOLE, GRAFFITI]) as sim:
        yield sim


def load(path: Path, language: str = "en") -> FormDefinition:
    return load_form(path, [language], language)


def questions(form: FormDefinition) -> list[tuple[str, str, bool]]:
    """(id, kind, required) of the questions made from attributes (ids start with a_)."""
    return [(f.id, f.kind.value, f.required) for f in form.fields if f.id.startswith("a_")]


def test_each_service_becomes_a_form_the_kiosk_loads_asking_its_attributes_in_order(
    city: Open311Sim, tmp_path: Path
) -> None:
    paths = import_services(city.url, tmp_path / "forms", api_key=API_KEY)

    assert [p.name for p in paths] == ["open311-pothole.yaml", "open311-graffiti.yaml"]
    pothole, graffiti = (load(p) for p in paths)
    assert pothole.title == {"en": "Pothole"}
    assert questions(pothole) == [
        ("a_since", "date", False),
        ("a_size", "single_choice", True),
        ("a_notes", "long_text", False),
        ("a_depth", "number", True),
        ("a_kinds", "multiple_choice", False),
        ("a_lane", "short_text", False),
    ]
    since, size = pothole.field("a_since"), pothole.field("a_size")
    assert (since.label, since.hint) == (
        {"en": "Since when has it been there?"},
        {"en": "The day you first saw it"},
    )
    assert [(c.value, c.label["en"]) for c in size.choices or []] == [
        ("small", "Smaller than a plate"),
        ("large", "Bigger than a tire"),
    ]
    # information, not a question: shown as help with the service's description
    assert pothole.page("describe").help == {
        "en": "Holes in the road surface. Crews come within 5 days."
    }
    assert {k: v for k, v in pothole.output.items() if k.startswith("attribute[")} == {
        "attribute[SINCE]": "a_since",
        "attribute[SIZE]": "a_size",
        "attribute[NOTES]": "a_notes",
        "attribute[DEPTH]": "a_depth",
        "attribute[KINDS]": "a_kinds",
        "attribute[LANE]": "a_lane",
    }
    # every request needs a place and may carry contact details; personal data is marked
    for form in (pothole, graffiti):
        ids = {f.id for f in form.fields}
        assert {"description", "location_type", "street_address", "cross_street_1"} <= ids
        assert {f.id for f in form.fields if f.personal} == {
            "first_name",
            "last_name",
            "email",
            "phone",
        }
    # without attributes, the description is all the city learns: it must be given
    assert questions(graffiti) == []
    assert graffiti.field("description").required
    assert not pothole.field("description").required


def test_an_imported_form_filled_in_at_the_kiosk_is_filed_with_the_printed_settings(
    city: Open311Sim, tmp_path: Path
) -> None:
    (pothole, _graffiti) = import_open311(city.url, tmp_path, api_key=API_KEY)
    form = FormSession(load(pothole.path), "en", TODAY)
    walk(
        form,
        {
            "a_since": "2026-02-27",
            "a_size": "large",
            "a_depth": "4",
            "a_kinds": ["crack", "water"],
            "description": "Deep hole by the bus stop",
            "location_type": "intersection",
            "cross_street_1": "Main St",
            "cross_street_2": "5th Ave",
            "wants_updates": True,
            "email": "ana@mail.invalid",
        },
    )
    assert form.at_review and form.is_complete
    settings = connector_settings(pothole, city.url) | {"api_key": API_KEY}
    sender = Spec.model_validate(settings).build()

    answer = sender.send(
        Delivery(
            str(uuid.uuid4()),
            "CITY-2F9D",
            pothole.form_id,
            1,
            "report-pothole",
            "en",
            "test-kiosk",
            dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC),
            form.payload(),
        )
    )

    (held,) = city.stored
    assert answer.confirmation == held.service_request_id
    assert held.service_code == "pothole"
    assert held.value("address_string") == "Main St & 5th Ave"
    assert held.value("description") == "Deep hole by the bus stop"
    assert held.value("email") == "ana@mail.invalid"
    assert held.attributes == {
        "SINCE": "2026-02-27",
        "SIZE": "large",
        "DEPTH": "4",
        "KINDS": ["crack", "water"],
    }


def test_the_printed_snippet_is_the_pack_layers_that_make_the_same_settings(
    city: Open311Sim, tmp_path: Path
) -> None:
    imported = import_open311(city.url, tmp_path, jurisdiction_id="riverside")

    snippet = yaml.safe_load(connector_snippet(imported, city.url, "riverside"))

    agency = snippet["agency"]["connector"]
    assert "api_key" not in agency  # a secret never goes in the pack
    for service, entry in zip(imported, snippet["services"], strict=True):
        assert entry["form"] == service.form_id
        merged = agency | entry["connector"]
        assert merged == connector_settings(service, city.url, "riverside")
        Spec.model_validate(merged | {"api_key": API_KEY})  # valid settings as they stand


def test_the_fixed_questions_are_written_in_the_language_asked_for(
    city: Open311Sim, tmp_path: Path
) -> None:
    (path, _) = import_services(city.url, tmp_path, language="es")

    form = load(path, "es")
    assert form.field("location_type").label == {"es": "¿Cómo quiere indicarnos el lugar?"}
    assert form.field("a_size").label == {"es": "How big is it?"}  # the city's own words


# --- what the city sends that a form cannot hold -------------------------------------


HOSTILE = [
    "true",
    "- [a, b]: {c: d}",
    "&anchor *alias !!python/object:os.system",
    "# not a comment",
    "key: value\n  nested: x\n---\n...",
    "bell\x07 escape\x1b[31m nul\x00 del\x7f c1\x85\x9b",
    "\u202eevil\u202c right-to-left override",
    "lone \ud800 surrogate",
    "'single' \"double\" \\back",
    "%YAML 1.1",
    "x" * 10_000,
]


def test_hostile_service_text_cannot_break_a_form_file_or_leave_the_folder(
    tmp_path: Path,
) -> None:
    services = [
        Service(
            f"../../{i}/%2e%2e",
            text,
            text,
            metadata=True,
            attributes=[
                attribute(
                    f"A{i}",
                    "singlevaluelist",
                    description=text,
                    datatype_description=text,
                    values=[
                        ("yes", text),
                        ("null", "n"),
                        ("1.0", "f"),
                        ("~", "t"),
                        ("a\x00b", "x"),
                    ],
                )
            ],
        )
        for i, text in enumerate(HOSTILE)
    ]
    # a code that could not be sent back as it is: the service is left out
    services += [Service("nul\x00code", "NUL"), Service("lone\ud800", "surrogate")]
    out = tmp_path / "forms"
    with Open311Sim(api_key=API_KEY, services=services) as sim:
        paths = import_services(sim.url, out)

    assert len(paths) == len(HOSTILE)
    assert sorted(out.iterdir()) == sorted(paths)  # nothing else, nothing outside
    for path in paths:
        form = load(path)
        (question,) = [f for f in form.fields if f.id.startswith("a_")]
        # choice keys go back to the city as they are; one with a NUL cannot be offered
        assert [c.value for c in question.choices or []] == ["yes", "null", "1.0", "~"]
        for text in (form.title["en"], question.label["en"], (question.hint or {})["en"]):
            assert 0 < len(text) <= 1000
            assert not [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs")]
            assert "\u202e" not in text
    assert len(load(paths[-1]).title["en"]) == 200  # a very long name is cut, not refused
    assert load(paths[0]).title == {"en": "true"}  # text that looks like YAML stays text


def test_service_codes_that_look_alike_get_distinct_form_ids(tmp_path: Path) -> None:
    services = [Service("Pot_Hole", "A"), Service("pot-hole", "B"), Service("Ñandú!", "C")]
    services.append(Service("!!!", "D"))
    with Open311Sim(api_key=API_KEY, services=services) as sim:
        imported = import_open311(sim.url, tmp_path)

    ids = [s.form_id for s in imported]
    assert ids[:3] == ["open311-pot-hole", "open311-pot-hole-2", "open311-nandu"]
    assert ids[3].startswith("open311-") and len(set(ids)) == 4
    assert [s.service_code for s in imported] == ["Pot_Hole", "pot-hole", "Ñandú!", "!!!"]


def test_an_unknown_datatype_leaves_out_an_optional_question_and_a_required_ones_service(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    services = [
        Service(
            "tree",
            "Fallen tree",
            metadata=True,
            attributes=[
                attribute("SPOT", "geopoint", description="Pin it on the map"),
                attribute("KIND", "string", description="What kind of tree?"),
            ],
        ),
        Service(
            "sign",
            "Damaged sign",
            metadata=True,
            attributes=[attribute("PHOTO", "image", required=True)],
        ),
    ]
    with caplog.at_level(logging.WARNING), Open311Sim(api_key=API_KEY, services=services) as sim:
        imported = import_open311(sim.url, tmp_path)

    (tree,) = imported
    assert tree.service_code == "tree" and tree.attributes == {"KIND": "attribute[KIND]"}
    assert tree.warnings == (
        "service tree: optional attribute SPOT has datatype 'geopoint', which OneStop does "
        "not know; left out",
    )
    assert questions(load(tree.path)) == [("a_kind", "short_text", False)]
    assert not (tmp_path / "open311-sign.yaml").exists()
    assert "service sign skipped: required attribute PHOTO has datatype 'image'" in caplog.text


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("down", "cannot reach the Open311 server at "),
        ("html", "services.json is not JSON: is "),
        (500, "services.json answered 500 Internal Server Error"),
    ],
    ids=["unreachable", "not-json", "server-error"],
)
def test_a_server_that_is_down_or_not_open311_is_one_clear_line_and_nothing_is_written(
    city: Open311Sim, tmp_path: Path, fault: Any, expected: str
) -> None:
    if fault == "down":
        city.stop()
    else:
        city.script.append(fault)

    with pytest.raises(Open311ImportError) as raised:
        import_services(city.url, tmp_path / "forms", api_key=API_KEY)

    message = str(raised.value)
    assert expected in message
    assert "\n" not in message and API_KEY not in message
    assert not (tmp_path / "forms").exists()


def test_an_existing_form_is_not_overwritten_unless_asked(city: Open311Sim, tmp_path: Path) -> None:
    edited = tmp_path / "open311-graffiti.yaml"
    edited.write_text("# edited by hand\n", encoding="utf-8")

    with pytest.raises(Open311ImportError, match=r"open311-graffiti\.yaml already exists"):
        import_open311(city.url, tmp_path)
    assert edited.read_text(encoding="utf-8") == "# edited by hand\n"
    assert not (tmp_path / "open311-pothole.yaml").exists()  # all or nothing

    import_open311(city.url, tmp_path, overwrite=True)
    assert load(edited).id == "open311-graffiti"


def test_a_language_that_is_not_a_code_is_refused_before_asking_the_server(
    city: Open311Sim, tmp_path: Path
) -> None:
    with pytest.raises(Open311ImportError, match="not a language code"):
        import_services(city.url, tmp_path, language="en: [x]")
    assert city.requests == 0
