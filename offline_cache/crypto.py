"""Citizens' answers encrypted at rest (Fernet from ``cryptography``: AES with an HMAC).

A submission's answers and its payload for the agency are stored encrypted,
whole: they hold the fields a form marks personal and values computed from
them (an age from a birth date), so encrypting just the marked fields would
leave the derived ones readable. The key lives in a file of its own, made on
the station's first start and readable by its owner only; a key file that
others can read is refused, since anyone who reads it reads every answer.
Losing the key loses the answers not yet delivered: back it up with the store.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from offline_cache.engine import StoreError


class AnswerCipher:
    """Encrypts and decrypts the text of stored answers with one station key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_file(cls, path: Path) -> AnswerCipher:
        """The key in ``path``, made there (owner-only) if the file does not exist yet.

        Raises :class:`StoreError` for a key file others may read, or that is not a key.
        """
        try:
            if not path.exists():
                _create_key(path)
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise StoreError(
                    f"{path}: the key to citizens' answers can be read by other users; "
                    f"make it the owner's only (chmod 600 {path}) and start again"
                )
            key = path.read_bytes().strip()
        except OSError as exc:
            raise StoreError(f"{path}: cannot read or create the answers key: {exc}") from None
        try:
            return cls(key)
        except ValueError:
            raise StoreError(f"{path}: this is not a OneStop answers key") from None

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text back; raises :class:`StoreError` if another key encrypted it."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise StoreError(
                "a stored answer cannot be decrypted with this station's key "
                "(was the key file replaced?)"
            ) from None


def _create_key(path: Path) -> None:
    """A new key, written whole before any other process can see the file (two
    stations starting together on one shared key path both end up with the winner's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(8)}.new")  # one per caller
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(Fernet.generate_key())
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(partial, path)  # fails if another process made the key first: keep theirs
    except FileExistsError:
        pass
    finally:
        partial.unlink()
