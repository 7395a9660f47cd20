"""App wiring without Qt: config + content + store + queue + printer.

:class:`Station` is what the kiosk screen, the CLI and the benchmarks drive.
Issuing a ticket and printing it are separate steps on purpose: the number is
committed to the store first, so a printer fault never costs the citizen
their place in line — the screen shows the number and says what to do.
A submitted form, its ticket and its receipt go the same way (:mod:`kiosk.form_submit`).
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kiosk.config import StationConfig
from kiosk.content import ContentPack, load_pack
from kiosk.print_queue import JobOutcome, PrintQueue
from kiosk.problems import InvalidFile
from kiosk.queue import Clock, IssuedTicket, QueueService, utcnow
from kiosk.tickets import ticket_document
from offline_cache.crypto import AnswerCipher
from offline_cache.engine import StoreError, make_engine, make_sessionmaker
from offline_cache.migrate import upgrade
from printing.backends import PdfSpoolBackend, PrintBackend
from printing.document import Document
from printing.status import PrinterStatus

if TYPE_CHECKING:
    from kiosk.board import BoardFeed
    from kiosk.counter import CounterDesk
    from kiosk.forms.definition import FormDefinition
    from kiosk.forms.engine import FormSession
    from kiosk.receipts import Receipt
    from kiosk.staff import StaffDirectory, StaffMember
    from kiosk.sync.station_sync import StationSync

log = logging.getLogger(__name__)
# What Station.open raises for a station a person must fix (pack, store); each
# message is complete without a traceback.
STARTUP_ERRORS = (InvalidFile, StoreError)


@dataclass(frozen=True)
class TicketOutcome:
    """A ticket that was issued, and whether its paper copy came out."""

    ticket: IssuedTicket
    document: Document
    printed: bool
    print_error: str | None = None
    printed_to: Path | None = None
    job_id: str | None = None


@dataclass(frozen=True)
class QueuedTicket:
    """A ticket and its print job, stored in a transaction not yet committed."""

    ticket: IssuedTicket
    document: Document
    job_id: str


@dataclass(frozen=True)
class FormOutcome:
    """A submitted form: its reference, its receipt and the ticket that follows it."""

    submission_id: str
    reference: str
    receipt: JobOutcome  # whether the receipt printed, and if not, why
    ticket: TicketOutcome | None  # None when the service issues no ticket after its form


class Station:
    def __init__(
        self,
        config: StationConfig,
        pack: ContentPack,
        engine: Engine,
        printer: PrintBackend,
        clock: Clock = utcnow,
    ) -> None:
        self.config = config
        self.pack = pack
        self.engine = engine
        self.printer = printer
        tz_name = config.settings.station.timezone
        self.tz = ZoneInfo(tz_name) if tz_name else None
        station_id = config.settings.station.id
        self._sessions = make_sessionmaker(engine)
        self.queue = QueueService(self._sessions, pack, station_id, tz=self.tz, clock=clock)
        self.print_queue = PrintQueue(self._sessions, printer, station_id, clock=clock)
        self._cipher: AnswerCipher | None = None
        self._sync: StationSync | None = None
        self.forms: dict[str, FormDefinition] = {}
        self.unavailable: dict[str, str] = {}  # service id -> why, for the technician
        self.clock = clock

    @property
    def cipher(self) -> AnswerCipher:
        """The key to citizens' stored answers (its file is made on first use)."""
        if self._cipher is None:
            self._cipher = AnswerCipher.from_file(self.config.key_file)
        return self._cipher

    @property
    def sync(self) -> StationSync:
        """Delivery to the agencies: routing, the worker thread, the technician's actions."""
        if self._sync is None:
            from kiosk.sync.station_sync import StationSync

            self._sync = StationSync(self)
        return self._sync

    @property
    def staff(self) -> StaffDirectory:
        """Counter staff and their sign-in (kept in the store, shared by all counters)."""
        from kiosk.staff import StaffDirectory

        return StaffDirectory(self._sessions, self.config.settings.station.id, self.clock)

    def counter_desk(
        self, staff: StaffMember, counter: str, services: list[str] | None = None
    ) -> CounterDesk:
        """A signed-in clerk's desk at ``counter``, handling ``services`` (default:
        the configured ones, else all); its session is opened in the store."""
        from kiosk.counter import CounterDesk

        chosen = services or list(self.config.settings.counter.services)
        desk = CounterDesk(
            self._sessions,
            self.pack,
            station_id=self.config.settings.station.id,
            counter=counter,
            staff=staff,
            services=chosen or [s.id for s in self.pack.services],
            clock=self.clock,
            tz=self.tz,
            max_recalls=self.config.settings.counter.max_recalls,
        )
        desk.open()
        return desk

    @property
    def board(self) -> BoardFeed:
        """The waiting-room board's reads (calls, waits), on read-only sessions."""
        from kiosk.board import BoardFeed

        return BoardFeed(make_sessionmaker(self.engine, read_only=True), self.pack, self.queue)

    @classmethod
    def open(cls, config: StationConfig, clock: Clock = utcnow) -> Station:
        """Load the content pack, upgrade the store and set up the printer.

        Raises :class:`kiosk.problems.InvalidFile` for a broken pack and
        :class:`offline_cache.migrate.StoreError` for a store this version cannot use.
        """
        pack = load_pack(config.pack_dir)
        engine = make_engine(config.store_url)
        upgrade(engine)
        station = cls(config, pack, engine, make_printer(config), clock=clock)
        station.print_queue.recover_after_restart()
        station.load_forms()
        if config.settings.station.role != "display":  # a board never reads answers
            station.check_key_file()
            _ = station.cipher  # a key others can read stops the station here, not at Submit
        return station

    def check_key_file(self) -> None:
        """A store holding encrypted forms and no key file is a lost or mistyped key
        path, not a first start: a new key would read none of those forms, and the
        forms taken next would be sealed with a key the other stations lack."""
        path = self.config.key_file
        if path.exists():
            return
        from sqlalchemy import func, select

        from offline_cache.models import Submission

        with self._sessions() as session:
            held = session.scalar(select(func.count()).select_from(Submission)) or 0
        if held:
            raise StoreError(
                f"{path}: the answers key is missing, but the store holds {held} "
                "submitted form(s) sealed with a key; restore the key file from its "
                "backup (or fix [store] key_file) and start again"
            )

    def load_forms(self) -> None:
        """Check the pack's forms; a service whose form is broken is unavailable,
        with the reason kept for the technician (the others carry on)."""
        from kiosk.forms.loader import check_forms
        from kiosk.forms.validation import answer_problems

        pack = self.pack.pack
        self.forms, problems = check_forms(
            self.pack.folder / "forms", pack.languages, pack.default_language
        )
        self.unavailable = {}
        for service in self.pack.services:
            if service.form is not None and service.form not in self.forms:
                reasons = [str(p) for p in problems if Path(p.file).stem == service.form]
                self.unavailable[service.id] = "; ".join(reasons) or "form not found"
            elif service.form is not None and service.form_answers:
                wrong = answer_problems(self.forms[service.form], service.form_answers)
                if wrong:
                    self.unavailable[service.id] = "pack.yaml form_answers: " + "; ".join(wrong)
            if service.id in self.unavailable:
                log.error("service %s unavailable: %s", service.id, self.unavailable[service.id])

    def close(self) -> None:
        if self._sync is not None:
            self._sync.stop()
        self.engine.dispose()

    def issue_ticket(self, service_id: str, language: str, priority: bool = False) -> TicketOutcome:
        """Issue a number and store its print job together, then print it.

        A printer fault is reported in the outcome, never raised: the ticket is
        committed and its job waits for the printer (see :mod:`kiosk.print_queue`).
        """
        service = self.pack.service(service_id)  # KeyError before anything is written
        with self.transaction() as session:
            queued = self.queue_ticket(session, service.id, language, priority)
        return self.print_ticket(queued)

    def submit_form(
        self, service_id: str, form: FormSession, priority: bool = False
    ) -> FormOutcome:
        """Store a completed form, its outbox entry, its receipt and (if the service
        says so) its ticket in one transaction, then print the ticket and the receipt.

        Raises :class:`kiosk.submissions.SubmitError` for an incomplete form before
        anything is written; see :mod:`kiosk.form_submit`.
        """
        from kiosk.form_submit import submit_form

        outcome = submit_form(self, service_id, form, priority)
        if self._sync is not None:
            self._sync.wake()  # committed: the worker may send it now
        return outcome

    def transaction(self) -> AbstractContextManager[Session]:
        """A store transaction: everything written in it commits together or not at all."""
        return self._sessions.begin()

    def queue_ticket(
        self, session: Session, service_id: str, language: str, priority: bool = False
    ) -> QueuedTicket:
        """Issue a number and store its print job in the caller's transaction."""
        ticket = self.queue.issue_in(session, service_id, language, priority)
        document = ticket_document(
            ticket,
            center_name=self.config.settings.station.center_name,
            service_name=self.pack.text(self.pack.service(service_id).name, language),
            tz=self.tz,
        )
        job_id = self.print_queue.enqueue(
            session, document, kind="ticket", job_name=_job_name(ticket), ticket_id=ticket.id
        )
        return QueuedTicket(ticket, document, job_id)

    def print_ticket(self, queued: QueuedTicket) -> TicketOutcome:
        """Print a committed ticket; a printer fault is reported, never raised."""
        ticket = queued.ticket
        job = self.print_stored(queued.job_id)
        if job.printed:
            log.info("ticket %s issued and printed", ticket.label)
        else:
            log.error("ticket %s issued but not printed: %s", ticket.label, job.error)
        return TicketOutcome(
            ticket,
            queued.document,
            printed=job.printed,
            print_error=job.error,
            printed_to=job.printed_to,
            job_id=queued.job_id,
        )

    def print_stored(self, job_id: str) -> JobOutcome:
        """Print a committed job. Whatever goes wrong now (the printer, or the store
        while the job is marked) is reported, never raised: what the citizen was
        promised is already stored, and must not be shown to them as lost."""
        try:
            return self.print_queue.print_job(job_id)
        except Exception as exc:  # the store itself, mid-print: the job waits for a retry
            log.error("print job %s stored but not printed: %s", job_id, type(exc).__name__)
            return JobOutcome(job_id, printed=False, error=type(exc).__name__)

    def check_printer(self) -> PrinterStatus:
        """Ask the printer how it is; if it is ready, send what it held back.

        Run from the kiosk's worker while idle. Paper near its end is logged
        for the technician; the citizen is told only when printing will fail.
        """
        status = self.printer.status()
        if status.paper_near_end:
            log.warning("printer paper near end: load a new roll soon (%s)", status.detail)
        elif not status.ok:
            log.warning("printer not ready: %s (%s)", status.message, status.detail)
        if status.ok and self.print_queue.pending_ids():
            self.print_queue.retry_pending()
        return status

    def printer_report(self) -> tuple[PrinterStatus, int]:
        """For the technician: the printer's state and how many jobs did not print."""
        return self.printer.status(), len(self.print_queue.unfinished())

    def reprint_last_ticket(self) -> JobOutcome | None:
        """Another copy of this station's last ticket; None if there is none yet."""
        last = self.print_queue.last_job_id("ticket")
        if last is None:
            return None
        return self.print_queue.print_job(self.print_queue.reprint(last))

    def print_receipt(self, receipt: Receipt) -> JobOutcome:
        """A receipt for a submitted form, through the print queue like a ticket."""
        with self.transaction() as session:
            job_id = self.queue_receipt(session, receipt)
        return self.print_queue.print_job(job_id)

    def queue_receipt(self, session: Session, receipt: Receipt) -> str:
        """Store a receipt's print job in the caller's transaction; return the job's id."""
        from kiosk.receipts import receipt_document

        document = receipt_document(
            receipt, center_name=self.config.settings.station.center_name, tz=self.tz
        )
        job_name = f"receipt-{receipt.reference}"
        return self.print_queue.enqueue(session, document, kind="receipt", job_name=job_name)

    def print_test_page(self) -> JobOutcome:
        """A technician's test page, through the print queue like any job."""
        from kiosk.receipts import printer_test_page
        from printing.profiles import profile_for

        settings = self.config.settings
        profile = profile_for(settings.printer.model, settings.printer.paper_width_mm)
        document = printer_test_page(
            center_name=settings.station.center_name,
            station=settings.station.id,
            printer=f"{settings.printer.backend}, {profile.name}",
            chars_per_line=profile.chars_per_line_font_a,
            now=self.clock(),
            tz=self.tz,
        )
        return self._print(document, kind="test", job_name=f"test-page-{settings.station.id}")

    def _print(self, document: Document, *, kind: str, job_name: str) -> JobOutcome:
        """Store a job on its own, then print it (tickets store theirs with the ticket)."""
        with self.transaction() as session:
            job_id = self.print_queue.enqueue(session, document, kind=kind, job_name=job_name)
        return self.print_queue.print_job(job_id)


def make_printer(config: StationConfig) -> PrintBackend:
    """The backend the config names; its modules load only when it is chosen."""
    printer = config.settings.printer
    if printer.backend == "pdf":
        return PdfSpoolBackend(config.spool_dir, width_mm=float(printer.paper_width_mm))
    if printer.backend == "cups":
        from printing.cups import CupsBackend

        assert printer.queue is not None  # the config checker requires it
        return CupsBackend(printer.queue, float(printer.paper_width_mm), printer.timeout_ms / 1000)
    from printing.profiles import profile_for

    profile = profile_for(printer.model, printer.paper_width_mm)
    timeout_s = printer.timeout_ms / 1000
    if printer.backend == "escpos-usb":
        from printing.escpos_usb import EscposUsbBackend

        assert printer.vendor_id and printer.product_id  # the config checker requires them
        return EscposUsbBackend(printer.vendor_id, printer.product_id, profile, timeout_s)
    if printer.backend == "escpos-serial":
        from printing.escpos_serial import EscposSerialBackend

        assert printer.device is not None  # the config checker requires it
        return EscposSerialBackend(printer.device, printer.baudrate, profile, timeout_s)
    from printing.escpos_network import EscposNetworkBackend

    assert printer.host is not None  # the config checker requires it
    return EscposNetworkBackend(printer.host, printer.port, profile, timeout_s)


def _job_name(ticket: IssuedTicket) -> str:
    return f"ticket-{ticket.business_date.isoformat()}-{ticket.label}-{ticket.id[:8]}"
