"""Phone numbers are kept as pseudonyms and sealed addresses, never in clear."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from api.addresses import AddressUnreadable, pseudonym, seal, unseal
from api.config import Settings


def test_the_same_number_finds_the_same_conversation_without_showing_the_number() -> None:
    one = pseudonym(b"key", "sms", "+46701234567")
    assert one == pseudonym(b"key", "sms", "+46701234567")
    assert one != pseudonym(b"key", "sms", "+46701234568")
    assert one != pseudonym(b"other key", "sms", "+46701234567")
    assert "701234567" not in one


def test_a_sealed_address_opens_only_with_its_key() -> None:
    sealed = seal(b"key", "+358401234567")
    assert "401234567" not in sealed
    assert unseal(b"key", sealed) == "+358401234567"
    with pytest.raises(AddressUnreadable):
        unseal(b"another key", sealed)


def test_production_needs_an_address_key() -> None:
    secrets = {
        "rasa_token": SecretStr("r" * 20),
        "internal_token": SecretStr("i" * 20),
        "widget_origins": ["https://driver.example"],
    }
    with pytest.raises(ValidationError, match="VIOL3_ADDRESS_KEY"):
        Settings(environment="production", **secrets)  # type: ignore[arg-type]
    Settings(environment="production", address_key=SecretStr("k" * 32), **secrets)  # type: ignore[arg-type]
