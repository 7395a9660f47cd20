"""The queue ticket as a printable document, in the citizen's language.

The same document is printed (PDF now, thermal printers later) and previewed
on the confirmation screen, so what the citizen sees is what they hold.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from kiosk.i18n import Translator
from kiosk.queue import IssuedTicket
from printing.document import (
    BigNumber,
    Block,
    Document,
    Heading,
    KeyValue,
    QRCode,
    Rule,
    Spacer,
    TextLine,
)


def ticket_qr_payload(ticket: IssuedTicket) -> str:
    """What the ticket's QR code holds: the ticket id, which counters scan to find it."""
    return ticket.id


def ticket_document(
    ticket: IssuedTicket,
    *,
    center_name: str,
    service_name: str,
    tz: ZoneInfo | None = None,
) -> Document:
    tr = Translator(ticket.language)
    issued = ticket.issued_at.astimezone(tz)
    blocks: list[Block] = [
        Heading(center_name),
        TextLine(service_name, size="large"),
        Rule(),
        TextLine(tr("ticket.your_number"), size="small"),
        BigNumber(ticket.label),
    ]
    if ticket.priority:
        blocks.append(TextLine(tr("ticket.priority"), bold=True))
    blocks += [
        Rule(),
        KeyValue(tr("ticket.people_ahead"), str(ticket.people_ahead)),
        KeyValue(tr("ticket.wait"), tr.plural("ticket.wait_value", ticket.estimated_wait_minutes)),
        KeyValue(tr("ticket.issued"), issued.strftime(tr("ticket.datetime_format"))),
        Spacer(2),
        QRCode(ticket_qr_payload(ticket)),
        Spacer(2),
        TextLine(tr("ticket.footer"), size="small"),
    ]
    return Document(title=f"Ticket {ticket.label}", blocks=tuple(blocks))
