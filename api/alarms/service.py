"""Raise alarms on tickets that cannot wait, and tell the queue's people through the outbox.

Until now an SLA breach only wrote an "escalated" line that nobody read. Now a
breach, or a new priority-1 ticket, raises an alarm (api/alarms/models.py) in
the same transaction as its cause, and telling it is a second step, run by the
due-time watcher: a mail to the queue's desk (bot/data/alarms.yml, overridden
by VIOL3_ALARM_EMAILS), and for priority 1 outside office hours an SMS to the
on-call number (FMC). Agents of the queue see it in the console at once, read
from the alarm itself (`alerts_for`).

Once per ticket and event: the alarm's key is unique, one process takes an
alarm to tell by setting `told_at` in a conditional UPDATE, and every outbox
row has a key of its own (`alarm-breach-42-email`), so neither a second check
nor a second process sends anything twice. What was told is written to the
ticket's audit log, by channel and desk, never with the address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.addresses import pseudonym, seal
from api.agents.models import Agent, AgentRole
from api.alarms.models import Alarm, AlarmKind
from api.config import Settings
from api.database import utcnow
from api.outbox.service import enqueue_to
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from bot.hours import office_hours
from bot.knowledge.facts import load

log = logging.getLogger(__name__)

_DATA = Path(__file__).resolve().parents[2] / "bot" / "data" / "alarms.yml"
# The description in a mail: enough to judge the case, not a whole transcript.
DESCRIPTION_CHARS: Final = 1000
# Without a cursor the console is shown what is still fresh, not the whole history.
FRESH: Final = timedelta(hours=1)


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return data


def _text(name: str, **params: Any) -> str:
    template: str = _data()["texts"][name]
    return template.format(**params)


def alarm_email(queue: str, settings: Settings) -> str | None:
    """The desk mailbox a queue's alarms go to: the deployment's, else the data's."""
    configured: str | None = settings.alarm_emails.get(queue) or _data()["alarm_email"].get(queue)
    return configured


def on_call_number(settings: Settings) -> str:
    """Where priority 1 goes by SMS outside office hours: FMC's number (E.164)."""
    number: str = settings.fmc_phone_number or _data()["on_call_sms"]
    return number


def ticket_link(settings: Settings, ticket_id: int) -> str:
    """The console's address of the ticket (its hash route `#/ticket/<id>`)."""
    return f"{settings.public_url.rstrip('/')}/console#/ticket/{ticket_id}"


def _alarm_key(ticket: Ticket, kind: AlarmKind) -> str:
    # A reopened ticket has a fresh SLA clock, and its new breach is a new event.
    if kind == AlarmKind.BREACH and ticket.reopened_at is not None:
        return f"{kind}-{ticket.id}-{int(ticket.reopened_at.timestamp())}"
    return f"{kind}-{ticket.id}"


def raise_alarm(*, db: Session, ticket: Ticket, kind: AlarmKind, now: datetime) -> Alarm | None:
    """Record that `ticket`'s queue must be told of `kind`, once; None if it was
    already raised. The ticket must have its id (flushed); the caller commits."""
    key = _alarm_key(ticket, kind)
    if db.scalars(select(Alarm.id).where(Alarm.key == key)).first() is not None:
        return None
    alarm = Alarm(
        key=key,
        ticket=ticket,
        kind=kind,
        queue=ticket.queue,
        priority=ticket.priority,
        due_at=ticket.due_at,
        raised_at=now,
    )
    try:
        with db.begin_nested():
            db.add(alarm)
    except IntegrityError:  # raised at the same moment by another process
        return None
    return alarm


@dataclass(frozen=True)
class Told:
    """One message of an alarm, as the audit log keeps it: channel and whom, no address."""

    channel: str
    to: str
    outbox_id: int


def tell_pending(
    *, db: Session, settings: Settings, secret: bytes, now: datetime | None = None
) -> list[Alarm]:
    """Put every untold alarm's mail (and SMS) in the outbox, each alarm by one
    process only, with its audit line; the alarms told here."""
    now = now or utcnow()
    pending = db.scalars(select(Alarm.id).where(Alarm.told_at.is_(None)).order_by(Alarm.id)).all()
    told: list[Alarm] = []
    for alarm_id in pending:
        won = db.execute(
            update(Alarm).where(Alarm.id == alarm_id, Alarm.told_at.is_(None)).values(told_at=now)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            db.rollback()
            continue
        alarm = db.get(Alarm, alarm_id)
        assert alarm is not None
        messages = _tell(db, alarm, settings, secret)
        db.add(
            AuditEvent(
                ticket_id=alarm.ticket_id,
                actor="system",
                action="alarmed",
                detail={"alarm": str(alarm.kind), "told": [vars(m) for m in messages]},
            )
        )
        db.commit()
        told.append(alarm)
    return told


def _tell(db: Session, alarm: Alarm, settings: Settings, secret: bytes) -> list[Told]:
    """The alarm's outbox rows: the desk's mail, and the on-call SMS where it is due."""
    ticket = alarm.ticket
    params = _params(alarm, settings)
    messages: list[Told] = []
    address = alarm_email(alarm.queue, settings)
    if address is None or address == settings.mail_address:
        # Sent to the address the assistant reads, it would come back as a new case.
        log.warning("alarm %s: no usable alarm mailbox for queue %s", alarm.key, alarm.queue)
    else:
        key = f"alarm-{alarm.key}-email"
        row = enqueue_to(
            db=db,
            conversation=ticket.conversation,
            channel="email",
            recipient=f"alarm:{alarm.queue}",
            sealed_address=seal(secret, address),
            text=_text("body", lead=_text(f"{alarm.kind}_lead", **params), **params),
            kind="alarm",
            key=key,
            headers={
                "Subject": _text(f"{alarm.kind}_subject", **params),
                "Message-ID": f"<{key}@{_mail_domain(settings)}>",
                "Auto-Submitted": "auto-generated",
            },
        )
        db.flush()
        messages.append(Told("email", f"desk mailbox of {alarm.queue}", row.id))
    if alarm.priority == 1 and not office_hours().is_open(alarm.raised_at):
        # Keyed by the number's pseudonym, so the per-number SMS limit counts these
        # too: a storm of alarms cannot run up the costs.
        number = on_call_number(settings)
        row = enqueue_to(
            db=db,
            conversation=ticket.conversation,
            channel="sms",
            recipient=pseudonym(secret, "sms", number),
            sealed_address=seal(secret, number),
            text=_text(f"{alarm.kind}_sms", **params),
            kind="alarm",
            key=f"alarm-{alarm.key}-sms",
        )
        db.flush()
        messages.append(Told("sms", "on-call (FMC)", row.id))
    return messages


def _params(alarm: Alarm, settings: Settings) -> dict[str, Any]:
    names = {a["queue"]: a["name"]["sv"] for a in load("opening_hours")["areas"]}
    due = alarm.due_at.astimezone(office_hours().zone)
    description = alarm.ticket.description
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1].rstrip() + "…"
    return {
        "ticket": alarm.ticket_id,
        "queue": alarm.queue,
        "queue_name": names.get(alarm.queue, alarm.queue),
        "priority": alarm.priority,
        "due": due.strftime("%Y-%m-%d %H:%M"),
        "description": description,
        "link": ticket_link(settings, alarm.ticket_id),
    }


def _mail_domain(settings: Settings) -> str:
    if settings.mail_address and "@" in settings.mail_address:
        return settings.mail_address.rsplit("@", 1)[1]
    return "viol3-assist.invalid"


def alerts_for(
    *,
    db: Session,
    agent: Agent,
    after: int | None,
    limit: int,
    queue: str | None = None,
    now: datetime | None = None,
) -> list[Alarm]:
    """The alarms after id `after` (without it: of the last hour) on the unresolved
    tickets of the agent's queues (an admin's: every queue), oldest first. The
    ticket's queue now counts: after a transfer, its new queue is alerted."""
    query = (
        select(Alarm)
        .join(Ticket, Ticket.id == Alarm.ticket_id)
        .where(Ticket.status != TicketStatus.RESOLVED)
        .order_by(Alarm.id)
        .limit(limit)
    )
    if agent.role != AgentRole.ADMIN:
        query = query.where(Ticket.queue.in_(agent.queues))
    if queue is not None:
        query = query.where(Ticket.queue == queue)
    if after is not None:
        query = query.where(Alarm.id > after)
    else:
        query = query.where(Alarm.raised_at >= (now or utcnow()) - FRESH)
    return list(db.scalars(query))


def last_alert_id(*, db: Session, agent: Agent) -> int:
    """The newest alarm id the agent could be shown: where the console's polling starts."""
    query = select(Alarm.id).join(Ticket, Ticket.id == Alarm.ticket_id)
    if agent.role != AgentRole.ADMIN:
        query = query.where(Ticket.queue.in_(agent.queues))
    return int(db.scalars(query.order_by(Alarm.id.desc())).first() or 0)
