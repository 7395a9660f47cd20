"""Submitting a form: the submission and its outbox entry are stored together or not at all."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.forms.engine import FormSession
from kiosk.forms.loader import load_form
from kiosk.submissions import SubmitError, make_reference, stored_payload, submit
from offline_cache.crypto import AnswerCipher
from offline_cache.engine import make_engine, make_sessionmaker
from offline_cache.migrate import upgrade
from offline_cache.models import OutboxEntry, Submission

NOW = dt.datetime(2026, 11, 30, 15, 41, tzinfo=dt.UTC)
FORM = """\
id: pothole
version: 3
title: {en: Report a pothole, es: Reportar un bache}
pages:
  - id: where
    title: {en: "Where is it?", es: "¿Dónde está?"}
    fields:
      - {id: street, kind: short_text, label: {en: Street, es: Calle}}
      - {id: in_bike_lane, kind: yes_no, label: {en: "In a bike lane?", es: "¿En un carril bici?"}}
  - id: contact
    title: {en: Contact, es: Contacto}
    fields:
      - {id: email, kind: email, required: false, personal: true,
         label: {en: Email, es: Correo}}
output:
  address_string: street
  bike_lane: in_bike_lane
  email: email
"""


@pytest.fixture
def sessions(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'kiosk.db'}")
    upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def cipher(tmp_path: Path) -> AnswerCipher:
    return AnswerCipher.from_file(tmp_path / "keys" / "personal-data.key")


@pytest.fixture
def completed(tmp_path: Path) -> FormSession:
    path = tmp_path / "pothole.yaml"
    path.write_text(FORM, encoding="utf-8")
    form = FormSession(load_form(path, ("en", "es"), "en"), "es", NOW.date())
    form.answer("street", "Calle Mayor 12")
    form.answer("in_bike_lane", True)
    assert form.next() == []
    form.answer("email", "ana@example.org")
    assert form.next() == []
    assert form.is_complete
    return form


def test_submission_and_outbox_entry_are_stored_together(sessions, completed, cipher) -> None:
    done = submit(
        sessions, completed, service_id="report-pothole", agency_id="city",
        station_id="door-kiosk", clock=lambda: NOW, cipher=cipher,
    )  # fmt: skip

    assert re.fullmatch(r"CITY-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", done.reference)
    with Session(sessions.kw["bind"]) as session:
        stored = session.scalars(select(Submission)).one()
        outbox = session.scalars(select(OutboxEntry)).one()
    assert (stored.id, stored.reference) == (done.submission_id, done.reference)
    assert (stored.form_id, stored.form_version, stored.language) == ("pothole", 3, "es")
    assert stored_payload(stored, cipher) == {
        "address_string": "Calle Mayor 12",
        "bike_lane": True,
        "email": "ana@example.org",
    }
    assert json.loads(stored.personal_keys) == ["email"]
    assert (outbox.submission_id, outbox.state, outbox.attempts) == (stored.id, "pending", 0)


def test_an_incomplete_form_is_refused_and_nothing_is_stored(
    sessions, tmp_path: Path, cipher
) -> None:
    path = tmp_path / "pothole.yaml"
    path.write_text(FORM, encoding="utf-8")
    form = FormSession(load_form(path, ("en", "es"), "en"), "en", NOW.date())

    with pytest.raises(SubmitError):
        submit(
            sessions, form, service_id="s", agency_id="city", station_id="k",
            clock=lambda: NOW, cipher=cipher,
        )  # fmt: skip

    with Session(sessions.kw["bind"]) as session:
        assert session.scalars(select(Submission)).all() == []


def test_if_the_outbox_cannot_be_written_the_submission_is_not_kept_either(
    sessions, completed, cipher
) -> None:
    with sessions.kw["bind"].begin() as conn:  # the store breaks behind the kiosk's back
        conn.execute(text("DROP TABLE delivery_attempts"))  # (it refers to the outbox)
        conn.execute(text("DROP TABLE outbox"))

    with pytest.raises(Exception, match="outbox"):
        submit(
            sessions, completed, service_id="report-pothole", agency_id="city",
            station_id="door-kiosk", clock=lambda: NOW, cipher=cipher,
        )  # fmt: skip

    with Session(sessions.kw["bind"]) as session:
        assert session.scalars(select(Submission)).all() == []


def test_references_use_only_characters_nobody_misreads() -> None:
    references = {make_reference("dmv") for _ in range(500)}
    assert len(references) == 500
    assert all(re.fullmatch(r"DMV-[^ILOU]{4}-[^ILOU]{4}", ref) for ref in references)
