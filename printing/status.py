"""Printer health from ESC/POS real-time status bytes (DLE EOT 1, 2 and 4).

The one rule here: a status byte that is missing or malformed is a fault.
python-escpos 3.1's ``paper_status()`` reads an empty reply as "paper
adequate" (FIELD-NOTES), which would let a kiosk print into a dead printer
and tell the citizen to take a ticket that never came out. So every byte is
checked against the fixed bits all three replies share before any flag in it
is believed.

Bit meanings (Epson ESC/POS reference; python-escpos's ``RT_MASK_*``
constants agree where it has them):

- every reply: bits 1 and 4 are always 1, bits 0 and 7 always 0
  (``RT_MASK_PAPER`` = 0x12 is that fixed pattern);
- DLE EOT 1 (printer): bit 3 offline (``RT_MASK_ONLINE``);
- DLE EOT 2 (offline cause): bit 2 cover open, bit 5 printing stopped at
  paper end, bit 6 error;
- DLE EOT 4 (roll paper sensor): bits 2-3 near end (``RT_MASK_LOWPAPER`` =
  0x12 | 0x0C), bits 5-6 paper end (``RT_MASK_NOPAPER`` = 0x12 | 0x60).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from escpos.constants import (
    RT_MASK_LOWPAPER,
    RT_MASK_NOPAPER,
    RT_MASK_ONLINE,
    RT_MASK_PAPER,
    RT_STATUS,
    RT_STATUS_ONLINE,
    RT_STATUS_PAPER,
)

FIXED_MASK = 0x93  # bits 0, 1, 4, 7: the ones whose value is fixed in every reply
FIXED_VALUE = RT_MASK_PAPER  # 0x12: bits 1 and 4 set, 0 and 7 clear

OFFLINE = RT_MASK_ONLINE  # DLE EOT 1 bit 3
COVER_OPEN = 0x04  # DLE EOT 2 bit 2
PAPER_END_STOP = 0x20  # DLE EOT 2 bit 5
ERROR = 0x40  # DLE EOT 2 bit 6
NEAR_END = RT_MASK_LOWPAPER & ~FIXED_VALUE  # DLE EOT 4 bits 2-3
PAPER_END = RT_MASK_NOPAPER & ~FIXED_VALUE  # DLE EOT 4 bits 5-6

QUERY_PRINTER = RT_STATUS_ONLINE  # DLE EOT 1
QUERY_OFFLINE_CAUSE = RT_STATUS + b"\x02"  # DLE EOT 2 (python-escpos has no constant)
QUERY_PAPER = RT_STATUS_PAPER  # DLE EOT 4
QUERIES: tuple[bytes, bytes, bytes] = (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_PAPER)
"""Sent in this order, one at a time, each answered by exactly one byte."""

NOT_ANSWERED = "printer did not answer"


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself. When ``answered`` is False the
    other flags are not known (they are False only for lack of news) and
    ``ok`` is False: an unknown printer is treated as a faulty one."""

    online: bool
    cover_open: bool
    paper_near_end: bool
    paper_out: bool
    error: bool
    answered: bool
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Safe to print: answered, online, cover shut, paper in, no error."""
        return (
            self.answered and self.online and not (self.cover_open or self.paper_out or self.error)
        )

    @property
    def message(self) -> str:
        """A short technician message: "ready", "paper out; cover open", ..."""
        if not self.answered:
            return f"{NOT_ANSWERED} ({self.detail})" if self.detail else NOT_ANSWERED
        problems = [
            text
            for flag, text in (
                (self.paper_out, "paper out"),
                (self.cover_open, "cover open"),
                (self.error, "printer error (check for a paper jam or cutter fault)"),
                (not self.online and not (self.paper_out or self.cover_open or self.error),
                 "offline"),
                (self.paper_near_end, "paper near end"),
            )
            if flag
        ]  # fmt: skip
        if not problems:
            return "ready"
        return "; ".join(problems)


def no_answer(detail: str) -> PrinterStatus:
    """The status of a printer that could not be asked or did not reply."""
    return PrinterStatus(
        online=False,
        cover_open=False,
        paper_near_end=False,
        paper_out=False,
        error=False,
        answered=False,
        detail=detail,
    )


def valid_status_byte(reply: bytes | None) -> int | None:
    """The status value if ``reply`` is exactly one byte with the fixed bits right."""
    if reply is None or len(reply) != 1:
        return None
    value = reply[0]
    return value if value & FIXED_MASK == FIXED_VALUE else None


def parse_status(
    dle_eot_1: bytes | None, dle_eot_2: bytes | None, dle_eot_4: bytes | None
) -> PrinterStatus:
    """Combine the three replies (one byte each, None if none came).

    Any missing, extra-long or malformed reply (fixed bits wrong) makes the
    whole status "not answered", naming which query failed and what came.
    """
    values: list[int] = []
    for n, reply in zip((1, 2, 4), (dle_eot_1, dle_eot_2, dle_eot_4), strict=True):
        value = valid_status_byte(reply)
        if value is None:
            if not reply:
                return no_answer(f"no reply to DLE EOT {n}")
            return no_answer(f"invalid reply to DLE EOT {n}: {reply[:8].hex(' ')}")
        values.append(value)
    printer, cause, paper = values
    paper_out = bool(paper & PAPER_END) or bool(cause & PAPER_END_STOP)
    return PrinterStatus(
        online=not printer & OFFLINE,
        cover_open=bool(cause & COVER_OPEN),
        # Both sensors report an empty roll; "near end" is only news while paper is left.
        paper_near_end=bool(paper & NEAR_END) and not paper_out,
        paper_out=paper_out,
        error=bool(cause & ERROR),
        answered=True,
        detail=f"DLE EOT 1/2/4 = {printer:02x} {cause:02x} {paper:02x}",
    )


def ask_printer(
    send: Callable[[bytes], object], read_byte: Callable[[float], bytes], timeout_s: float
) -> PrinterStatus:
    """Send DLE EOT 1, 2, 4 one at a time and read one byte each, all within
    ``timeout_s``, over any transport (socket, serial port, device file).

    ``read_byte(seconds)`` returns b"" when nothing came in time. A missing
    or malformed reply stops the exchange: the status is a fault by then, and
    waiting longer only keeps the citizen waiting.
    """
    deadline = time.monotonic() + timeout_s
    replies: list[bytes | None] = [None, None, None]
    for i, query in enumerate(QUERIES):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        send(query)
        reply = read_byte(remaining)
        replies[i] = reply or None
        if valid_status_byte(reply) is None:
            break
    return parse_status(*replies)
