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
    # An agent may undo a resolve for this long; the user is told the case is
    # resolved only after it (0: at once, and no undo).
    resolve_undo_seconds: float = Field(default=30.0, ge=0)

    # How often overdue tickets are looked for (and escalated once each), and
    # the alarms raised since are put in the outbox (api/alarms).
    sla_check_seconds: float = 60.0
    # Alarm mailboxes per queue, as JSON, over bot/data/alarms.yml's:
    # VIOL3_ALARM_EMAILS='{"driver": "fmc@example.se"}'.
    alarm_emails: dict[str, str] = Field(default_factory=dict)

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
    # The FMC number also gets priority-1 alarms by SMS outside office hours
    # (api/alarms; unset: bot/data/alarms.yml's `on_call_sms`).
    support_phone_number: str | None = None
    fmc_phone_number: str | None = None

    # E-mail: the support address mails come to and go from, the mailbox it is
    # read from (IMAP; IDLE where the server offers it, else polling every
    # `imap_poll_seconds`) and the server mail is sent through (SMTP). Unset
    # `mail_address`: no e-mail channel. Passwords are app passwords where the
    # provider has them (see the README).
    mail_address: str | None = None
    imap_host: str | None = None
    imap_port: int = 993
    imap_security: Literal["ssl", "starttls", "none"] = "ssl"
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_folder: str = "INBOX"
    imap_poll_seconds: float = 60.0
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: Literal["ssl", "starttls", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    # A plain question the knowledge base answers confidently is answered by
    # mail (with how to reach a person); off: every mail opens a ticket.
    mail_auto_answer: bool = True
    # Files users send (e-mail attachments): kept here, outside the web root and
    # owner-only; a larger one is left out, and the user is told.
    attachments_dir: Path = ROOT / "var" / "attachments"
    max_attachment_bytes: int = 10 * 1024 * 1024
    # Automatic mails (answers, acknowledgements) to one address per hour: two
    # robots answering each other stop here if every other check fails.
    mail_auto_replies_per_hour: int = 5

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

    # Rate limits on the public endpoints (api/ratelimit.py), as the `limits`
    # package writes them: "20/minute", several joined by ";" ("20/minute;200/hour").
    # The store is in the process by default; with several API processes they
    # must share one: VIOL3_RATE_LIMIT_STORAGE=redis://127.0.0.1:6379/0.
    rate_limit_storage: str = "memory://"
    # A person types a few messages a minute; a script types many.
    rate_limit_chat_per_sender: str = "20/minute;200/hour"
    # One office or mobile operator's NAT can put many users behind one address.
    rate_limit_chat_per_client: str = "600/minute"
    # The widget polls every 2-3 s while a person has the case (20-30 a
    # minute); two tabs on the same conversation still fit.
    rate_limit_messages_per_sender: str = "90/minute"
    rate_limit_messages_per_client: str = "600/minute"
    rate_limit_widget_per_client: str = "60/minute"
    # Telegram and Twilio post every user's message from a few addresses of
    # their own, so the per-address limit is wide and the per-sender one tight.
    rate_limit_webhook_per_client: str = "1200/minute"
    rate_limit_webhook_per_sender: str = "20/minute;200/hour"

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

    # Agent sessions end after this long without a request (and 12 hours after the
    # login at the latest). A change applies to the logins after it.
    agent_idle_minutes: float = 60.0
    # Failed logins, counted in the database (so across API processes) per user name
    # and per client address. After the free failures the next try must wait the
    # first delay, doubled with each further failure up to the longest; a user name
    # is locked after `login_lockout_failures` failures in a row, until an admin
    # unlocks it. An address's failures are forgotten after a quiet while, and it is
    # never locked (an office shares one).
    login_free_failures: int = 3
    login_lockout_failures: int = 10
    login_address_free_failures: int = 20
    login_first_delay_seconds: float = 1.0
    login_longest_delay_seconds: float = 900.0
    login_address_forget_minutes: float = 15.0

    # ---- Incidents (api/incidents) ----
    # A ticket opened this long before an incident's start is still proposed for
    # linking (the first reports often come before the incident is published).
    incident_link_slack_minutes: float = Field(default=30.0, ge=0)
    # At most this many tickets are proposed for linking at once.
    incident_proposals_limit: int = Field(default=50, ge=1, le=500)
    # The public list of active incidents (the widget's banner), per client address.
    rate_limit_incidents_per_client: str = "120/minute"

    # ---- Customer feedback (api/feedback) ----
    # After a resolve, and at the end of a conversation the assistant answered
    # alone, the user is asked once how it went (1-5, an optional comment) on their
    # channel; a phone caller by SMS, when their number is a mobile one. Off: no
    # question is asked (answers to questions asked before still count).
    feedback_enabled: bool = True
    # A question not answered within this time lapses: a later "4" is an ordinary
    # message again.
    feedback_answer_hours: float = Field(default=48.0, gt=0)
    # After a bare score ("4"), the user's next message within this time is taken
    # as its comment (unless it asks something or needs a person).
    feedback_comment_minutes: float = Field(default=10.0, ge=0)

    # ---- Webhooks to the case register (api/webhooks) ----
    # How long the outbox waits for a receiver's answer to one delivery; a slow
    # receiver is tried again with the outbox's backoff.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # The ticket export streams the tickets in batches of this many.
    export_batch_size: int = Field(default=200, ge=1)

    # ---- Retention and erasure (api/retention) ----
    # Days each kind of data is kept before the daily job anonymises or deletes it
    # (0: kept for ever). Defaults and their reasons: docs/retention.md.
    # Conversations that never became a ticket, from their last message.
    retention_conversation_days: int = Field(default=90, ge=0)
    # Resolved tickets with their conversation and messages, from the last resolve
    # (keep it longer than reopen_window_hours: a reopened case needs its text).
    retention_ticket_days: int = Field(default=730, ge=0)
    # Sealed originals of masked messages, and attachments (rows and files).
    retention_original_days: int = Field(default=30, ge=0)
    # Audit log events, from when they happened.
    retention_audit_days: int = Field(default=730, ge=0)
    # Outbox rows sent, failed or withdrawn (a pending row is never deleted).
    retention_outbox_days: int = Field(default=30, ge=0)
    # Rasa's trackers, from the conversation's last message.
    retention_tracker_days: int = Field(default=7, ge=0)
    # The channels' receipts of delivered updates (only for ignoring redeliveries).
    retention_receipt_days: int = Field(default=7, ge=0)
    # Rows per transaction, and how often the job runs (it runs once at start-up).
    retention_batch_size: int = Field(default=500, ge=1)
    retention_every_hours: float = Field(default=24.0, gt=0)

    # ---- Saved replies and presence (api/replies) ----
    # An agent counts as having a ticket open for this long after their console's
    # last heartbeat (it sends one every third of this while the ticket is open),
    # and as typing for `presence_typing_seconds` after they last said so.
    presence_expiry_seconds: float = Field(default=20.0, ge=3)
    presence_typing_seconds: float = Field(default=8.0, ge=1)


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
