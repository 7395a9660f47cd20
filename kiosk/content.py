"""Content packs: the services a center offers, in every language it speaks.

A pack is a folder an agency edits without a programmer: ``pack.yaml`` with
the agencies and the service catalog, and ``icons/``. It is checked as a whole
when loaded, and every problem names the file, the key path and what is wrong
(see ``docs/content-packs.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kiosk.problems import InvalidFile, Problem, problems_from_validation

PACK_FILE = "pack.yaml"
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
LangCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Localized = dict[LangCode, Annotated[str, Field(min_length=1)]]


class _Strict(BaseModel):
    # strict: "5" is not a number and "yes" is not a boolean, as in the station config.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Agency(_Strict):
    id: Slug
    name: Localized
    # How this agency's forms are delivered (see docs/content-packs.md, "Connectors"):
    # checked with the station config's [agencies.<id>] laid over it, by
    # kiosk.sync.routing. Secrets go in the station config, never here.
    connector: dict[str, Any] | None = None


class Service(_Strict):
    id: Slug
    agency: Slug
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,2}$")]
    icon: Annotated[str, Field(min_length=1)]
    name: Localized
    description: Localized
    needs_form: bool = False
    form: Slug | None = None  # the form in forms/<form>.yaml the visitor fills in
    # After the form, a queue ticket for the counter (a clerk still sees the visitor);
    # false when the form is all there is (a 311 report). Only with ``form``.
    ticket_after_form: bool = True
    # Answers the service gives its form before the visitor starts ("Report a pothole"
    # answers the shared street-problem form's "what is the problem?"); shown, and
    # changeable, like any answer. Checked against the form when the station starts.
    form_answers: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")],
        str | bool | int | float | list[str],
    ] = {}
    needs_appointment: bool = False
    # Connector settings for this service only, laid over its agency's (an Open311
    # service_code, another endpoint).
    connector: dict[str, Any] | None = None
    average_service_minutes: Annotated[float, Field(gt=0, le=240)] = 5.0
    # Who a counter calls first, before everyone else in arrival order: visitors
    # whose appointment is due, and priority tickets, in the order listed here.
    # [] calls strictly in arrival order.
    call_order: Annotated[list[Literal["appointment", "priority"]], Field(max_length=2)] = [
        "appointment",
        "priority",
    ]

    @model_validator(mode="after")
    def _call_order_once_each(self) -> Service:
        if len(set(self.call_order)) != len(self.call_order):
            raise ValueError("call_order lists a rule twice")
        return self


class Pack(_Strict):
    id: Slug
    version: Annotated[int, Field(ge=1)]
    default_language: LangCode
    languages: Annotated[list[LangCode], Field(min_length=1)]
    agencies: Annotated[list[Agency], Field(min_length=1)]
    services: Annotated[list[Service], Field(min_length=1)]

    @model_validator(mode="after")
    def _default_language_listed(self) -> Pack:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        return self


class ContentPack:
    """A loaded, checked pack with look-ups the kiosk needs."""

    def __init__(self, folder: Path, pack: Pack) -> None:
        self.folder = folder
        self.pack = pack
        self.services = list(pack.services)
        self._services = {s.id: s for s in pack.services}
        self._agencies = {a.id: a for a in pack.agencies}

    def service(self, service_id: str) -> Service:
        return self._services[service_id]

    def agency(self, agency_id: str) -> Agency:
        return self._agencies[agency_id]

    def icon_path(self, service: Service) -> Path:
        return self.folder / service.icon

    def text(self, value: dict[str, str], lang: str) -> str:
        """``value`` in ``lang``, else in the pack's default language."""
        return value.get(lang) or value[self.pack.default_language]


# libyaml's parser when PyYAML was built with it (the wheels are): the pure-Python
# one takes most of a station's start-up reading the forms.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):  # type: ignore[misc]
    """A safe loader that refuses a key written twice in one mapping: YAML keeps
    the last one silently, and the author would never learn which text won."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_pack(folder: Path) -> ContentPack:
    """Load and check the pack in ``folder``; raise :class:`InvalidFile` with every problem."""
    file = folder / PACK_FILE
    if not folder.is_dir():
        raise InvalidFile([Problem(folder, "", "content pack folder not found")])
    try:
        # A SafeLoader subclass: no Python objects, and no silently repeated keys.
        raw = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise InvalidFile([Problem(file, "", "missing: a content pack needs pack.yaml")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InvalidFile([Problem(file, "", f"not valid YAML{where}: {problem}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile([Problem(file, "", f"cannot read the file: {exc}")]) from None
    except ValueError as exc:  # YAML that looks like an impossible date: version: 2024-02-30
        raise InvalidFile([Problem(file, "", f"not a valid value: {exc}")]) from None
    if not isinstance(raw, dict):
        raise InvalidFile([Problem(file, "", "must be a mapping of keys (id, version, ...)")])
    try:
        pack = Pack.model_validate(raw)
    except ValidationError as exc:
        raise InvalidFile(problems_from_validation(file, exc)) from None
    problems = _cross_checks(folder, file, pack)
    if problems:
        raise InvalidFile(problems)
    return ContentPack(folder.resolve(), pack)


def _cross_checks(folder: Path, file: Path, pack: Pack) -> list[Problem]:
    """Rules that span entries: unique ids and prefixes, references, translations, files."""
    problems: list[Problem] = []
    agency_ids = {a.id for a in pack.agencies}
    seen_ids: dict[str, int] = {}
    seen_prefixes: dict[str, int] = {}
    for i, agency in enumerate(pack.agencies):
        problems += _missing_languages(file, f"agencies[{i}].name", agency.name, pack.languages)
    for i, service in enumerate(pack.services):
        key = f"services[{i}]"
        if service.id in seen_ids:
            problems.append(
                Problem(
                    file,
                    f"{key}.id",
                    f"{service.id!r} is already used by services[{seen_ids[service.id]}]",
                )
            )
        seen_ids.setdefault(service.id, i)
        if service.prefix in seen_prefixes:
            other = seen_prefixes[service.prefix]
            problems.append(
                Problem(
                    file,
                    f"{key}.prefix",
                    f"{service.prefix!r} is already used by services[{other}]; "
                    "two services with one prefix would print the same numbers",
                )
            )
        seen_prefixes.setdefault(service.prefix, i)
        if service.agency not in agency_ids:
            problems.append(
                Problem(
                    file,
                    f"{key}.agency",
                    f"unknown agency {service.agency!r}; "
                    f"agencies are {', '.join(sorted(agency_ids))}",
                )
            )
        problems += _form_problems(folder, file, key, service)
        try:
            icon = (folder / service.icon).resolve()
            found = icon.is_file()
        except (OSError, ValueError):  # NUL byte, name too long, ...
            problems.append(Problem(file, f"{key}.icon", "not a usable file path"))
        else:
            if not found:
                problems.append(Problem(file, f"{key}.icon", f"file not found: {service.icon}"))
            elif folder.resolve() not in icon.parents:
                problems.append(
                    Problem(file, f"{key}.icon", "must be a file inside the pack folder")
                )
        for field in ("name", "description"):
            problems += _missing_languages(
                file, f"{key}.{field}", getattr(service, field), pack.languages
            )
    return problems


def _form_problems(folder: Path, file: Path, key: str, service: Service) -> list[Problem]:
    """A service's form must exist; whether it is a good form is the forms
    linter's job (a broken one makes just that service unavailable)."""
    if service.form is None:
        problems = []
        if service.needs_form:
            problems.append(
                Problem(file, f"{key}.form", "needs_form is true: name the form to fill in")
            )
        if "ticket_after_form" in service.model_fields_set:
            problems.append(
                Problem(
                    file,
                    f"{key}.ticket_after_form",
                    "only applies to a service with a form: name the form, or remove this "
                    "key (without a form, every visitor gets a ticket)",
                )
            )
        if service.form_answers:
            problems.append(
                Problem(
                    file,
                    f"{key}.form_answers",
                    "only applies to a service with a form: name the form, or remove this key",
                )
            )
        return problems
    if not (folder / "forms" / f"{service.form}.yaml").is_file():
        return [Problem(file, f"{key}.form", f"no form file forms/{service.form}.yaml in the pack")]
    return []


def _missing_languages(
    file: Path, key: str, value: dict[str, str], languages: list[str]
) -> list[Problem]:
    missing = [lang for lang in languages if lang not in value]
    extra = [lang for lang in value if lang not in languages]
    out = []
    if missing:
        out.append(Problem(file, key, f"missing translation for {', '.join(missing)}"))
    if extra:
        out.append(
            Problem(file, key, f"language {', '.join(extra)} is not in the pack's languages")
        )
    return out
