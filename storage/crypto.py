"""Encryption at rest for free text: one column type, keyed by `TANDEM_ENCRYPTION_KEY`.

`TANDEM_ENCRYPTION_KEY` holds one or more Fernet keys separated by commas, newest first.
New values are written under the first key; any listed key reads. Rotation: put the new key
first, keep the old one after it, run `tandem keys rotate`, then drop the old key.

Without a key (the embedded demo only) values are stored as plain text behind a marker, and
start-up warns. `tandem keys rotate` with a key encrypts such values too.

Errors:
    KeyringError: a key is malformed, or a stored value cannot be read with the keys given.
"""

from __future__ import annotations

import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

logger = logging.getLogger(__name__)

PLAIN_MARKER = "plain:"
TOKEN_PREFIX = "gAAAAA"


class KeyringError(ValueError):
    """The encryption keys cannot be used for this value."""


class Keyring:
    """The process's encryption keys; empty means plaintext mode."""

    def __init__(self, keys: str | None = None) -> None:
        parts = [part.strip() for part in (keys or "").split(",") if part.strip()]
        try:
            self._fernet = MultiFernet([Fernet(part) for part in parts]) if parts else None
        except ValueError:
            raise KeyringError(
                "TANDEM_ENCRYPTION_KEY: each key must be 32 url-safe base64-encoded bytes "
                "(make one with `tandem keys generate`)"
            ) from None
        self.key_count = len(parts)

    @property
    def is_encrypting(self) -> bool:
        """True when values are written encrypted."""
        return self._fernet is not None

    def encrypt(self, value: str) -> str:
        """Encrypt under the newest key, or mark as plain text when there is none."""
        if self._fernet is None:
            return PLAIN_MARKER + value
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        """Read a stored value written by any listed key, or in plaintext mode."""
        if stored.startswith(PLAIN_MARKER):
            return stored[len(PLAIN_MARKER) :]
        if self._fernet is None:
            raise KeyringError(
                "stored text is encrypted but TANDEM_ENCRYPTION_KEY is unset: set it to the key "
                "the data was written with"
            )
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise KeyringError("a stored value cannot be decrypted with the keys given") from None

    def rotate(self, stored: str) -> str:
        """Re-encrypt a stored value under the newest key."""
        if self._fernet is None:
            raise KeyringError("rotation needs TANDEM_ENCRYPTION_KEY")
        if stored.startswith(PLAIN_MARKER):
            return self.encrypt(stored[len(PLAIN_MARKER) :])
        try:
            return self._fernet.rotate(stored.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise KeyringError("a stored value cannot be decrypted with the keys given") from None


_keyring = Keyring()


def install_keyring(keyring: Keyring) -> None:
    """Make `keyring` the one every encrypted column uses from now on."""
    global _keyring
    _keyring = keyring


def current_keyring() -> Keyring:
    """The keyring in use."""
    return _keyring


def generate_key() -> str:
    """A fresh Fernet key."""
    return Fernet.generate_key().decode("ascii")


class EncryptedText(TypeDecorator[str]):
    """Text encrypted on the way in and decrypted on the way out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _keyring.encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else _keyring.decrypt(str(value))
