"""Webhook endpoints: registered, paused, resumed, tested and removed by admins.

Deliveries themselves are outbox rows (channel "webhook", made by
api/webhooks/events.py); pausing an endpoint makes its waiting rows due never,
resuming makes them due now, and removing it fails them. Secrets and URLs are
stored sealed (api/addresses.py) and never logged.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.addresses import seal, unseal
from api.agents.models import Agent
from api.database import utcnow
from api.errors import DomainError
from api.outbox.models import OutboxMessage, OutboxStatus
from api.webhooks.events import (
    PAUSED_UNTIL,
    PING,
    body,
    delivery_key,
    queue_delivery,
    recipient,
)
from api.webhooks.models import EndpointStatus, WebhookEndpoint
from api.webhooks.signing import new_secret
from api.webhooks.ssrf import check_target


class EndpointNotFound(DomainError):
    status_code = 404
    code = "webhook_endpoint_not_found"
    message = "No such webhook endpoint."


def display_url(url: str) -> str:
    """The address as admins see it: without credentials, query or fragment (a
    receiver's token often rides in the query)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    shown = f"{parts.scheme}://{host}{port}{parts.path}"
    return shown if len(shown) <= 300 else shown[:299] + "…"


def register(
    *,
    db: Session,
    admin: Agent,
    key: bytes,
    url: str,
    events: Sequence[str],
    description: str,
    allow_http: bool,
    allow_private_network: bool,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (returned this once); UnsafeTarget (422)
    for an address webhooks may not go to."""
    url = url.strip()
    check_target(url, allow_http=allow_http, allow_private_network=allow_private_network)
    secret = new_secret()
    now = utcnow()
    endpoint = WebhookEndpoint(
        sealed_url=seal(key, url),
        display_url=display_url(url),
        sealed_secret=seal(key, secret),
        events=sorted(set(events)),
        description=description.strip(),
        status=EndpointStatus.ACTIVE,
        allow_http=allow_http,
        allow_private_network=allow_private_network,
        private_network_allowed_by=admin.username if allow_private_network else None,
        private_network_allowed_at=now if allow_private_network else None,
        created_by=admin.username,
        created_at=now,
    )
    db.add(endpoint)
    db.commit()
    return endpoint, secret


def list_endpoints(*, db: Session) -> list[WebhookEndpoint]:
    """Every endpoint not removed, oldest first."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.status != EndpointStatus.DELETED)
    return list(db.scalars(query.order_by(WebhookEndpoint.id)))


def get_endpoint(*, db: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.status == EndpointStatus.DELETED:
        raise EndpointNotFound
    return endpoint


def update_endpoint(
    *,
    db: Session,
    endpoint: WebhookEndpoint,
    admin: Agent,
    key: bytes,
    status: str | None = None,
    events: Sequence[str] | None = None,
    description: str | None = None,
    allow_private_network: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given; taking away the private-network permission is refused
    (422) while the address needs it."""
    if (
        allow_private_network is not None
        and allow_private_network != endpoint.allow_private_network
    ):
        _set_private_network(endpoint, admin, key, allowed=allow_private_network)
    if events is not None:
        endpoint.events = sorted(set(events))
    if description is not None:
        endpoint.description = description.strip()
    if status == EndpointStatus.PAUSED and endpoint.status != EndpointStatus.PAUSED:
        _pause(db, endpoint)
    elif status == EndpointStatus.ACTIVE and endpoint.status != EndpointStatus.ACTIVE:
        _resume(db, endpoint)
    db.commit()
    return endpoint


def _set_private_network(
    endpoint: WebhookEndpoint, admin: Agent, key: bytes, *, allowed: bool
) -> None:
    if not allowed:
        check_target(
            unseal(key, endpoint.sealed_url),
            allow_http=endpoint.allow_http,
            allow_private_network=False,
        )
    endpoint.allow_private_network = allowed
    endpoint.private_network_allowed_by = admin.username if allowed else None
    endpoint.private_network_allowed_at = utcnow() if allowed else None


def _waiting_rows(endpoint: WebhookEndpoint) -> list[object]:
    return [
        OutboxMessage.channel == "webhook",
        OutboxMessage.recipient == recipient(endpoint.id),
        OutboxMessage.status == OutboxStatus.PENDING,
    ]


def _pause(db: Session, endpoint: WebhookEndpoint) -> None:
    endpoint.status, endpoint.status_reason = EndpointStatus.PAUSED, None
    db.execute(
        update(OutboxMessage)
        .where(*_waiting_rows(endpoint))  # type: ignore[arg-type]
        .values(next_attempt_at=PAUSED_UNTIL)
    )


def _resume(db: Session, endpoint: WebhookEndpoint) -> None:
    """Active again (after a pause, or a 410 the receiver has since fixed): what
    waited goes out now."""
    endpoint.status, endpoint.status_reason = EndpointStatus.ACTIVE, None
    db.execute(
        update(OutboxMessage)
        .where(*_waiting_rows(endpoint))  # type: ignore[arg-type]
        .values(next_attempt_at=utcnow())
    )


def delete_endpoint(*, db: Session, endpoint: WebhookEndpoint) -> None:
    """Removed: nothing more is sent to it, and what waited fails. The row stays
    (without its secret), so the deliveries made stay traceable to it."""
    endpoint.status, endpoint.status_reason = EndpointStatus.DELETED, "deleted by an admin"
    endpoint.sealed_secret = ""
    db.execute(
        update(OutboxMessage)
        .where(*_waiting_rows(endpoint))  # type: ignore[arg-type]
        .values(status=OutboxStatus.FAILED, last_error="endpoint deleted")
    )
    db.commit()


def rotate_secret(*, db: Session, endpoint: WebhookEndpoint, key: bytes) -> str:
    """A new signing secret (returned this once); the old one stops working at once."""
    secret = new_secret()
    endpoint.sealed_secret = seal(key, secret)
    endpoint.secret_rotated_at = utcnow()
    db.commit()
    return secret


def disable(*, db: Session, endpoint_id: int, reason: str) -> None:
    """The receiver said Gone (410): nothing more is sent until an admin resumes it."""
    endpoint = db.get(WebhookEndpoint, endpoint_id)
    if endpoint is not None and endpoint.status != EndpointStatus.DELETED:
        endpoint.status, endpoint.status_reason = EndpointStatus.DISABLED, reason[:200]
        db.commit()


def ping(*, db: Session, endpoint: WebhookEndpoint) -> OutboxMessage:
    """Queue a test event for the endpoint, through the outbox like any other."""
    ping_id = f"ping-{uuid.uuid4().hex[:16]}"
    now = utcnow()
    row = queue_delivery(
        db,
        endpoint,
        key=delivery_key(endpoint.id, ping_id),
        kind=PING,
        text=body(PING, now, {"endpoint": endpoint.id, "ping": ping_id}),
        conversation_id=None,  # a ping belongs to no case
    )
    db.commit()
    return row


def deliveries(*, db: Session, endpoint: WebhookEndpoint, limit: int) -> list[OutboxMessage]:
    """The endpoint's latest deliveries, newest first."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == "webhook", OutboxMessage.recipient == recipient(endpoint.id)
        )
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


def delivery_ticket(row: OutboxMessage) -> int | None:
    """The ticket a delivery is about (from its body, which names no person)."""
    try:
        ticket = json.loads(row.text).get("data", {}).get("ticket")
    except (ValueError, AttributeError):
        return None
    return ticket if isinstance(ticket, int) else None


def next_attempt(row: OutboxMessage) -> datetime | None:
    """When the row is tried next: None once done, and while its endpoint is paused."""
    if row.status != OutboxStatus.PENDING or row.next_attempt_at >= PAUSED_UNTIL:
        return None
    return row.next_attempt_at


def receiver(*, db: Session, endpoint_id: int, key: bytes) -> tuple[WebhookEndpoint, str] | None:
    """The endpoint a delivery goes to and its secret in clear (for the sender, at the
    moment of sending); None if it is gone."""
    endpoint = db.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not endpoint.sealed_secret:
        return None
    return endpoint, unseal(key, endpoint.sealed_secret)
