"""One settings object for the gateway, overridable by environment variables."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
_PLACEHOLDER = "change-me"


class Settings(BaseSettings):
    """Gateway configuration; every field can be set as VIOL3_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="VIOL3_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    database_url: str = f"sqlite:///{ROOT / 'var' / 'viol3.db'}"

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr(_PLACEHOLDER)
    action_server_url: str = "http://127.0.0.1:5055"
    # Rasa answers in well under a second; the first message after start-up
    # can take a few seconds while TensorFlow warms up.
    rasa_timeout_seconds: float = 30.0
    health_timeout_seconds: float = 2.0

    # Where the action server reaches the API, and the secret both share for the
    # internal hand-off endpoint.
    api_url: str = "http://127.0.0.1:8000"
    internal_token: SecretStr = SecretStr(_PLACEHOLDER)

    # A user who needs a person again within this time after their case was
    # resolved gets the same case reopened instead of a new one.
    reopen_window_hours: float = 168.0

    # How often overdue tickets are looked for (and escalated once each).
    sla_check_seconds: float = 60.0

    max_message_chars: int = 2000
    max_body_bytes: int = 64 * 1024

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        for name in ("rasa_token", "internal_token"):
            secret: SecretStr = getattr(self, name)
            if self.environment == "production" and secret.get_secret_value() == _PLACEHOLDER:
                raise ValueError(f"VIOL3_{name.upper()} must be set to a real secret in production")
        return self


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
