"""One look at the desk, taken on the worker and drawn on the GUI thread.

Everything the console shows comes from one :class:`DeskView`, read in one
go, so the ticket, the waiting list and the form on screen always belong
together. No Qt here: the worker builds it, a signal carries it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.counter_forms import LinkedForm, linked_submission

if TYPE_CHECKING:
    from kiosk.counter import CounterDesk, DeskTicket
    from kiosk.station import Station

CALLED, SERVING = "called", "serving"  # DeskTicket.state values the actions depend on


@dataclass(frozen=True)
class DeskView:
    now: dt.datetime
    counter: str
    services: tuple[str, ...]
    max_recalls: int
    current: DeskTicket | None
    waiting: tuple[DeskTicket, ...]
    parked: tuple[DeskTicket, ...]
    form: LinkedForm | None  # the current ticket's kiosk form, if it has one

    @property
    def state(self) -> str | None:
        return None if self.current is None else str(self.current.state)


def look(station: Station, desk: CounterDesk) -> DeskView:
    """Read the desk once (on the worker: every part of it asks the store)."""
    current = desk.current()
    form = linked_submission(station, current.id) if current is not None else None
    return DeskView(
        now=station.clock(),
        counter=desk.counter,
        services=desk.services,
        max_recalls=desk.max_recalls,
        current=current,
        waiting=tuple(desk.waiting()),
        parked=tuple(desk.parked()),
        form=form,
    )
