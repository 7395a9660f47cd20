"""Turn a city's Open311 service list into OneStop forms, one per service.

``GET services.json`` and, for each service with ``metadata: true``, ``GET
services/{code}.json``; each definition's attributes become questions, one
per page, in the definition's ``order``, ``required`` as given,
``description`` as the label and ``datatype_description`` as the hint:

=================  ==================
Open311 datatype   OneStop kind
=================  ==================
string             short_text
text               long_text
number             number
datetime           date
singlevaluelist    single_choice
multivaluelist     multiple_choice
=================  ==================

An attribute with ``variable: false`` is information, not a question: its
text becomes the help of the description page. Around the attributes come the
questions every 311 request needs, laid out like the sample pack's street
problem form: a description, the place (a street address or the nearest
intersection) and, if the visitor wants to hear back, their contact details.
The form's ``output`` uses the Open311 names (``description``,
``address_string``, ``attribute[CODE]``...), so the ``open311`` connector
settings from :func:`connector_snippet` line up with it.

Decisions. An attribute whose datatype we do not know (or whose code or list
values cannot be sent back) is left out with a warning when it is optional, as
the technician may add a question by hand; when it is required the whole
service is left out with a warning, because the city would refuse every
request from a form that cannot ask it. Text from the server is cleaned
(control and bidi characters, length) and written with ``yaml.safe_dump``
only, and every form is loaded back with the real loader before it is kept.
A server that cannot be reached or does not answer Open311 JSON raises
:class:`Open311ImportError` with one line, and nothing is written. Existing
files are not overwritten unless asked. The forms are in ``language`` only
(the fixed questions have English and Spanish text): translate them before
the pack offers another language.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
import yaml

from kiosk.forms.loader import load_form
from kiosk.forms.open311_form import (
    CHOICE_KINDS,
    KINDS,
    attribute_order,
    choice_options,
    clean_text,
    form_document,
    sendable_text,
    sentences,
)
from kiosk.problems import InvalidFile

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 5_000_000  # a service list is kilobytes; more is not an Open311 answer
TIMEOUT_S = (3.05, 15.0)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
#: Open311 request field -> the payload key(s) the imported forms fill it from.
FIELDS: dict[str, str | list[str]] = {
    "description": "description",
    "address_string": ["address_string", "intersection"],  # the first with a value
    "email": "email",
    "phone": "phone",
    "first_name": "first_name",
    "last_name": "last_name",
}


class Open311ImportError(Exception):
    """The import could not be done; the message is one line for the technician."""


@dataclass(frozen=True)
class ImportedService:
    path: Path  # the form file written
    form_id: str
    service_code: str
    attributes: dict[str, str]  # attribute code -> payload key, for the connector
    warnings: tuple[str, ...] = ()


@dataclass
class _Draft:
    form: dict[str, Any]
    code: str
    attributes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.form['id']}.yaml"


def import_services(
    base_url: str,
    out_dir: Path,
    *,
    api_key: str | None = None,
    jurisdiction_id: str | None = None,
    language: str = "en",
) -> list[Path]:
    """Write one form per service into ``out_dir``; the files written."""
    imported = import_open311(
        base_url, out_dir, api_key=api_key, jurisdiction_id=jurisdiction_id, language=language
    )
    return [service.path for service in imported]


def import_open311(
    base_url: str,
    out_dir: Path,
    *,
    api_key: str | None = None,
    jurisdiction_id: str | None = None,
    language: str = "en",
    overwrite: bool = False,
) -> list[ImportedService]:
    """:func:`import_services`, with what the connector settings and the technician need
    (the attribute map and the warnings of each service)."""
    if not _LANGUAGE.match(language):
        raise Open311ImportError(f"{language!r} is not a language code like en or es")
    base = _base(base_url)
    params = {k: v for k, v in (("api_key", api_key), ("jurisdiction_id", jurisdiction_id)) if v}
    drafts: list[_Draft] = []
    with requests.Session() as session:
        listing = _get_json(session, base, "services.json", params)
        if not isinstance(listing, list):
            raise Open311ImportError(f"{base}services.json is not a list of services")
        taken: set[str] = set()
        for entry in listing:
            draft = _draft(session, base, params, entry, language, taken)
            if draft is not None:
                taken.add(draft.form["id"])
                drafts.append(draft)
    existing = [d.file_name for d in drafts if (out_dir / d.file_name).exists()]
    if existing and not overwrite:
        raise Open311ImportError(
            f"{out_dir / existing[0]} already exists; move it away or import with overwrite"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return [kept for draft in drafts if (kept := _write(out_dir, language, draft)) is not None]
    except OSError as exc:
        raise Open311ImportError(f"cannot write the forms to {out_dir}: {exc.strerror}") from None


def connector_snippet(
    imported: Sequence[ImportedService], base_url: str, jurisdiction_id: str | None = None
) -> str:
    """The ``open311`` connector settings for the imported services, as YAML in the
    layers the pack reads (:mod:`kiosk.sync.routing`): what the agency's services
    share, then each service's ``service_code`` and attributes. The ``api_key``
    belongs in the station config, never in the pack."""
    services = [{"form": s.form_id, "connector": _service_settings(s)} for s in imported]
    agency = {"connector": _agency_settings(base_url, jurisdiction_id)}
    text = yaml.safe_dump(
        {"agency": agency, "services": services}, sort_keys=False, allow_unicode=True, width=100
    )
    return (
        "# pack.yaml: put agency.connector on the agency that runs the city's 311, and each\n"
        "# service's connector on the service whose form it names. In the station config:\n"
        '#   [agencies.<agency id>]\n#   api_key = "..."\n' + text
    )


def connector_settings(
    service: ImportedService, base_url: str, jurisdiction_id: str | None = None
) -> dict[str, Any]:
    """One service's settings with the layers merged, as :class:`kiosk.sync.open311.Spec`
    reads them (without the ``api_key``)."""
    return _agency_settings(base_url, jurisdiction_id) | _service_settings(service)


def _agency_settings(base_url: str, jurisdiction_id: str | None) -> dict[str, Any]:
    settings: dict[str, Any] = {"type": "open311", "url": _base(base_url)}
    if jurisdiction_id:
        settings["jurisdiction_id"] = jurisdiction_id
    settings["fields"] = {k: list(v) if isinstance(v, list) else v for k, v in FIELDS.items()}
    return settings


def _service_settings(service: ImportedService) -> dict[str, Any]:
    return {"service_code": service.service_code, "attributes": dict(service.attributes)}


def _base(url: str) -> str:
    return url if url.endswith("/") else url + "/"


# --- fetching ------------------------------------------------------------------------


def _get_json(session: requests.Session, base: str, path: str, params: dict[str, str]) -> Any:
    body = bytearray()
    try:
        with session.get(base + path, params=params, timeout=TIMEOUT_S, stream=True) as response:
            for chunk in response.iter_content(65536):
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise Open311ImportError(f"{base}{path} is too large for an Open311 answer")
    except requests.RequestException as exc:  # the text holds the api key: only the type
        raise Open311ImportError(
            f"cannot reach the Open311 server at {base} ({type(exc).__name__})"
        ) from None
    if not 200 <= response.status_code < 300:
        raise Open311ImportError(
            f"{base}{path} answered {response.status_code} {clean_text(response.reason, 80)}"
        )
    try:
        return json.loads(bytes(body).decode("utf-8"))
    except (ValueError, RecursionError):
        raise Open311ImportError(
            f"{base}{path} is not JSON: is {base} the Open311 endpoint (ending in /v2/)?"
        ) from None


def _draft(
    session: requests.Session,
    base: str,
    params: dict[str, str],
    entry: object,
    language: str,
    taken: set[str],
) -> _Draft | None:
    """The form for one service of the list, or None (with a warning logged)."""
    if not isinstance(entry, dict) or entry.get("service_code") in (None, ""):
        log.warning("skipped an entry of services.json without a service_code")
        return None
    code = str(entry["service_code"])
    shown = clean_text(code, 60) or "?"
    if not sendable_text(code):
        log.warning("service %s skipped: its service_code cannot be sent back", shown)
        return None
    attributes: list[Any] = []
    if entry.get("metadata") in (True, "true"):
        try:
            definition = _get_json(session, base, f"services/{quote(code, safe='')}.json", params)
        except Open311ImportError as exc:
            log.warning("service %s skipped: %s", shown, exc)
            return None
        found = definition.get("attributes") if isinstance(definition, dict) else None
        if not isinstance(found, list):
            log.warning("service %s skipped: its definition has no attributes list", shown)
            return None
        attributes = found
    draft = _Draft({}, code)
    questions: list[dict[str, Any]] = []
    notes: list[str] = []
    indexed = [(i, a) for i, a in enumerate(attributes) if isinstance(a, dict)]
    for _, attr in sorted(indexed, key=lambda ia: (attribute_order(ia[1]), ia[0])):
        acode = str(attr.get("code") or "")
        label = clean_text(attr.get("description"), 500) or clean_text(acode, 60) or "?"
        if attr.get("variable") in (False, "false"):
            notes.append(label)
            continue
        kind = KINDS.get(str(attr.get("datatype")))
        required = attr.get("required") in (True, "true")
        problem = _unusable(acode, kind, attr, draft.attributes)
        if problem is not None:
            if required:
                log.warning("service %s skipped: required attribute %s", shown, problem)
                return None
            draft.warnings.append(f"service {shown}: optional attribute {problem}; left out")
            continue
        assert kind is not None
        field_id = _identifier(acode, {q["id"] for q in questions})
        question: dict[str, Any] = {"id": field_id, "kind": kind, "label": {language: label}}
        hint = clean_text(attr.get("datatype_description"), 1000)
        if hint:
            question["hint"] = {language: hint}
        question["required"] = required
        if kind in CHOICE_KINDS:
            question["choices"] = choice_options(attr, language)
        if kind in ("short_text", "long_text"):
            question["max_length"] = 250 if kind == "short_text" else 4000
        questions.append(question)
        draft.attributes[acode] = f"attribute[{acode}]"
    name = clean_text(entry.get("service_name"), 200) or shown
    about = sentences([clean_text(entry.get("description"), 1000), *notes], 2000)
    draft.form = form_document(
        _slug(code, taken), name, about, questions, draft.attributes, language
    )
    for warning in draft.warnings:
        log.warning("%s", warning)
    return draft


def _unusable(
    code: str, kind: str | None, attr: dict[str, Any], seen: dict[str, str]
) -> str | None:
    """Why an attribute cannot become a question, or None."""
    shown = clean_text(code, 60) or "(no code)"
    if not code or len(code) > 180 or re.search(r"[\[\]\s]", code) or not sendable_text(code):
        return f"{shown} has a code that cannot be sent as attribute[CODE]"
    if code in seen:
        return f"{shown} is listed twice"
    if kind is None:
        datatype = clean_text(attr.get("datatype"), 40)
        return f"{shown} has datatype {datatype!r}, which OneStop does not know"
    if kind in CHOICE_KINDS and not choice_options(attr, "en"):
        return f"{shown} is a list without values that can be sent back"
    return None


# --- writing -------------------------------------------------------------------------


def _write(out_dir: Path, language: str, draft: _Draft) -> ImportedService | None:
    """Write one form, load it back with the real loader, and keep it only if it loads."""
    path = out_dir / draft.file_name
    scratch = out_dir / f".{draft.file_name}.tmp"  # not .yaml: never read as a form
    header = (
        "# Imported from an Open311 service list. Check it with `kiosk forms check PATH`,\n"
        "# add next_steps, and translate it before the pack offers another language.\n"
    )
    text = header + yaml.safe_dump(draft.form, sort_keys=False, allow_unicode=True, width=100)
    scratch.write_text(text, encoding="utf-8")
    try:
        load_form(scratch, [language], language)
    except InvalidFile as exc:
        scratch.unlink()
        first = str(exc.problems[0]) if exc.problems else "it does not load"
        log.warning(
            "service %s skipped: its form does not load: %s", clean_text(draft.code, 60), first
        )
        return None
    scratch.replace(path)
    return ImportedService(
        path, draft.form["id"], draft.code, dict(draft.attributes), tuple(draft.warnings)
    )


# --- cleaning server text ------------------------------------------------------------


def _slug(code: str, taken: set[str]) -> str:
    """A form id from a service code: lowercase letters, digits and dashes, 40 at most."""
    return _name("open311-", code, "-", taken)


def _identifier(code: str, taken: set[str]) -> str:
    """A field id from an attribute code (``a_`` first: no clash with the fixed questions)."""
    return _name("a_", code, "_", taken)


def _name(prefix: str, code: str, sep: str, taken: set[str]) -> str:
    """``prefix`` and the code's letters and digits, unique in ``taken``, 40 at most; a
    code with none (all punctuation, or another script) is named by its hash."""
    ascii_ = unicodedata.normalize("NFKD", code).encode("ascii", "ignore").decode().lower()
    core = re.sub(r"[^a-z0-9]+", sep, ascii_).strip(sep)
    if not core:
        core = hashlib.sha1(code.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    base = (prefix + core)[:40].rstrip(sep)
    name, n = base, 2
    while name in taken:
        suffix = f"{sep}{n}"
        name, n = base[: 40 - len(suffix)].rstrip(sep) + suffix, n + 1
    return name
