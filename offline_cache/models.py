"""Store models (SQLAlchemy 2, typed). Nothing here is SQLite-only.

Times are stored as UTC; :class:`UTCDateTime` hands back timezone-aware values
on every backend, so queue arithmetic never mixes naive and aware times.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class TicketState(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"  # before 0006 only: a transfer now sends the ticket back to waiting
    PARKED = "parked"  # set aside by its counter (the visitor fetches a document), resumed later


class Base(DeclarativeBase):
    pass


class TicketCounter(Base):
    """The last number issued per service and business day (the numbering lock)."""

    __tablename__ = "ticket_counters"

    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("service_id", "business_date", "number", name="uq_ticket_number"),
        Index("ix_tickets_queue", "service_id", "business_date", "state"),
        Index("ix_tickets_calling", "business_date", "state", "queue_service_id"),
        # Wait estimates: the latest service times and the counters open, per queue.
        Index("ix_tickets_finished", "queue_service_id", "state", "finished_at"),
        Index("ix_tickets_called", "queue_service_id", "called_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), nullable=False)
    business_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=TicketState.WAITING)
    priority: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    station_id: Mapped[str] = mapped_column(String(64), nullable=False)
    counter: Mapped[str | None] = mapped_column(String(32))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    serving_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The service whose queue the ticket waits in now: the issuing service until a
    # counter transfers it (the label and number stay; issued_at keeps its place).
    queue_service_id: Mapped[str] = mapped_column(
        String(64), nullable=False, default=lambda ctx: ctx.get_current_parameters()["service_id"]
    )
    target_counter: Mapped[str | None] = mapped_column(String(32))  # transferred to one counter
    appointment_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recalls: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    transfers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    staff_id: Mapped[str | None] = mapped_column(String(64))  # who called it last
    outcome: Mapped[str | None] = mapped_column(String(64))  # what the counter recorded at the end

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )


class TicketEvent(Base):
    """Every state change of a ticket, with when and where it happened."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    station_id: Mapped[str] = mapped_column(String(64), nullable=False)
    counter: Mapped[str | None] = mapped_column(String(32))
    # Since 0006: what happened (issue, call, recall, serve, complete, no_show,
    # transfer, park, resume), in which service's queue, by whom.
    action: Mapped[str | None] = mapped_column(String(16))
    service_id: Mapped[str | None] = mapped_column(String(64))
    staff_id: Mapped[str | None] = mapped_column(String(64))

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class Call(Base):
    """A ticket called (or called again) to a counter: what the waiting-room board shows.

    Boards read the rows after the last id they saw, so a call made at any
    counter of the center appears on every board of the center.
    """

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    ticket_id: Mapped[str] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    label: Mapped[str] = mapped_column(String(16), nullable=False)
    counter: Mapped[str] = mapped_column(String(32), nullable=False)
    service_id: Mapped[str] = mapped_column(String(64), nullable=False)
    recall: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # 0: first call


class Staff(Base):
    """A member of the counter staff: their PIN as an Argon2 hash, and their lockout.

    The lockout lives in the store, not in one station's memory, so guessing
    at another counter (or after a restart) does not start the count again.
    """

    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    pin_hash: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class StaffAudit(Base):
    """Every staff action: sign-ins (and failed ones), each queue action, staff changes."""

    __tablename__ = "staff_audit"
    __table_args__ = (Index("ix_staff_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    staff_id: Mapped[str] = mapped_column(String(64), nullable=False)
    station_id: Mapped[str] = mapped_column(String(64), nullable=False)
    counter: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(24), nullable=False)
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    ticket_label: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)


class CounterSession(Base):
    """A member of staff signed in at a counter, and the services they handle there."""

    __tablename__ = "counter_sessions"
    __table_args__ = (Index("ix_counter_sessions_open", "ended_at", "counter"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(64), nullable=False)
    counter: Mapped[str] = mapped_column(String(32), nullable=False)
    station_id: Mapped[str] = mapped_column(String(64), nullable=False)
    services: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list of service ids
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PrintJobState(enum.StrEnum):
    PENDING = "pending"  # waiting to be printed (never sent, or the printer refused it)
    PRINTING = "printing"  # handed to the printer; decided when the printer answers
    PRINTED = "printed"  # the printer confirmed it
    UNCERTAIN = "uncertain"  # was being printed when the station stopped: never resent on its own
    FAILED = "failed"  # cannot be printed as it is (a bug or bad data): a technician looks
    EXPIRED = "expired"  # waited too long; the citizen has gone, printing it now helps nobody


class PrintJob(Base):
    """A document to print, stored before it goes to the printer.

    Marked printed only after the printer confirms, claimed atomically, so a
    retry never prints a job twice and a restart never loses one.
    """

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_queue", "station_id", "state", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    ticket_id: Mapped[str | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    reprint_of: Mapped[str | None] = mapped_column(String(36))
    job_name: Mapped[str] = mapped_column(String(120), nullable=False)
    document: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=PrintJobState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Submission(Base):
    """A form a citizen submitted at the kiosk, stored before they see "Submitted".

    ``id`` is generated here and never changes: it is the idempotency key the
    agency sees on every delivery attempt. ``reference`` is what the citizen
    is given at once, on screen and on the receipt.
    """

    __tablename__ = "submissions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    form_id: Mapped[str] = mapped_column(String(64), nullable=False)
    form_version: Mapped[int] = mapped_column(Integer, nullable=False)
    service_id: Mapped[str] = mapped_column(String(64), nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    station_id: Mapped[str] = mapped_column(String(64), nullable=False)
    answers: Mapped[str] = mapped_column(Text, nullable=False)  # JSON
    payload: Mapped[str] = mapped_column(Text, nullable=False)  # JSON, for the agency
    personal_keys: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class OutboxEntry(Base):
    """A submission waiting to be delivered to its agency (the sync worker's queue)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # while "sending"
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmation: Mapped[str | None] = mapped_column(String(128))  # the agency's number
    claimed_by: Mapped[str | None] = mapped_column(String(128))  # "host:pid:worker" while sending
    agency_token: Mapped[str | None] = mapped_column(String(128))  # Open311: number comes later
    # When the row stopped needing anything: delivered, or discarded by a technician.
    # The retention period for purging the citizen's data counts from here.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DeliveryAttempt(Base):
    """One try at delivering an outbox entry: when, what came back, and the verdict."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_outbox", "outbox_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False
    )
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    verdict: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[int | None] = mapped_column(Integer)  # HTTP status; None: no answer
    message: Mapped[str | None] = mapped_column(Text)  # the agency's message or the error


class SyncAudit(Base):
    """What a technician (or the retention purge) did to a submission's delivery:
    retried, discarded, confirmed by hand, purged. No foreign key: the trail
    outlives the purged submission. Holds references, never the citizen's answers."""

    __tablename__ = "sync_audit"
    __table_args__ = (Index("ix_sync_audit_reference", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    submission_id: Mapped[str] = mapped_column(String(36), nullable=False)
    reference: Mapped[str] = mapped_column(String(32), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    station_id: Mapped[str] = mapped_column(String(64), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
