"""The ``kiosk`` command line: what a technician types at a station.

Every failure a person can fix (a bad config, a broken content pack, a store
from a newer version, no display) ends in one clear line per problem and a
non-zero exit — never a traceback. The screens are not imported here: the
``ui`` package passes its launcher in (see ``ui/launcher.py``), which keeps
this core usable on a machine with no Qt at all.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.config import StationConfig, load_config
from kiosk.problems import EXIT_BAD_INPUT, EXIT_UNAVAILABLE, InvalidFile

GuiRunner = Callable[[StationConfig], int]

DEMO_CONFIG = """\
# OneStop demo station, written by `kiosk demo`. Edit freely;
# `kiosk config show --config {path}` lists every setting with its description.
[station]
id = "demo-kiosk"
name = "Demo kiosk"
role = "kiosk"
center_name = "Riverside Service Center"
languages = ["en", "es"]
data_dir = "."

[kiosk]
ask_priority = true

[printer]
backend = "pdf"
spool_dir = "spool"
paper_width_mm = 80

# The demo's agencies are the reference servers `kiosk agency-sim` runs on this
# machine (`make run` starts them); the pack names their addresses, the
# secrets are here. A real center writes its agencies' addresses and secrets.
[agencies.dmv.auth]
kind = "bearer"
token = "demo-token"

[agencies.city]
api_key = "demo-token"
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="OneStop service kiosk station")
    parser.add_argument(
        "--config", help="station config file (default: $KIOSK_CONFIG or the per-user one)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="start the station screens for the configured role")
    demo = sub.add_parser("demo", help="set up and start the demo station (SQLite, sample content)")
    demo.add_argument(
        "--data-dir", default="demo-data", help="folder for the demo's config, store and spool"
    )
    demo.add_argument(
        "--setup-only", action="store_true", help="write the demo config and store, do not start"
    )
    demo.add_argument(
        "--role",
        choices=("kiosk", "counter", "display"),
        default="kiosk",
        help="which station of the demo center: the kiosk, a counter or the board",
    )

    config = sub.add_parser("config", help="show or check the station configuration")
    config_sub = config.add_subparsers(dest="action", required=True, metavar="ACTION")
    config_sub.add_parser("show", help="every setting, its value and what it does")
    config_sub.add_parser("check", help="validate the config and the content pack it names")

    db = sub.add_parser("db", help="the station's store")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create or upgrade the store to this version's schema")
    db_sub.add_parser("current", help="print the store's schema revision")

    content = sub.add_parser("content", help="content packs")
    content_sub = content.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = content_sub.add_parser("check", help="check a content pack folder")
    check.add_argument("path", nargs="?", help="pack folder (default: the configured pack)")

    forms = sub.add_parser("forms", help="service forms")
    forms_sub = forms.add_subparsers(dest="action", required=True, metavar="ACTION")
    forms_check = forms_sub.add_parser(
        "check", help="check a form file, or every form of a content pack folder"
    )
    forms_check.add_argument("path", help="form file (.yaml) or content pack folder")
    imp = forms_sub.add_parser(
        "import-open311", help="write one form per service of a city's Open311 service list"
    )
    imp.add_argument("url", help="the Open311 endpoint base, ending in /v2/")
    imp.add_argument("out_dir", help="the pack's forms/ folder")
    imp.add_argument("--api-key", help="the city's API key, if its service list needs one")
    imp.add_argument("--jurisdiction-id", help="the jurisdiction, for multi-city endpoints")
    imp.add_argument("--language", default="en", help="language of the city's texts")
    imp.add_argument("--overwrite", action="store_true", help="replace forms already there")

    printer = sub.add_parser("printer", help="the print queue")
    printer_sub = printer.add_subparsers(dest="action", required=True, metavar="ACTION")
    printer_sub.add_parser("status", help="ask the printer: ready, paper near end, paper out...")
    printer_sub.add_parser("jobs", help="jobs not printed yet: pending, uncertain, failed")
    printer_sub.add_parser("retry", help="print the pending jobs now, oldest first")
    printer_sub.add_parser("reprint-last", help="print another copy of the last ticket")
    printer_sub.add_parser("test-page", help="print a test page (text, width ruler, QR, cut)")

    sync = sub.add_parser("sync", help="delivering submitted forms to the agencies")
    sync_sub = sync.add_subparsers(dest="action", required=True, metavar="ACTION")
    sync_sub.add_parser("status", help="forms waiting, delivered and refused (dead letters)")
    sync_sub.add_parser("list", help="every form not delivered yet, with its last error")
    sync_run = sync_sub.add_parser("run", help="send waiting forms (until stopped, or --once)")
    sync_run.add_argument(
        "--once", action="store_true", help="one pass over what is due, then exit"
    )
    for name, helptext in (
        ("retry", "send a refused or uncertain form again (after fixing the cause)"),
        ("discard", "stop trying to send a form (--reason required; audited)"),
        ("confirm", "mark an uncertain form delivered: the agency has it (--number)"),
    ):
        act = sync_sub.add_parser(name, help=helptext)
        act.add_argument("reference", help="the form's reference, as on the receipt")
        if name == "discard":
            act.add_argument("--reason", required=True, help="why (kept in the audit)")
        elif name == "confirm":
            act.add_argument("--number", help="the agency's number for it, if they gave one")
        else:
            act.add_argument("--note", help="what was fixed (kept in the audit)")

    sim = sub.add_parser(
        "agency-sim", help="run the reference agency servers on loopback (for the demo)"
    )
    sim.add_argument(
        "--port", type=int, default=8765, help="rest_json port; +1 openrosa, +2 open311"
    )
    sim.add_argument("--token", default="demo-token", help="the bearer token rest_json asks for")

    technician = sub.add_parser("technician", help="technician mode")
    technician_sub = technician.add_subparsers(dest="action", required=True, metavar="ACTION")
    technician_sub.add_parser(
        "hash-pin", help="read a PIN (6+ digits) and print the pin_hash line for the config"
    )

    staff = sub.add_parser("staff", help="counter staff: who may sign in at a counter")
    staff_sub = staff.add_subparsers(dest="action", required=True, metavar="ACTION")
    staff_add = staff_sub.add_parser("add", help="add a member of staff (asks for the PIN)")
    staff_add.add_argument("staff_id", help="sign-in id, e.g. maria.lopez")
    staff_add.add_argument("--name", required=True, help="name shown at the counter")
    for name, helptext in (
        ("disable", "stop a member of staff signing in (their history stays)"),
        ("enable", "let a disabled member of staff sign in again"),
        ("reset-pin", "set a new PIN (asks for it); also lifts a lockout"),
    ):
        staff_sub.add_parser(name, help=helptext).add_argument("staff_id")
    staff_sub.add_parser("list", help="every member of staff: active, disabled, locked")

    report = sub.add_parser(
        "report", help="a day's tickets, waits and service times, as CSV and PDF"
    )
    report.add_argument("--date", help="the day, YYYY-MM-DD (default: today)")
    report.add_argument("--out", default=".", help="folder to write the CSV and PDF to")

    ticket = sub.add_parser("ticket", help="queue tickets")
    ticket_sub = ticket.add_subparsers(dest="action", required=True, metavar="ACTION")
    issue = ticket_sub.add_parser("issue", help="issue (and print) a ticket, as the kiosk does")
    issue.add_argument("service", help="service id from the content pack")
    issue.add_argument("--lang", default=None, help="ticket language (default: the station's)")
    issue.add_argument("--priority", action="store_true", help="priority service")
    return parser


def main(argv: Sequence[str] | None = None, gui: GuiRunner | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # urllib3's debug lines carry request paths and query strings: an Open311
    # api_key, an ODK app-user key. Never in a station's log, even with -v.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    from sqlalchemy.exc import DBAPIError  # deferred: keeps `kiosk --help` instant

    from offline_cache.migrate import StoreError

    try:
        return _dispatch(args, gui)
    except InvalidFile as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except DBAPIError as exc:  # e.g. "database is locked" after the busy timeout
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(f"error: the store did not answer: {reason}; try again", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except OSError as exc:  # a folder that cannot be created or written
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE


def _dispatch(args: argparse.Namespace, gui: GuiRunner | None) -> int:
    from kiosk import commands

    if args.command == "technician":
        return commands.technician_hash_pin()
    if args.command == "agency-sim":  # needs no station config
        from kiosk.agency_sim.serve import serve

        return serve(args.port, args.token)
    if args.command == "forms":  # needs no station config: a form is checked anywhere
        if args.action == "check":
            return commands.forms_check(Path(args.path))
        return commands.forms_import_open311(args)
    if args.command == "demo":
        path = write_demo_config(Path(args.data_dir), args.role)
        config = load_config(path)
        commands.db_upgrade(config)
        if args.role == "counter":
            commands.demo_staff(config)
        if args.setup_only:
            print(f"demo station ready: {path}")
            return 0
        return _run_gui(config, gui)
    config = load_config(args.config)
    if args.command == "run":
        return _run_gui(config, gui)
    if args.command == "config":
        return (
            commands.config_show(config) if args.action == "show" else commands.config_check(config)
        )
    if args.command == "db":
        return (
            commands.db_upgrade(config) if args.action == "upgrade" else commands.db_current(config)
        )
    if args.command == "content":
        return commands.content_check(Path(args.path) if args.path else config.pack_dir)
    if args.command == "sync":
        return _sync(config, args)
    if args.command == "printer":
        return commands.printer(config, args.action)
    if args.command == "staff":
        from kiosk import staff_commands

        staff_id = getattr(args, "staff_id", None)
        return staff_commands.run(config, args.action, staff_id, getattr(args, "name", None))
    if args.command == "report":
        from kiosk import report_commands

        return report_commands.report(config, args.date, Path(args.out))
    if args.command == "ticket":
        return commands.ticket_issue(config, args.service, args.lang, args.priority)
    raise AssertionError(args.command)


def _sync(config: StationConfig, args: argparse.Namespace) -> int:
    from kiosk import sync_commands

    if args.action == "status":
        return sync_commands.status(config)
    if args.action == "list":
        return sync_commands.listing(config)
    if args.action == "run":
        return sync_commands.run(config, args.once)
    note = args.reason if args.action == "discard" else getattr(args, "number", None)
    note = note or getattr(args, "note", None)
    return sync_commands.act(config, args.action, args.reference, note)


def _run_gui(config: StationConfig, gui: GuiRunner | None) -> int:
    if gui is None:
        print("error: the station screens (the ui package) are not installed here", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return gui(config)


DEMO_ROLE_SECTIONS = {
    "kiosk": "",
    "counter": '\n[counter]\nnumber = "3"\n',
    "display": '\n[display]\nnotice = "Open Monday to Friday, 8:00 to 17:00"\n',
}


def write_demo_config(data_dir: Path, role: str = "kiosk") -> Path:
    """Create the demo data folder and the config of one of its stations (the kiosk's
    is station.toml; a counter's counter.toml, the board's display.toml) on first
    use; keep an edited one. All of them share the demo's store."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ("station.toml" if role == "kiosk" else f"{role}.toml")
    if not path.exists():
        text = DEMO_CONFIG.format(path=path)
        if role != "kiosk":
            text = text.replace('id = "demo-kiosk"', f'id = "demo-{role}"')
            text = text.replace('name = "Demo kiosk"', f'name = "Demo {role}"')
            text = text.replace('role = "kiosk"', f'role = "{role}"')
        path.write_text(text + DEMO_ROLE_SECTIONS[role], encoding="utf-8")
    return path
