"""How the gateway keeps the addresses it must reply to without storing them in clear.

A phone number is personal data, so a conversation on SMS or phone is keyed
by a pseudonym (a keyed hash: the same number always finds the same
conversation, but the number cannot be read back from it), and the number
needed to send a reply is stored sealed (encrypted) and opened only by the
outbox worker at the moment of sending.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from api.config import ROOT, Settings


class AddressUnreadable(Exception):
    """A sealed address that this key cannot open (the key was changed)."""


@cache
def _key_file_secret(path: Path) -> bytes:
    """The development key, created once beside the database and kept between runs."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(base64.urlsafe_b64encode(os.urandom(32)))
    return path.read_bytes().strip()


def address_secret(settings: Settings) -> bytes:
    """VIOL3_ADDRESS_KEY, or (outside production) a key kept in var/address.key."""
    if settings.address_key is not None:
        return settings.address_key.get_secret_value().encode()
    return _key_file_secret(ROOT / "var" / "address.key")


def pseudonym(secret: bytes, channel: str, address: str) -> str:
    """A stable stand-in for `address` on `channel` that does not reveal it."""
    digest = hmac.new(secret, f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}:{digest[:40]}"


def _fernet(secret: bytes) -> Fernet:
    # Fernet wants 32 url-safe base64 bytes; derive them from any secret.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"seal:" + secret).digest()))


def seal(secret: bytes, address: str) -> str:
    return _fernet(secret).encrypt(address.encode()).decode()


def unseal(secret: bytes, sealed: str) -> str:
    try:
        return _fernet(secret).decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise AddressUnreadable from exc
