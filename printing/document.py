"""The printable document model.

Tickets, receipts and test pages are built as a flat list of blocks; each
renderer (PDF now, ESC/POS later) and the on-screen ticket preview draw the
same list. Keeping the model plain data means the core can build a ticket
without knowing which printer, or whether a screen, will show it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
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


_BLOCK_TYPES: dict[str, type[Block]] = {
    cls.__name__: cls for cls in (Heading, BigNumber, TextLine, KeyValue, QRCode, Rule, Spacer)
}


def document_to_json(doc: Document) -> str:
    """A print job's document as JSON, so a queued job survives a restart."""
    blocks = [{"type": type(block).__name__, **asdict(block)} for block in doc.blocks]
    return json.dumps({"title": doc.title, "blocks": blocks}, ensure_ascii=False)


def document_from_json(text: str) -> Document:
    """The inverse of :func:`document_to_json`; raises ValueError for anything else."""
    try:
        data = json.loads(text)
        blocks = tuple(_BLOCK_TYPES[item.pop("type")](**item) for item in data["blocks"])
        return Document(title=str(data["title"]), blocks=blocks)
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a stored print document: {exc}") from None
