"""One citizen's visit at the kiosk, from the welcome screen to the ticket.

Everything a citizen chose lives here and only here, so the idle reset has
one thing to wipe: :meth:`KioskSession.reset` returns the kiosk to a state in
which nothing about the previous person is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.forms.engine import FormSession
    from kiosk.station import TicketOutcome


@dataclass
class KioskSession:
    default_language: str
    language: str = field(init=False)
    service_id: str | None = None
    priority: bool | None = None
    outcome: TicketOutcome | None = None
    form: FormSession | None = None  # the answers of a form being filled in

    def __post_init__(self) -> None:
        self.language = self.default_language

    @property
    def has_citizen_data(self) -> bool:
        return any(
            value is not None for value in (self.service_id, self.priority, self.outcome, self.form)
        )

    def reset(self) -> None:
        self.language = self.default_language
        self.service_id = None
        self.priority = None
        self.outcome = None
        self.form = None
