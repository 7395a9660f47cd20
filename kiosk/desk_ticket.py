"""A ticket as the counter console sees it, and the words for its states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from offline_cache.models import Ticket, TicketState


@dataclass(frozen=True)
class DeskTicket:
    """A ticket as the counter sees it."""

    id: str
    label: str
    service_id: str  # the queue it is in now (after a transfer, the new one)
    issued_service_id: str
    state: TicketState
    priority: bool
    language: str
    issued_at: dt.datetime
    called_at: dt.datetime | None
    recalls: int
    transfers: int
    appointment_at: dt.datetime | None
    target_counter: str | None

    @classmethod
    def of(cls, t: Ticket | Row[Any]) -> DeskTicket:
        return cls(
            t.id,
            t.label,
            t.queue_service_id,
            t.service_id,
            TicketState(t.state),
            t.priority,
            t.language,
            t.issued_at,
            t.called_at,
            t.recalls,
            t.transfers,
            t.appointment_at,
            t.target_counter,
        )

    def minutes_waited(self, now: dt.datetime) -> int:
        return max(0, int((now - self.issued_at).total_seconds() // 60))


@dataclass(frozen=True)
class RecallOutcome:
    ticket: DeskTicket
    no_show: bool  # the recalls ran out: the ticket is a no-show now


STATE_WORDS = {
    TicketState.WAITING: "waiting",
    TicketState.CALLED: "called",
    TicketState.SERVING: "being served",
    TicketState.PARKED: "parked",
    TicketState.DONE: "already completed",
    TicketState.NO_SHOW: "a no-show",
    TicketState.CANCELLED: "cancelled",
    TicketState.TRANSFERRED: "transferred",
}


def state_words(ticket: Ticket) -> str:
    words = STATE_WORDS[TicketState(ticket.state)]
    if ticket.state in (TicketState.CALLED, TicketState.SERVING, TicketState.PARKED):
        return f"{words} at counter {ticket.counter}"
    return words
