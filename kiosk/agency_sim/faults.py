"""How the reference agency server misbehaves on purpose, the way agency systems do.

Kept apart from the HTTP handling so a test (or the demo) reads as a list of
what goes wrong next. :class:`Faults` is used under the server's lock; the
waits it asks for are slept outside it.

Scripted, one per request, in order (:attr:`Faults.script`):

* an int status (``503``, ``500``, ``401``...): answered without storing;
* ``("429", seconds)``: too many requests, with ``Retry-After``;
* ``("slow", seconds)``: wait that long, then answer as usual (a client with a
  shorter read timeout gives up while the agency goes on and stores it);
* ``"drop"``: the submission is stored, then the connection is closed with no
  answer (the case idempotency keys exist for).

Switches: :meth:`Faults.fail_randomly` answers a seeded random share of
requests 500 without storing (an overloaded gateway), repeatable run to run.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

Fault = int | str | tuple[str, float]


@dataclass(frozen=True)
class Plan:
    """What to do with one request, decided under the lock."""

    status: int | None = None  # answer this status without storing
    retry_after: float | None = None
    delay_s: float = 0.0  # sleep before answering (outside the lock)
    drop: bool = False  # store, then close without an answer


@dataclass
class Faults:
    script: deque[Fault] = field(default_factory=deque)
    error_rate: float = 0.0
    _random: random.Random = field(default_factory=lambda: random.Random(0))

    def fail_randomly(self, share: float, seed: int = 0) -> None:
        """Answer ``share`` (0 to 1) of the following requests 500, chosen by a random
        sequence that ``seed`` makes the same every run."""
        if not 0.0 <= share <= 1.0:
            raise ValueError("share must be between 0 and 1")
        self.error_rate, self._random = share, random.Random(seed)

    def next(self) -> Plan:
        """Take the next scripted fault (or a random error) for one request."""
        fault = self.script.popleft() if self.script else None
        if fault is None and self.error_rate and self._random.random() < self.error_rate:
            return Plan(status=500)
        if isinstance(fault, int):
            return Plan(status=fault)
        if fault == "drop":
            return Plan(drop=True)
        if isinstance(fault, tuple) and fault[0] == "429":
            return Plan(status=429, retry_after=fault[1])
        if isinstance(fault, tuple) and fault[0] == "slow":
            return Plan(delay_s=float(fault[1]))
        if fault is not None:
            raise ValueError(f"unknown fault {fault!r}")
        return Plan()
