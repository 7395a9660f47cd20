"""Counter staff: who may sign in, with a PIN hashed by Argon2 and a shared lockout.

Staff are managed from the shell (``kiosk staff add/disable/enable/reset-pin``)
and kept in the store, so every counter of a center knows the same people.
Failed sign-ins are counted in the store too: after ``MAX_ATTEMPTS`` wrong
PINs in a row the account is locked for ``LOCKOUT`` at every counter, and a
technician's ``reset-pin`` lifts it. Every attempt, good or bad, is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from offline_cache.models import Staff, StaffAudit

MAX_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PIN_DIGITS = 4
MAX_PIN_DIGITS = 12
STAFF_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_hasher = PasswordHasher()


class StaffError(Exception):
    """A staff change or sign-in that cannot be done; the message says why."""


class SignInRefused(StaffError):
    """Wrong id or PIN, a disabled account, or a lockout; ``locked_for`` is set for the last."""

    def __init__(self, message: str, locked_for: dt.timedelta | None = None) -> None:
        super().__init__(message)
        self.locked_for = locked_for


@dataclass(frozen=True)
class StaffMember:
    id: str
    name: str
    active: bool = True
    locked_until: dt.datetime | None = None


def check_pin(pin: str) -> None:
    """Raise :class:`StaffError` for a PIN that is not 4 to 12 digits."""
    if not pin.isdigit() or not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise StaffError(f"a staff PIN is {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits")


def audit(
    session: Session,
    at: dt.datetime,
    staff_id: str,
    station_id: str,
    action: str,
    *,
    counter: str | None = None,
    ticket_id: str | None = None,
    ticket_label: str | None = None,
    detail: str | None = None,
) -> None:
    """One line of the staff audit log, in the caller's transaction."""
    session.add(
        StaffAudit(
            at=at,
            staff_id=staff_id[:64],
            station_id=station_id,
            counter=counter,
            action=action,
            ticket_id=ticket_id,
            ticket_label=ticket_label,
            detail=detail,
        )
    )


class StaffDirectory:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        station_id: str,
        clock: Callable[[], dt.datetime],
        max_attempts: int = MAX_ATTEMPTS,
        lockout: dt.timedelta = LOCKOUT,
    ) -> None:
        self._sessions = sessions
        self._station_id = station_id
        self._clock = clock
        self._max_attempts = max_attempts
        self._lockout = lockout

    def add(self, staff_id: str, name: str, pin: str, actor: str = "technician") -> StaffMember:
        if not STAFF_ID.fullmatch(staff_id):
            raise StaffError(
                f"staff id {staff_id!r}: lowercase letters, digits, dot, dash or underscore, "
                "starting with a letter or digit (e.g. maria.lopez)"
            )
        if not name.strip():
            raise StaffError("a staff member needs a name (shown at the counter)")
        check_pin(pin)
        now = self._clock()
        with self._sessions.begin() as session:
            if session.get(Staff, staff_id) is not None:
                raise StaffError(f"staff id {staff_id!r} exists already; use reset-pin or enable")
            session.add(
                Staff(
                    id=staff_id,
                    name=name.strip(),
                    pin_hash=_hasher.hash(pin),
                    active=True,
                    failed_attempts=0,
                    created_at=now,
                    updated_at=now,
                )
            )
            audit(session, now, staff_id, self._station_id, "staff_add", detail=f"by {actor}")
        return StaffMember(staff_id, name.strip())

    def set_active(self, staff_id: str, active: bool, actor: str = "technician") -> None:
        """Disable (no more sign-ins) or enable a member of staff; history stays."""
        now = self._clock()
        with self._sessions.begin() as session:
            staff = self._get(session, staff_id)
            staff.active = active
            staff.updated_at = now
            action = "staff_enable" if active else "staff_disable"
            audit(session, now, staff_id, self._station_id, action, detail=f"by {actor}")

    def reset_pin(self, staff_id: str, pin: str, actor: str = "technician") -> None:
        """A new PIN; it also lifts a lockout."""
        check_pin(pin)
        now = self._clock()
        with self._sessions.begin() as session:
            staff = self._get(session, staff_id)
            staff.pin_hash = _hasher.hash(pin)
            staff.failed_attempts = 0
            staff.locked_until = None
            staff.updated_at = now
            audit(session, now, staff_id, self._station_id, "staff_reset_pin", detail=f"by {actor}")

    def members(self) -> list[StaffMember]:
        with self._sessions() as session:
            rows = session.scalars(select(Staff).order_by(Staff.id)).all()
            return [StaffMember(s.id, s.name, s.active, s.locked_until) for s in rows]

    def sign_in(self, staff_id: str, pin: str, counter: str | None = None) -> StaffMember:
        """The member of staff, if ``pin`` is theirs; else :class:`SignInRefused`.

        A refusal is decided and its count and audit line committed first, then
        raised: a failed attempt must count even though nobody signs in. The
        message never says whether the id exists; a lockout is said plainly,
        with how long it holds.
        """
        staff_id = staff_id.strip().lower()
        now = self._clock()
        with self._sessions.begin() as session:
            member, refusal = self._check(session, staff_id, pin, counter, now)
        if refusal is not None:
            raise refusal
        assert member is not None
        return member

    def _check(
        self, session: Session, staff_id: str, pin: str, counter: str | None, now: dt.datetime
    ) -> tuple[StaffMember | None, SignInRefused | None]:
        def log(action: str, detail: str | None = None) -> None:
            audit(
                session, now, staff_id or "?", self._station_id, action, counter=counter,
                detail=detail,
            )  # fmt: skip

        staff = session.get(Staff, staff_id, with_for_update=True) if staff_id else None
        if staff is None or not staff.active:
            log("sign_in_unknown" if staff is None else "sign_in_disabled")
            return None, self._as_for_a_wrong_pin(session, staff_id, now)
        if staff.locked_until is not None and staff.locked_until > now:
            left = staff.locked_until - now
            log("sign_in_locked")
            return None, SignInRefused(locked_message(left), locked_for=left)
        try:
            _hasher.verify(staff.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            staff.failed_attempts += 1
            if staff.failed_attempts >= self._max_attempts:
                staff.locked_until = now + self._lockout
                staff.failed_attempts = 0
                log("lockout")
                return None, SignInRefused(locked_message(self._lockout), self._lockout)
            log("sign_in_failed", f"attempt {staff.failed_attempts}")
            return None, SignInRefused(
                wrong_pin_message(self._max_attempts - staff.failed_attempts)
            )
        staff.failed_attempts = 0
        staff.locked_until = None
        log("sign_in")
        return StaffMember(staff.id, staff.name), None

    def _as_for_a_wrong_pin(
        self, session: Session, staff_id: str, now: dt.datetime
    ) -> SignInRefused:
        """The refusal of an unknown or disabled id, told exactly as a wrong PIN of a real
        account would be (the countdown, then the lockout), replayed from the id's
        refusals in the audit: what the counter says never tells whether the id exists."""
        times = session.scalars(
            select(StaffAudit.at)
            .where(
                StaffAudit.staff_id == (staff_id or "?")[:64],
                StaffAudit.action.in_(("sign_in_unknown", "sign_in_disabled")),
            )
            .order_by(StaffAudit.id)
        ).all()  # this attempt's line included (autoflush)
        failed, locked_until = 0, None
        for at in times:
            if locked_until is not None and at < locked_until:
                continue
            failed += 1
            if failed >= self._max_attempts:
                failed, locked_until = 0, at + self._lockout
        if locked_until is not None and locked_until > now:
            return SignInRefused(locked_message(locked_until - now), locked_until - now)
        return SignInRefused(wrong_pin_message(self._max_attempts - failed))

    def _get(self, session: Session, staff_id: str) -> Staff:
        staff = session.get(Staff, staff_id, with_for_update=True)
        if staff is None:
            raise StaffError(f"no staff member {staff_id!r} (kiosk staff list shows them)")
        return staff


def wrong_pin_message(tries: int) -> str:
    return (
        f"Staff id or PIN not recognised. {tries} more "
        f"{'try' if tries == 1 else 'tries'} before this account is locked."
    )


def locked_message(left: dt.timedelta) -> str:
    minutes = max(1, -(-int(left.total_seconds()) // 60))
    return (
        f"Too many wrong PINs: this account is locked for {minutes} more "
        f"minute{'s' if minutes != 1 else ''}. A technician can reset the PIN."
    )
