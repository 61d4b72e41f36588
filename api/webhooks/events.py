"""Ticket events as webhook deliveries: one outbox row per (endpoint, event).

`announce` is called by api/tickets/service.py for every audit event it writes.
The event has no id yet then (and in `open_ticket` neither has its ticket), and
that code catches a duplicate hand-off's IntegrityError around its own flush: so
nothing here flushes. The events wait in the session (`Session.info`) and become
outbox rows right after the flush that gives them their ids (SQLAlchemy's
`after_flush_postexec`); the commit that follows writes the rows with the event,
and a rollback drops both. The outbox worker sends them (api/outbox/senders.py
`WebhookSender`), with its retries and backoff.

A payload says what happened to which case, never who the user is: ids, queue,
priority, status, language, channel, the actor's role (not a name) and the
event's non-textual detail (no free text, masked or not, leaves here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import event as orm_event
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from api.agents.models import Agent
from api.database import utcnow
from api.outbox.models import OutboxMessage, OutboxStatus
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from api.webhooks.models import EndpointStatus, WebhookEndpoint

# The audit log's action -> the webhook's event type. Other actions (notes,
# reveals, releases, a resolve's undo) are the desk's own business.
EVENT_TYPES: Final[dict[str, str]] = {
    "opened": "ticket.created",
    "claimed": "ticket.claimed",
    "replied": "ticket.replied",
    "transferred": "ticket.transferred",
    "priority_changed": "ticket.priority_changed",
    "resolved": "ticket.resolved",
    "reopened": "ticket.reopened",
    "escalated": "ticket.sla_breached",
}
PING = "webhook.ping"
# Detail that is safe to send: queues, priorities, flags, a due time. No reasons or notes.
_DETAIL_KEYS: Final = ("queue", "priority", "old", "new", "released", "release_reason", "due_at")
# A paused endpoint's rows are due at this time, that is never; resuming makes them due.
PAUSED_UNTIL: Final = datetime(2999, 1, 1, tzinfo=UTC)
_PENDING_KEY = "webhook_events"


@dataclass
class _Announced:
    event: AuditEvent
    kind: str
    snapshot: dict[str, Any]


def announce(db: Session, event: AuditEvent, ticket: Ticket, agent: Agent | None) -> None:
    """Deliver `event` to the endpoints that want it, once the session flushes it.
    The ticket is read now: later moves in the same commit do not change this one."""
    kind = EVENT_TYPES.get(event.action)
    if kind is None:
        return
    snapshot = {
        "queue": ticket.queue,
        "priority": ticket.priority,
        "status": str(ticket.status or TicketStatus.OPEN),  # a new ticket: not flushed yet
        "language": ticket.language,
        "channel": ticket.channel,
        "actor": str(agent.role) if agent else event.actor,  # bot, system, user
        "detail": {k: event.detail[k] for k in _DETAIL_KEYS if k in event.detail},
    }
    db.info.setdefault(_PENDING_KEY, []).append(_Announced(event, kind, snapshot))


def body(kind: str, at: datetime, data: dict[str, Any]) -> str:
    """A delivery's JSON body, as signed and sent."""
    return json.dumps(
        {"type": kind, "timestamp": at.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def delivery_key(endpoint_id: int, event_id: int | str) -> str:
    """The outbox key of a delivery, which is also its stable `webhook-id`."""
    return f"webhook-{endpoint_id}-{event_id}"


def recipient(endpoint_id: int) -> str:
    """The outbox `recipient` of an endpoint's rows (how its deliveries are found)."""
    return f"webhook:{endpoint_id}"


def queue_delivery(
    db: Session,
    endpoint: WebhookEndpoint,
    *,
    key: str,
    kind: str,
    text: str,
    conversation_id: int | None,
) -> OutboxMessage:
    """One outbox row for `endpoint` (its sealed URL as the address). The caller commits."""
    row = OutboxMessage(
        key=key,
        conversation_id=conversation_id,
        channel="webhook",
        recipient=recipient(endpoint.id),
        address=endpoint.sealed_url,
        kind="webhook",
        text=text,
        headers={"webhook-id": key, "endpoint": str(endpoint.id), "type": kind},
        status=OutboxStatus.PENDING,
        next_attempt_at=PAUSED_UNTIL if endpoint.status == EndpointStatus.PAUSED else utcnow(),
    )
    db.add(row)
    return row


def _wanting(db: Session, kind: str) -> list[WebhookEndpoint]:
    endpoints = db.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.status.in_([EndpointStatus.ACTIVE, EndpointStatus.PAUSED])
        )
    ).all()
    return [e for e in endpoints if not e.events or kind in e.events]


def _queue_flushed(db: Session, _flush: UOWTransaction) -> None:
    """After a flush: the announced events it wrote become deliveries (flushed
    with the commit, or the next flush)."""
    waiting: list[_Announced] = db.info.get(_PENDING_KEY, [])
    if not waiting:
        return
    flushed = [a for a in waiting if inspect(a.event).persistent]
    db.info[_PENDING_KEY] = [a for a in waiting if not inspect(a.event).persistent]
    for announced in flushed:
        endpoints = _wanting(db, announced.kind)
        if not endpoints:
            continue
        ticket = announced.event.ticket
        data = {"ticket": ticket.id, "event": announced.event.id, **announced.snapshot}
        text = body(announced.kind, announced.event.created_at, data)
        for endpoint in endpoints:
            queue_delivery(
                db,
                endpoint,
                key=delivery_key(endpoint.id, announced.event.id),
                kind=announced.kind,
                text=text,
                conversation_id=ticket.conversation_id,
            )


def _forget_rolled_back(db: Session, _previous: Any) -> None:
    """A rollback takes its unflushed events with it (they are no longer pending)."""
    waiting: list[_Announced] = db.info.get(_PENDING_KEY, [])
    if waiting:
        db.info[_PENDING_KEY] = [a for a in waiting if inspect(a.event).pending]


orm_event.listen(Session, "after_flush_postexec", _queue_flushed)
orm_event.listen(Session, "after_soft_rollback", _forget_rolled_back)
