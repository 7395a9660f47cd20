"""The CLI's commands, each a small function over the core (no Qt)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import StationConfig
from kiosk.content import load_pack
from kiosk.problems import EXIT_BAD_INPUT, InvalidFile, Problem

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


def config_show(config: StationConfig) -> int:
    print(f"# config file: {config.source or '(none: built-in defaults)'}")
    for key, value, description in config.rows():
        shown = "(default)" if value is None else value
        print(f"{key} = {shown}    # {description}")
    return 0


def config_check(config: StationConfig) -> int:
    """The config already parsed; check what it points at too (the content pack)."""
    try:
        pack = load_pack(config.pack_dir)
    except InvalidFile as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from kiosk.forms.loader import check_forms
    from kiosk.sync.routing import payload_problems, route

    routing = route(pack, config.settings.agencies, config.source or Path("station.toml"))
    forms, _ = check_forms(pack.folder / "forms", pack.pack.languages, pack.pack.default_language)
    routing.problems += payload_problems(routing, pack, forms)
    for problem in routing.problems:
        print(f"error: {problem}", file=sys.stderr)
    if routing.problems:
        return EXIT_BAD_INPUT
    if routing.unrouted:
        print(
            f"warning: no connector for {', '.join(routing.unrouted)}: their forms are "
            "kept at the station until one is configured",
            file=sys.stderr,
        )
    missing = [
        lang for lang in config.settings.station.languages if lang not in pack.pack.languages
    ]
    if missing:
        print(
            f"warning: the content pack has no {', '.join(missing)} text; "
            f"services will show in {pack.pack.default_language}",
            file=sys.stderr,
        )
    print(
        f"ok: {config.source or 'built-in defaults'} with pack {pack.pack.id} "
        f"v{pack.pack.version} ({len(pack.services)} services)"
    )
    return 0


def db_upgrade(config: StationConfig) -> int:
    from offline_cache.engine import safe_url
    from offline_cache.migrate import upgrade

    with _store(config) as engine:
        revision = upgrade(engine)
    print(f"store at revision {revision}: {safe_url(config.store_url)}")
    return 0


def db_current(config: StationConfig) -> int:
    from offline_cache.migrate import current_revision, head_revision

    with _store(config) as engine:
        current = current_revision(engine)
    print(f"store revision: {current or '(empty store)'}; this version's newest: {head_revision()}")
    return 0


@contextmanager
def _store(config: StationConfig) -> Iterator[Engine]:
    from offline_cache.engine import make_engine

    engine = make_engine(config.store_url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def store_sessions(config: StationConfig) -> Iterator[sessionmaker[Session]]:
    """The station's store, upgraded, for a command that only reads or writes rows."""
    from offline_cache.engine import make_sessionmaker
    from offline_cache.migrate import upgrade

    with _store(config) as engine:
        upgrade(engine)
        yield make_sessionmaker(engine)


def content_check(folder: Path) -> int:
    from kiosk.content import PACK_FILE
    from kiosk.forms.loader import check_forms
    from kiosk.forms.validation import answer_problems

    pack = load_pack(folder)  # InvalidFile is printed by the CLI
    forms, problems = check_forms(folder / "forms", pack.pack.languages, pack.pack.default_language)
    for i, service in enumerate(pack.services):  # answers a service gives its form
        if service.form in forms and service.form_answers:
            for message in answer_problems(forms[service.form], service.form_answers):
                problems.append(Problem(folder / PACK_FILE, f"services[{i}].form_answers", message))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_BAD_INPUT
    agencies = len(pack.pack.agencies)
    print(
        f"ok: {folder}: pack {pack.pack.id} v{pack.pack.version}, "
        f"{len(pack.services)} services, {agencies} agencies, languages "
        f"{', '.join(pack.pack.languages)}"
    )
    return 0


def forms_check(path: Path) -> int:
    """Check one form file, or every form of a pack (``PATH/forms/``), against the pack's
    languages; problems are raised as :class:`InvalidFile` and printed by the CLI."""
    from kiosk.content import PACK_FILE
    from kiosk.forms.loader import FORMS_FOLDER, load_form, load_forms
    from kiosk.i18n import FALLBACK, SUPPORTED_LANGUAGES

    if path.is_dir():
        pack_dir = path.parent if path.name == FORMS_FOLDER else path
        if not (pack_dir / PACK_FILE).is_file():
            raise InvalidFile([Problem(path, "", f"not a content pack folder (no {PACK_FILE})")])
        pack = load_pack(pack_dir).pack
        forms = load_forms(pack_dir / FORMS_FOLDER, pack.languages, pack.default_language)
        listed = ", ".join(f"{form.id} v{form.version}" for form in forms.values())
        print(f"ok: {path}: {len(forms)} form(s){': ' + listed if listed else ''}")
        return 0
    # A form file inside a pack's forms/ folder is checked against that pack's languages.
    pack_dir = path.parent.parent
    if (pack_dir / PACK_FILE).is_file():
        pack = load_pack(pack_dir).pack
        languages, default = list(pack.languages), pack.default_language
    else:
        languages, default = list(SUPPORTED_LANGUAGES), FALLBACK
    form = load_form(path, languages, default)
    questions = sum(len(page.fields) for page in form.pages)
    print(
        f"ok: {path}: form {form.id} v{form.version}, {len(form.pages)} pages, "
        f"{questions} questions, languages {', '.join(languages)}"
    )
    return 0


def forms_import_open311(args: Any) -> int:
    """``kiosk forms import-open311``: a form per service, and the connector settings."""
    import logging

    from kiosk.forms.open311_import import Open311ImportError, connector_snippet, import_open311

    logging.getLogger("kiosk.forms.open311_import").setLevel(logging.WARNING)
    try:
        done = import_open311(
            args.url,
            Path(args.out_dir),
            api_key=args.api_key,
            jurisdiction_id=args.jurisdiction_id,
            language=args.language,
            overwrite=args.overwrite,
        )
    except Open311ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for service in done:
        print(f"wrote {service.path} (service {service.service_code})")
    print(connector_snippet(done, args.url, args.jurisdiction_id))
    return 0


def ticket_issue(config: StationConfig, service: str, lang: str | None, priority: bool) -> int:
    from kiosk.station import Station

    languages = config.settings.station.languages
    lang = lang or config.settings.station.default_language
    if lang not in languages:
        print(
            f"error: --lang {lang!r}: this station offers {', '.join(languages)}", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    station = Station.open(config)
    try:
        try:
            station.pack.service(service)
        except KeyError:
            ids = ", ".join(s.id for s in station.pack.services)
            print(f"error: unknown service {service!r}; services are {ids}", file=sys.stderr)
            return EXIT_BAD_INPUT
        outcome = station.issue_ticket(service, lang, priority)
    finally:
        station.close()
    t = outcome.ticket
    printed = f"yes: {outcome.printed_to}" if outcome.printed else f"no: {outcome.print_error}"
    wait = t.estimated_wait_minutes
    print(f"{t.label} {t.id} ahead={t.people_ahead} wait={wait}min printed={printed}")
    return 0 if outcome.printed else 1


def printer(config: StationConfig, action: str) -> int:
    """The technician's view of the printer and its queue."""
    from kiosk.station import Station, make_printer

    if action == "status":
        status = make_printer(config).status()
        print(f"{config.settings.printer.backend}: {status.message} ({status.detail})")
        if status.paper_near_end:
            print("warning: paper near end: load a new roll soon", file=sys.stderr)
        return 0 if status.ok else 1

    station = Station.open(config)
    try:
        queue = station.print_queue
        if action == "jobs":
            rows = queue.unfinished()
            for job in rows:
                error = f"  ({job.last_error})" if job.last_error else ""
                print(f"{job.state:<9} {job.kind:<7} {job.job_name}  tries={job.attempts}{error}")
            print(f"{len(rows)} job(s) not printed")
            return 0
        if action == "test-page":
            outcome = station.print_test_page()
            print("test page printed" if outcome.printed else f"not printed: {outcome.error}")
            return 0 if outcome.printed else 1
        if action == "retry":
            outcomes = queue.retry_pending()
            printed = sum(o.printed for o in outcomes)
            print(f"printed {printed} of {len(outcomes)} tried")
            return 0 if printed == len(outcomes) else 1
        last = queue.last_job_id("ticket")
        if last is None:
            print("error: this station has printed no ticket yet", file=sys.stderr)
            return EXIT_BAD_INPUT
        outcome = queue.print_job(queue.reprint(last))
        print(
            "reprinted" if outcome.printed else f"not printed: {outcome.error} (kept, will retry)"
        )
        return 0 if outcome.printed else 1
    finally:
        station.close()


def technician_hash_pin() -> int:
    """Read a PIN (hidden when typed at a terminal) and print the config line."""
    import getpass

    from kiosk.technician import hash_pin

    pin = getpass.getpass("technician PIN: ") if sys.stdin.isatty() else sys.stdin.readline()
    try:
        hashed = hash_pin(pin.strip())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print("[technician]")
    print(f'pin_hash = "{hashed}"')
    return 0


DEMO_STAFF = ("demo", "Demo Clerk", "1234")


def demo_staff(config: StationConfig) -> None:
    """The demo counter's clerk, made once: sign in as ``demo`` with PIN 1234."""
    import datetime as dt

    from kiosk.staff import StaffDirectory

    with store_sessions(config) as sessions:
        directory = StaffDirectory(
            sessions, config.settings.station.id, lambda: dt.datetime.now(dt.UTC)
        )
        if not any(m.id == DEMO_STAFF[0] for m in directory.members()):
            directory.add(*DEMO_STAFF, actor="kiosk demo")
    print(f"demo counter: sign in as {DEMO_STAFF[0]!r} with PIN {DEMO_STAFF[2]}")
