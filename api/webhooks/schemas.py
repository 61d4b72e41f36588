"""The JSON of the webhook endpoints' admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from api.webhooks.events import EVENT_TYPES

EventType = Literal[
    "ticket.created",
    "ticket.claimed",
    "ticket.replied",
    "ticket.transferred",
    "ticket.priority_changed",
    "ticket.resolved",
    "ticket.reopened",
    "ticket.sla_breached",
]
assert set(get_args(EventType)) == set(EVENT_TYPES.values()), "one list of event types"
Description = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]


class EndpointCreate(BaseModel):
    url: str = Field(
        min_length=8,
        max_length=2000,
        pattern=r"^[^\s\x00-\x1f\x7f]+$",  # no spaces or control characters
        description="https://... (http only with allow_http)",
    )
    events: list[EventType] = Field(
        default_factory=list, description="The event types to receive; empty: all of them"
    )
    description: Description = ""
    allow_http: bool = Field(
        default=False, description="Allow plain http (only for a receiver on a trusted network)"
    )
    allow_private_network: bool = Field(
        default=False,
        description="Allow addresses on private, loopback or link-local networks (SSRF "
        "protection off for this endpoint; who set it is recorded)",
    )


class EndpointUpdate(BaseModel):
    status: Annotated[str, Field(pattern="^(active|paused)$")] | None = Field(
        default=None, description="paused: deliveries wait; active: they go out (again)"
    )
    events: list[EventType] | None = None
    description: Description | None = None
    allow_private_network: bool | None = None


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str = Field(
        validation_alias=AliasChoices("display_url", "url"),
        description="The address without query or credentials",
    )
    events: list[str] = Field(description="The event types it receives; empty: all")
    description: str
    status: str = Field(description="active, paused, disabled (the receiver answered 410)")
    status_reason: str | None
    allow_http: bool
    allow_private_network: bool
    private_network_allowed_by: str | None
    private_network_allowed_at: datetime | None
    created_by: str
    created_at: datetime
    secret_rotated_at: datetime | None


class EndpointCreated(EndpointRead):
    secret: str = Field(
        description="The signing secret (whsec_...): shown this once, keep it in the receiver"
    )


class EndpointList(BaseModel):
    endpoints: list[EndpointRead]
    event_types: list[str] = Field(description="Every event type an endpoint can receive")


class DeliveryRead(BaseModel):
    id: int = Field(description="The outbox row's id")
    webhook_id: str = Field(description="The delivery's webhook-id (the same on every try)")
    type: str = Field(description="The event type")
    ticket: int | None = Field(description="The ticket's id (none for a ping)")
    status: str = Field(
        description="pending, sending, sent or failed; pending while the endpoint is paused"
    )
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="None while paused or once done")
    created_at: datetime
    sent_at: datetime | None


class DeliveryList(BaseModel):
    deliveries: list[DeliveryRead]


class PingQueued(BaseModel):
    delivery: DeliveryRead
