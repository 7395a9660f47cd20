"""The print queue: every document is stored before it is printed.

A job is written in the same transaction as what it prints (the ticket), then
claimed with a single conditional UPDATE (pending -> printing) before it goes
to the printer, and marked printed only when the printer has taken it. So:

- a printer fault (no paper, cover open, spool folder gone) leaves the job
  pending, and :meth:`PrintQueue.retry_pending` prints it once the printer is
  back — once, because only one caller can win the claim;
- a station that stops while a job is with the printer finds it "printing"
  at the next start and marks it *uncertain*: it may be on paper already, so
  it is never resent on its own; a technician may reprint it;
- a reprint is a new job that says which job it repeats.

Tickets are only worth printing while the citizen is still at the kiosk, so
a pending job older than ``retry_window`` expires instead of printing for
nobody.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from offline_cache.models import PrintJob, PrintJobState
from printing.backends import PrintBackend, PrinterError
from printing.document import Document, document_from_json, document_to_json

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
DEFAULT_RETRY_WINDOW = dt.timedelta(minutes=10)
# Longer than any job can take (render, status check, send, close): a job still
# "printing" after this was cut off by a stop.
STUCK_AFTER = dt.timedelta(minutes=2)
NOT_PENDING = "not pending (printed, or taken by another worker)"


@dataclass(frozen=True)
class JobOutcome:
    job_id: str
    printed: bool
    error: str | None = None
    printed_to: Path | None = None


class PrintQueue:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        printer: PrintBackend,
        station_id: str,
        clock: Clock,
        retry_window: dt.timedelta = DEFAULT_RETRY_WINDOW,
    ) -> None:
        self._sessions = sessions
        self._printer = printer
        self._station_id = station_id
        self._clock = clock
        self._retry_window = retry_window

    def enqueue(
        self,
        session: Session,
        document: Document,
        *,
        kind: str,
        job_name: str,
        ticket_id: str | None = None,
        reprint_of: str | None = None,
    ) -> str:
        """Store a job in the caller's transaction; return its id."""
        now = self._clock()
        job = PrintJob(
            id=str(uuid.uuid4()),
            station_id=self._station_id,
            kind=kind,
            ticket_id=ticket_id,
            reprint_of=reprint_of,
            job_name=job_name,
            document=document_to_json(document),
            state=PrintJobState.PENDING,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        session.add(job)
        return job.id

    def print_job(self, job_id: str) -> JobOutcome:
        """Print a pending job at most once; report, never raise, a printer fault."""
        document, job_name = self._claim(job_id)
        if document is None:
            return JobOutcome(job_id, printed=False, error=NOT_PENDING)
        try:
            path = self._printer.print_document(document, job_name=job_name)
        except PrinterError as exc:
            if getattr(exc, "maybe_printed", False):
                # Some bytes reached the printer: resending could print it twice.
                self._finish(job_id, PrintJobState.UNCERTAIN, error=str(exc))
                log.warning("print job %s may have printed; not resent: %s", job_id, exc)
            else:
                self._finish(job_id, PrintJobState.PENDING, error=str(exc))
                log.warning("print job %s kept for a retry: %s", job_id, exc)
            return JobOutcome(job_id, printed=False, error=str(exc))
        except Exception as exc:
            # Not a printer state that will pass: retrying would fail the same way.
            reason = f"unexpected {type(exc).__name__} while printing"
            self._finish(job_id, PrintJobState.FAILED, error=reason)
            log.exception("print job %s failed", job_id)
            return JobOutcome(job_id, printed=False, error=reason)
        self._finish(job_id, PrintJobState.PRINTED)
        return JobOutcome(job_id, printed=True, printed_to=path)

    def retry_pending(self) -> list[JobOutcome]:
        """Print what is waiting, oldest first; stop at the first printer fault."""
        self._expire_old()
        outcomes = []
        for job_id in self.pending_ids():
            outcome = self.print_job(job_id)
            if outcome.error == NOT_PENDING:
                continue  # another worker (or station) took it meanwhile
            outcomes.append(outcome)
            if not outcome.printed:
                break  # the printer is still in trouble: keep the order, try later
        return outcomes

    def pending_ids(self) -> list[str]:
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(PrintJob.id)
                    .where(
                        PrintJob.station_id == self._station_id,
                        PrintJob.state == PrintJobState.PENDING,
                    )
                    .order_by(PrintJob.created_at, PrintJob.id)
                )
            )

    def recover_after_restart(self) -> int:
        """Jobs caught mid-print by a stop become uncertain; return how many.

        Only jobs "printing" for longer than any job can take: a technician's
        command run beside the live kiosk must not touch the job it is printing.
        """
        stuck_since = self._clock() - STUCK_AFTER
        with self._sessions.begin() as session:
            result = session.execute(
                update(PrintJob)
                .where(
                    PrintJob.station_id == self._station_id,
                    PrintJob.state == PrintJobState.PRINTING,
                    PrintJob.updated_at < stuck_since,
                )
                .values(
                    state=PrintJobState.UNCERTAIN,
                    updated_at=self._clock(),
                    last_error="the station stopped while this job was with the printer",
                )
            )
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            log.warning("%d print job(s) may or may not have printed; not resent", count)
        return count

    def reprint(self, job_id: str) -> str:
        """A person asked for another copy: a new pending job repeating ``job_id``.

        If the original is still waiting to print, that one is the copy: its id
        comes back and nothing new is queued, so the ticket cannot come out twice.
        """
        with self._sessions.begin() as session:
            original = session.get(PrintJob, job_id)
            if original is None:
                raise KeyError(job_id)
            if original.state == PrintJobState.PENDING:
                return original.id
            return self.enqueue(
                session,
                document_from_json(original.document),
                kind=original.kind,
                job_name=f"{original.job_name}-reprint",
                ticket_id=original.ticket_id,
                reprint_of=original.id,
            )

    def last_job_id(self, kind: str) -> str | None:
        """The newest job of ``kind`` at this station (for "reprint last ticket")."""
        with self._sessions() as session:
            return session.scalar(
                select(PrintJob.id)
                .where(PrintJob.station_id == self._station_id, PrintJob.kind == kind)
                .order_by(PrintJob.created_at.desc(), PrintJob.id.desc())
                .limit(1)
            )

    def unfinished(self) -> list[PrintJob]:
        """Jobs that did not (or may not have) come out, newest first, for a technician."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(PrintJob)
                    .where(
                        PrintJob.station_id == self._station_id,
                        PrintJob.state.in_(
                            [
                                PrintJobState.PENDING,
                                PrintJobState.UNCERTAIN,
                                PrintJobState.FAILED,
                                PrintJobState.EXPIRED,
                            ]
                        ),
                    )
                    .order_by(PrintJob.created_at.desc())
                )
            )

    def state_of(self, job_id: str) -> str | None:
        with self._sessions() as session:
            return session.scalar(select(PrintJob.state).where(PrintJob.id == job_id))

    # internals ------------------------------------------------------------

    def _claim(self, job_id: str) -> tuple[Document | None, str]:
        """pending -> printing in one conditional UPDATE: one winner, ever."""
        with self._sessions.begin() as session:
            claimed = session.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id, PrintJob.state == PrintJobState.PENDING)
                .values(
                    state=PrintJobState.PRINTING,
                    attempts=PrintJob.attempts + 1,
                    updated_at=self._clock(),
                )
            )
            if not claimed.rowcount:  # type: ignore[attr-defined]
                return None, ""
            job = session.get(PrintJob, job_id)
            assert job is not None
            try:
                return document_from_json(job.document), job.job_name
            except ValueError as exc:
                job.state = PrintJobState.FAILED
                job.last_error = str(exc)
                return None, ""

    def _finish(self, job_id: str, state: PrintJobState, error: str | None = None) -> None:
        now = self._clock()
        values: dict[str, object] = {"state": state, "updated_at": now, "last_error": error}
        if state is PrintJobState.PRINTED:
            values["printed_at"] = now
        with self._sessions.begin() as session:
            # Only the job as we claimed it: never overwrite what a recovery decided.
            session.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id, PrintJob.state == PrintJobState.PRINTING)
                .values(**values)
            )

    def _expire_old(self) -> None:
        cutoff = self._clock() - self._retry_window
        with self._sessions.begin() as session:
            session.execute(
                update(PrintJob)
                .where(
                    PrintJob.station_id == self._station_id,
                    PrintJob.state == PrintJobState.PENDING,
                    PrintJob.kind == "ticket",  # a receipt or test page is still wanted later
                    PrintJob.created_at < cutoff,
                )
                .values(state=PrintJobState.EXPIRED, updated_at=self._clock())
            )
