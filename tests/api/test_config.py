"""Production refuses settings that would be unsafe there."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from api.config import Settings

SAFE = {
    "environment": "production",
    "rasa_token": SecretStr("r" * 20),
    "internal_token": SecretStr("i" * 20),
    "address_key": SecretStr("k" * 32),
    "widget_origins": ["https://driver.example"],
}


def test_production_starts_with_real_secrets_and_named_widget_origins() -> None:
    Settings(**SAFE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"widget_origins": ["*"]}, "VIOL3_WIDGET_ORIGINS"),
        ({"widget_origins": ["https://driver.example/chat"]}, "scheme://host"),
        ({"address_key": None}, "VIOL3_ADDRESS_KEY"),
        ({"internal_token": SecretStr("change-me")}, "VIOL3_INTERNAL_TOKEN"),
    ],
)
def test_production_refuses_unsafe_settings(change: dict[str, object], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        Settings(**{**SAFE, **change})  # type: ignore[arg-type]
