"""Load form definitions and check them the way an agency analyst needs: every mistake at once.

A form is checked as a whole when it is loaded, and every problem names the
file, the key path (``pages[1].fields[0].show_if``) and the line, so the
technician can fix a form at the door from ``kiosk forms check`` alone. A broken
file never raises anything but :class:`~kiosk.problems.InvalidFile`: a form
that does not load leaves its service unavailable, it must not stop the kiosk.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kiosk.content import _UniqueKeyLoader
from kiosk.forms.definition import DEFAULT_LANGUAGE, FormDefinition, FormField, Kind
from kiosk.forms.expressions import truthy
from kiosk.forms.validation import Invalid, parse_answer
from kiosk.problems import InvalidFile, Problem, key_path, problems_from_validation

FORMS_FOLDER = "forms"
MAX_FILE_BYTES = 1_000_000  # a form is a few kilobytes; anything this large is a mistake
#: Words of the expression language: a field with one of these ids could never be referred to.
RESERVED_IDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class FormProblem(Problem):
    """A :class:`Problem` that also knows its line in the YAML file."""

    line: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return super().__str__()
        where = f"{self.key} (line {self.line})" if self.key else f"line {self.line}"
        return str(Problem(self.file, where, self.message))


def load_form(path: Path, languages: Sequence[str], default_language: str) -> FormDefinition:
    """Load and check one form file; raise :class:`InvalidFile` with every problem."""
    data, root = _read(path)
    lines = _Lines(root)
    try:
        definition = FormDefinition.model_validate(
            data, context={DEFAULT_LANGUAGE: default_language}
        )
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise InvalidFile(
            [
                FormProblem(p.file, p.key, p.message, lines.line(error["loc"]))
                for p, error in zip(problems_from_validation(path, exc), errors, strict=True)
            ]
        ) from None
    definition.bind(tuple(languages), default_language)
    problems = _Linter(path, definition, lines).run()
    if problems:
        raise InvalidFile(sorted(problems, key=lambda p: getattr(p, "line", None) or 0))
    return definition


def check_forms(
    folder: Path, languages: Sequence[str], default_language: str
) -> tuple[dict[str, FormDefinition], list[Problem]]:
    """The forms in ``folder`` that load, and the problems of those that do not.

    The kiosk uses this to offer every good form while a broken one leaves only its
    own service unavailable. A missing folder is a pack without forms.
    """
    forms: dict[str, FormDefinition] = {}
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    if not folder.is_dir():
        return forms, problems
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    for path in paths:
        if path.name.startswith("."):  # editor swap and backup files
            continue
        try:
            definition = load_form(path, languages, default_language)
        except InvalidFile as exc:
            problems += exc.problems
            continue
        if definition.id in files:
            problems.append(
                Problem(
                    path, "id", f"{definition.id!r} is already the id of {files[definition.id]}"
                )
            )
            continue
        files[definition.id] = path
        forms[definition.id] = definition
    return forms, problems


def load_forms(
    folder: Path, languages: Sequence[str], default_language: str
) -> dict[str, FormDefinition]:
    """Every form in ``folder`` by id; raise :class:`InvalidFile` if any of them is broken."""
    forms, problems = check_forms(folder, languages, default_language)
    if problems:
        raise InvalidFile(problems)
    return forms


def _read(path: Path) -> tuple[Any, yaml.Node | None]:
    """The file's data and its node tree (for line numbers), or :class:`InvalidFile`."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidFile([Problem(path, "", "too large for a form file (over 1 MB)")])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidFile([Problem(path, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile([Problem(path, "", f"cannot read the file: {exc}")]) from None
    loader = None
    try:
        loader = _FormLoader(text)  # reads ahead: may already refuse a character
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InvalidFile([FormProblem(path, "", f"not valid YAML: {problem}", line)]) from None
    except RecursionError:
        raise InvalidFile([Problem(path, "", "not valid YAML: nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise InvalidFile([Problem(path, "", "must be a mapping of keys (id, version, ...)")])
    return data, root


class _FormLoader(_UniqueKeyLoader):
    """Keeps a date that does not exist (``2024-02-30``) as text, for the checks to name;
    PyYAML would fail with a bare ValueError and no line."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[no-untyped-call]
        except ValueError:
            return self.construct_scalar(node)


_FormLoader.add_constructor("tag:yaml.org,2002:timestamp", _FormLoader.construct_yaml_timestamp)


class _Lines:
    """Finds the line of a key path in the YAML node tree."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def line(self, path: Iterable[Any]) -> int | None:
        node, line = self.root, None
        for part in path:
            if isinstance(part, str) and part.startswith("function-"):
                continue  # a validator's name in a pydantic location, not a key
            if isinstance(node, yaml.MappingNode):
                match = next((kv for kv in node.value if kv[0].value == str(part)), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line + 1, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    break
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        if line is None and node is not None:
            line = node.start_mark.line + 1
        return line


class _Linter:
    """Rules that span entries: ids, references, order of answers, translations, reachability."""

    def __init__(self, file: Path, definition: FormDefinition, lines: _Lines) -> None:
        self.file = file
        self.form = definition
        self.lines = lines
        self.problems: list[Problem] = []
        # where each field is asked: (page index, field index), the order answers arrive in
        self.position: dict[str, tuple[int, int]] = {}
        self.computed: dict[str, str] = {}  # by id, once check_ids found the id usable
        self.never_shown: set[str] = set()  # fields no answer can ever reveal

    def add(self, path: Path_, message: str) -> None:
        self.problems.append(FormProblem(self.file, key_path(path), message, self.lines.line(path)))

    def run(self) -> list[Problem]:
        self.check_ids()
        self.localized(("title",), self.form.title)
        self.localized(("next_steps",), self.form.next_steps)
        for p, page in enumerate(self.form.pages):
            self.localized(("pages", p, "title"), page.title)
            self.localized(("pages", p, "help"), page.help)
            if not page.fields:
                self.add(("pages", p, "fields"), "a page needs at least one question")
            for f, field in enumerate(page.fields):
                self.check_field(("pages", p, "fields", f), field)
        if not self.form.pages:
            self.add(("pages",), "a form needs at least one page with a question")
        self.check_computed()
        self.check_conditions()
        for key, source in self.form.output.items():
            self.references(("output", key), source, None)
        return self.problems

    def check_ids(self) -> None:
        pages: dict[str, int] = {}
        for p, page in enumerate(self.form.pages):
            if page.id in pages:
                self.add(
                    ("pages", p, "id"), f"{page.id!r} is already used by pages[{pages[page.id]}]"
                )
            pages.setdefault(page.id, p)
            for f, field in enumerate(page.fields):
                where = ("pages", p, "fields", f, "id")
                if field.id in self.position:
                    other = self.position[field.id]
                    self.add(
                        where,
                        f"{field.id!r} is already used by pages[{other[0]}]"
                        f".fields[{other[1]}]; answers are kept by field id",
                    )
                elif field.id in RESERVED_IDS:
                    self.add(where, f"{field.id!r} is a word of the expression language")
                else:
                    self.position[field.id] = (p, f)
        seen: set[str] = set()
        for c, computed in enumerate(self.form.computed):
            if computed.id in self.position or computed.id in seen:
                self.add(("computed", c, "id"), f"{computed.id!r} is already used")
            elif computed.id in RESERVED_IDS:
                self.add(
                    ("computed", c, "id"), f"{computed.id!r} is a word of the expression language"
                )
            else:
                self.computed[computed.id] = computed.expression
            seen.add(computed.id)

    def check_field(self, at: Path_, field: FormField) -> None:
        self.localized((*at, "label"), field.label)
        self.localized((*at, "hint"), field.hint)
        self.localized((*at, "pattern_message"), field.pattern_message)
        for c, choice in enumerate(field.choices or []):
            self.localized((*at, "choices", c, "label"), choice.label)
        for where, message in field.mistakes():
            self.add((*at, *where), message)
        if field.default is not None:
            self.check_default(at, field)

    def check_default(self, at: Path_, field: FormField) -> None:
        default = field.default
        if isinstance(default, datetime.date):  # YAML reads 2024-01-31 as a date
            default = default.isoformat()
        try:
            parse_answer(field, default)
        except Invalid as exc:
            self.add(
                (*at, "default"), f"not a valid answer to a {field.kind} question ({exc.code})"
            )
            return
        if field.kind is Kind.CONSENT and default is True:
            self.add((*at, "default"), "consent must be given by the citizen, never by default")

    def check_computed(self) -> None:
        for c, computed in enumerate(self.form.computed):
            self.references(("computed", c, "expression"), computed.expression, None)
        index = {computed.id: c for c, computed in reversed(list(enumerate(self.form.computed)))}
        state: dict[str, str] = {}
        for computed in self.form.computed:
            cycle = self._cycle(computed.id, state, [])
            if cycle:  # reported once, at the first member of the circle
                self.add(
                    ("computed", index[cycle[0]], "expression"),
                    "computed values depend on each other in a circle: " + " -> ".join(cycle),
                )

    def _cycle(self, name: str, state: dict[str, str], trail: list[str]) -> list[str] | None:
        if state.get(name) == "done" or name not in self.computed:
            return None
        if state.get(name) == "open":
            return [*trail[trail.index(name) :], name]
        state[name] = "open"
        found = None
        for ref in sorted(self.form.expression(self.computed[name]).names):
            found = self._cycle(ref, state, [*trail, name])
            if found:
                break
        state[name] = "done"
        return found

    def field_deps(self, source: str) -> set[str]:
        """The fields an expression reads, through computed values."""
        return self.form.reads(source) & self.position.keys()

    def computed_deps(self, name: str) -> set[str]:
        return self.field_deps(self.computed[name])

    def check_conditions(self) -> None:
        for p, page in enumerate(self.form.pages):
            at: Path_ = ("pages", p, "show_if")
            page_hidden = False
            if page.show_if is not None:
                self.references(at, page.show_if, (p, -1))
                page_hidden = self.never_true(at, page.show_if, "page")
            for f, field in enumerate(page.fields):
                fat: Path_ = ("pages", p, "fields", f)
                for key in ("date_min", "date_max"):
                    if getattr(field, key) is not None:
                        self.references((*fat, key), getattr(field, key), (p, f))
                hidden = page_hidden
                if field.show_if is not None:
                    self.references((*fat, "show_if"), field.show_if, (p, f))
                    hidden = self.never_true((*fat, "show_if"), field.show_if, "question") or hidden
                if hidden:
                    self.never_shown.add(field.id)
            shown = [f for f in page.fields if f.id not in self.never_shown]
            if page.fields and not page_hidden and not shown:
                self.add(("pages", p), "none of this page's questions can ever be shown")

    def never_true(self, at: Path_, source: str, what: str) -> bool:
        """Report a condition no answer can make true (nothing it reads can be answered)."""
        names = self.form.expression(source).names
        if names - self.position.keys() - self.computed.keys():
            return False  # an unknown name is reported already; no guessing past it
        if self.field_deps(source) - self.never_shown:
            return False
        # Evaluated on several days, so a page that starts on a date is not flagged.
        for today in (datetime.date.today(), datetime.date(1900, 1, 1), datetime.date(2200, 1, 1)):
            answers: dict[str, object] = {}
            for _ in self.form.computed:  # enough rounds for every chain of computed values
                for computed_id, expression in self.computed.items():
                    value = self.form.expression(expression).evaluate(answers, today)
                    answers[computed_id] = value
            if truthy(self.form.expression(source).evaluate(answers, today)):
                return False
        self.add(at, f"this {what} can never be shown: no answer can make the condition true")
        return True

    def references(self, at: Path_, source: str, before: tuple[int, int] | None) -> None:
        """Every name must exist; a condition at ``before`` may only read earlier answers."""
        known = [*self.position, *self.computed]
        for name in sorted(self.form.expression(source).names):
            if name not in self.position and name not in self.computed:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.add(at, f"{name!r} is not a field or computed value of this form{hint}")
                continue
            if before is None:
                continue
            late = [name] if name in self.position else sorted(self.computed_deps(name))
            for field_id in late:
                if self.position[field_id] >= before:
                    via = "" if field_id == name else f" (through computed {name!r})"
                    self.add(
                        at,
                        f"uses {field_id!r}{via}, which is not answered yet at this point; "
                        "a condition may only use answers given before it (on earlier "
                        "pages, or higher up on the same page)",
                    )

    def localized(self, at: Path_, value: dict[str, str] | None) -> None:
        if value is None:
            return
        missing = [lang for lang in self.form.languages if lang not in value]
        extra = [lang for lang in value if lang not in self.form.languages]
        if missing:
            self.add(at, f"missing translation for {', '.join(missing)}")
        if extra:
            self.add(at, f"language {', '.join(extra)} is not in the pack's languages")
