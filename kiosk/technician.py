"""Technician access: a PIN, hashed with Argon2, with a lockout.

The PIN's hash lives in the station config (``[technician] pin_hash``,
made by ``kiosk technician hash-pin``), never the PIN itself. After
``max_attempts`` wrong PINs in a row the technician screen stays locked for
``lockout``; a citizen poking at the corner of the screen cannot guess it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MAX_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=5)
MIN_PIN_DIGITS = 6


def hash_pin(pin: str) -> str:
    """The Argon2id hash to put in the config; raise ValueError for a weak PIN."""
    if not pin.isdigit() or len(pin) < MIN_PIN_DIGITS:
        raise ValueError(f"a technician PIN is at least {MIN_PIN_DIGITS} digits")
    return PasswordHasher().hash(pin)


class TechnicianAccess:
    def __init__(
        self,
        pin_hash: str | None,
        clock: Callable[[], dt.datetime],
        max_attempts: int = MAX_ATTEMPTS,
        lockout: dt.timedelta = LOCKOUT,
    ) -> None:
        self._hash = pin_hash
        self._clock = clock
        self._max_attempts = max_attempts
        self._lockout = lockout
        self._failures = 0
        self._locked_until: dt.datetime | None = None

    @property
    def enabled(self) -> bool:
        """Technician mode exists only once a PIN hash is configured."""
        return self._hash is not None

    def locked_for(self) -> dt.timedelta | None:
        """How long the lock still holds, or None when a PIN may be tried."""
        if self._locked_until is None:
            return None
        left = self._locked_until - self._clock()
        if left <= dt.timedelta(0):
            self._locked_until, self._failures = None, 0
            return None
        return left

    def verify(self, pin: str) -> bool:
        """True for the right PIN while not locked; counts failures toward the lock."""
        if self._hash is None or self.locked_for() is not None:
            return False
        try:
            PasswordHasher().verify(self._hash, pin)
        except (VerificationError, InvalidHashError):
            self._failures += 1
            if self._failures >= self._max_attempts:
                self._locked_until = self._clock() + self._lockout
            return False
        self._failures = 0
        return True
