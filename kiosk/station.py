"""App wiring without Qt: config + content + store + queue + printer.

:class:`Station` is what the kiosk screen, the CLI and the benchmarks drive.
Issuing a ticket and printing it are separate steps on purpose: the number is
committed to the store first, so a printer fault never costs the citizen
their place in line — the screen shows the number and says what to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from kiosk.config import StationConfig
from kiosk.content import ContentPack, load_pack
from kiosk.problems import InvalidFile
from kiosk.queue import Clock, IssuedTicket, QueueService, utcnow
from kiosk.tickets import ticket_document
from offline_cache.engine import StoreError, make_engine, make_sessionmaker
from offline_cache.migrate import upgrade
from printing.backends import PdfSpoolBackend, PrintBackend, PrinterError
from printing.document import Document

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
        self.queue = QueueService(
            make_sessionmaker(engine), pack, config.settings.station.id, tz=self.tz, clock=clock
        )

    @classmethod
    def open(cls, config: StationConfig, clock: Clock = utcnow) -> Station:
        """Load the content pack, upgrade the store and set up the printer.

        Raises :class:`kiosk.problems.InvalidFile` for a broken pack and
        :class:`offline_cache.migrate.StoreError` for a store this version cannot use.
        """
        pack = load_pack(config.pack_dir)
        engine = make_engine(config.store_url)
        upgrade(engine)
        return cls(config, pack, engine, make_printer(config), clock=clock)

    def close(self) -> None:
        self.engine.dispose()

    def issue_ticket(self, service_id: str, language: str, priority: bool = False) -> TicketOutcome:
        """Issue a number, then print it; a print fault is reported, never raised."""
        ticket = self.queue.issue(service_id, language, priority)
        service = self.pack.service(service_id)
        document = ticket_document(
            ticket,
            center_name=self.config.settings.station.center_name,
            service_name=self.pack.text(service.name, language),
            tz=self.tz,
        )
        try:
            path = self.printer.print_document(document, job_name=_job_name(ticket))
        except PrinterError as exc:
            log.error("ticket %s issued but not printed: %s", ticket.label, exc)
            return TicketOutcome(ticket, document, printed=False, print_error=str(exc))
        except Exception as exc:
            # The ticket is committed: whatever broke in printing, the citizen
            # must still see their number (and the technician the traceback).
            log.exception("ticket %s issued but printing failed unexpectedly", ticket.label)
            reason = f"unexpected {type(exc).__name__} while printing"
            return TicketOutcome(ticket, document, printed=False, print_error=reason)
        log.info("ticket %s issued and printed", ticket.label)
        return TicketOutcome(ticket, document, printed=True, printed_to=path)


def make_printer(config: StationConfig) -> PrintBackend:
    printer = config.settings.printer
    return PdfSpoolBackend(config.spool_dir, width_mm=float(printer.paper_width_mm))


def _job_name(ticket: IssuedTicket) -> str:
    return f"ticket-{ticket.business_date.isoformat()}-{ticket.label}-{ticket.id[:8]}"
