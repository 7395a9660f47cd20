"""The printable document model.

Tickets, receipts and test pages are built as a flat list of blocks; each
renderer (PDF now, ESC/POS later) and the on-screen ticket preview draw the
same list. Keeping the model plain data means the core can build a ticket
without knowing which printer, or whether a screen, will show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]
Size = Literal["small", "normal", "large"]


@dataclass(frozen=True)
class Heading:
    """A bold title line, centred (the center's name, the service)."""

    text: str


@dataclass(frozen=True)
class BigNumber:
    """The queue number in the largest type the paper allows."""

    text: str


@dataclass(frozen=True)
class TextLine:
    """A line (or wrapped paragraph) of plain text; never parsed as markup."""

    text: str
    align: Align = "center"
    size: Size = "normal"
    bold: bool = False


@dataclass(frozen=True)
class KeyValue:
    """A label on the left and its value on the right ("People ahead   4")."""

    key: str
    value: str


@dataclass(frozen=True)
class QRCode:
    """A QR code of ``data``; renderers keep modules on whole printer dots."""

    data: str


@dataclass(frozen=True)
class Rule:
    """A thin horizontal separator."""


@dataclass(frozen=True)
class Spacer:
    """Vertical space in millimetres."""

    mm: float = 3.0


Block = Heading | BigNumber | TextLine | KeyValue | QRCode | Rule | Spacer


@dataclass(frozen=True)
class Document:
    """A printable document: a title (for job names and PDF metadata) and blocks."""

    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
