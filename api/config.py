"""One settings object for the gateway, overridable by environment variables."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
_PLACEHOLDER = "change-me"
_ORIGIN = re.compile(r"https?://[^/\s]+")


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

    # Channels. The address key seals the numbers replies go to and keys the
    # pseudonyms SMS and phone conversations are stored under; outside
    # production a key is kept in var/address.key.
    address_key: SecretStr | None = None
    # Where Telegram and Twilio reach this gateway from outside: webhook URLs
    # and Twilio's request signatures are built on it.
    public_url: str = "http://127.0.0.1:8000"
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = None  # X-Telegram-Bot-Api-Secret-Token
    telegram_api_url: str = "https://api.telegram.org/bot"  # changed only in tests
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None  # the number SMS are sent from
    twilio_api_url: str | None = None  # changed only in tests
    # Outgoing SMS per number and hour: a loop or an abuser cannot run up costs.
    sms_per_number_per_hour: int = 10
    # Where a caller who asks for a person is connected (E.164): customer service
    # in office hours, the round-the-clock remote measuring centre (FMC) outside
    # them. Unset: the support number in knowledge/facts/support.yml, for both,
    # since outside office hours that number goes straight to FMC (go-live
    # support offer). Set them to the desks' direct lines when the Twilio
    # number takes over the support number itself, or the call would loop.
    support_phone_number: str | None = None
    fmc_phone_number: str | None = None

    # The outbox: how often the sender looks for due messages, how often it
    # tries one, and the first wait between tries (doubling, up to an hour).
    outbox_poll_seconds: float = 1.0
    outbox_max_attempts: int = 8
    outbox_first_retry_seconds: float = 5.0
    # A sender that dies holding a message releases it after this long.
    outbox_lease_seconds: float = 60.0

    max_message_chars: int = 2000

    # The knowledge base that approved article drafts are written to.
    knowledge_dir: Path = ROOT / "knowledge"
    max_body_bytes: int = 64 * 1024

    # Origins (scheme://host[:port]) of the pages that embed the chat widget
    # (/widget.js), as JSON: VIOL3_WIDGET_ORIGINS='["https://example.se"]'.
    # Any origin outside production; production needs the list.
    widget_origins: list[str] = Field(default_factory=lambda: ["*"])

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        if self.environment == "production" and self.address_key is None:
            raise ValueError("VIOL3_ADDRESS_KEY must be set in production")
        for name in ("rasa_token", "internal_token"):
            secret: SecretStr = getattr(self, name)
            if self.environment == "production" and secret.get_secret_value() == _PLACEHOLDER:
                raise ValueError(f"VIOL3_{name.upper()} must be set to a real secret in production")
        return self

    @model_validator(mode="after")
    def _explicit_widget_origins_in_production(self) -> Settings:
        if self.environment == "production" and "*" in self.widget_origins:
            raise ValueError(
                "VIOL3_WIDGET_ORIGINS must list the origins of the pages that embed the chat "
                "widget in production"
            )
        # A trailing slash or a path never matches a browser's Origin header.
        if bad := [o for o in self.widget_origins if o != "*" and not _ORIGIN.fullmatch(o)]:
            raise ValueError(f"VIOL3_WIDGET_ORIGINS: not scheme://host[:port]: {bad}")
        return self


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
