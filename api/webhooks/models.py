"""The tables of api/webhooks (migration in api/alembic/versions)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from api.database import Base, UTCDateTime, utcnow


class EndpointStatus(StrEnum):
    ACTIVE = "active"  # events are delivered
    PAUSED = "paused"  # events wait in the outbox until it is resumed
    DISABLED = "disabled"  # the receiver answered 410 Gone: nothing more is sent
    DELETED = "deleted"  # removed by an admin; kept so its deliveries stay traceable


class WebhookEndpoint(Base):
    """A receiver of ticket events (the case register), registered by an admin."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The address as registered, sealed (api/addresses.py): a receiver's URL often
    # carries a token of its own. Shown to admins without query and credentials.
    sealed_url: Mapped[str] = mapped_column(Text)
    display_url: Mapped[str] = mapped_column(String(300))
    # The signing secret (whsec_...), sealed; shown once, when it is made.
    sealed_secret: Mapped[str] = mapped_column(Text)
    # The event types it receives; an empty list: all of them.
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[EndpointStatus] = mapped_column(String(16), default=EndpointStatus.ACTIVE)
    status_reason: Mapped[str | None] = mapped_column(String(200))
    # Plain http, and addresses on private or loopback networks, only when an admin
    # says so for this endpoint (SSRF); who allowed the private network is kept.
    allow_http: Mapped[bool] = mapped_column(default=False, server_default=false())
    allow_private_network: Mapped[bool] = mapped_column(default=False, server_default=false())
    private_network_allowed_by: Mapped[str | None] = mapped_column(String(64))
    private_network_allowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
