"""Receipts for submitted forms, and the printer test page, as printable documents.

The forms issue produces :class:`Receipt` values; the layout lives here so a
receipt looks the same on paper, in a PDF and (later) on screen. Fields the
form marks personal never print in full: a person who drops the receipt at
the door must not hand a stranger their ID number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kiosk.i18n import Translator
from printing.document import (
    Block,
    Document,
    Heading,
    KeyValue,
    QRCode,
    Rule,
    Spacer,
    TextLine,
)

MASK = "*"
VISIBLE_TAIL = 4  # the last characters of a long personal value, so its owner recognises it


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    personal: bool = False
    identifier: bool = False  # an ID number: its owner recognises its last characters


@dataclass(frozen=True)
class Receipt:
    reference: str
    agency: str
    service: str
    submitted_at: dt.datetime
    language: str
    answers: Sequence[Answer] = ()
    next_steps: str = ""


def mask_personal(value: str, *, identifier: bool = False) -> str:
    """Hide a personal value behind a mask of fixed width (no length leaks).

    Only an identifier (the form says so) keeps its last four characters, so
    its owner recognises it: ``"D1234-56789-01"`` -> ``"********9-01"``. A name,
    a date of birth or an address is hidden whole.
    """
    value = value.strip()
    if identifier and len(value) >= 2 * VISIBLE_TAIL:
        return MASK * 8 + value[-VISIBLE_TAIL:]
    return MASK * 8


def receipt_document(receipt: Receipt, *, center_name: str, tz: ZoneInfo | None = None) -> Document:
    tr = Translator(receipt.language)
    when = receipt.submitted_at.astimezone(tz).strftime(tr("ticket.datetime_format"))
    blocks: list[Block] = [
        Heading(center_name),
        TextLine(receipt.agency, bold=True),
        TextLine(receipt.service, size="large"),
        Rule(),
        TextLine(tr("receipt.reference"), size="small"),
        TextLine(receipt.reference, size="large", bold=True),
        KeyValue(tr("receipt.submitted"), when),
        Rule(),
    ]
    if receipt.answers:
        blocks.append(TextLine(tr("receipt.answers"), align="left", bold=True))
        for answer in receipt.answers:
            shown = (
                mask_personal(answer.value, identifier=answer.identifier)
                if answer.personal
                else answer.value
            )
            blocks.append(KeyValue(answer.label, shown))
        blocks.append(Rule())
    if receipt.next_steps:
        blocks += [
            TextLine(tr("receipt.next_steps"), align="left", bold=True),
            TextLine(receipt.next_steps, align="left"),
            Spacer(2),
        ]
    blocks += [
        QRCode(receipt.reference),
        TextLine(tr("receipt.footer"), size="small"),
    ]
    return Document(title=f"Receipt {receipt.reference}", blocks=tuple(blocks))


def printer_test_page(
    *,
    center_name: str,
    station: str,
    printer: str,
    chars_per_line: int,
    now: dt.datetime,
    tz: ZoneInfo | None = None,
) -> Document:
    """What a technician prints to check a printer: text, width, QR, cut."""
    ruler = "".join(str(i % 10) for i in range(1, chars_per_line + 1))
    return Document(
        title="Printer test page",
        blocks=(
            Heading(center_name),
            TextLine("Printer test page", size="large", bold=True),
            Rule(),
            KeyValue("Station", station),
            KeyValue("Printer", printer),
            KeyValue("Printed", now.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")),
            Rule(),
            TextLine("English: The quick brown fox jumps over the lazy dog.", align="left"),
            TextLine("Español: ¿Dónde está el señor Muñoz? Pingüino, acción.", align="left"),
            TextLine(ruler, align="left"),  # font A: one line exactly as wide as the paper
            Spacer(2),
            QRCode(f"onestop-test:{station}"),
            TextLine("If you can read every line and scan the code, the printer works."),
        ),
    )
