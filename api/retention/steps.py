"""Anonymising a set of conversations and their tickets, one table at a time.

Both the daily job (conversations past their time) and an erasure request
(one person's conversations) come here: each step takes the conversations and
tickets in scope, changes or deletes its table's rows, and says how many. What
statistics read stays (a conversation's channel, language and times; a
message's author, topic, intent and time; a ticket's queue, priority, channel,
language, status and times; the audit log's actions); what was said, and how
to reach the person, goes. The caller commits, then removes the files named in
`Scope.files` (a rolled-back transaction must not have lost a file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, delete, literal, or_, select, update
from sqlalchemy.orm import Session

from api.attachments.models import Attachment
from api.conversations.models import Conversation, Message
from api.feedback.models import Feedback
from api.incidents.models import IncidentNotice
from api.mail.models import MailMessage
from api.outbox.models import OutboxMessage, OutboxStatus
from api.tickets.models import AuditEvent, Ticket

# A conversation's sender once it is anonymised: it finds no one again, and a
# person who writes once more starts a new conversation.
ANONYMISED = "anonymised:"
# Audit detail keys that hold what someone wrote (a note, a reason): dropped. The
# rest (queues, priorities, ids, times) is the case's history, and stays.
TEXT_KEYS = frozenset({"text", "reason", "note", "comment", "description", "subject", "told"})


@dataclass
class Scope:
    """The rows one anonymisation covers, and what it left to do after the commit."""

    conversation_ids: list[int]
    ticket_ids: list[int]
    # An erasure withdraws messages not yet sent too; the daily job never deletes them.
    keep_pending: bool = True
    files: list[str] = field(default_factory=list)  # stored_as names, removed after commit


Step = Callable[[Session, Scope], int]


def tickets_of(db: Session, conversation_ids: list[int]) -> list[int]:
    """The ids of the tickets opened on these conversations."""
    if not conversation_ids:
        return []
    query = select(Ticket.id).where(Ticket.conversation_id.in_(conversation_ids))
    return list(db.scalars(query.order_by(Ticket.id)))


def _attachments(db: Session, scope: Scope) -> int:
    where = Attachment.conversation_id.in_(scope.conversation_ids)
    names = list(db.scalars(select(Attachment.stored_as).where(where)))
    db.execute(delete(Attachment).where(where))
    scope.files.extend(names)
    return len(names)


def _mail_records(db: Session, scope: Scope) -> int:
    # Before the outbox: a mail record names its outbox row.
    result = db.execute(
        delete(MailMessage).where(MailMessage.conversation_id.in_(scope.conversation_ids))
    )
    return _count(result)


def _outbox(db: Session, scope: Scope) -> int:
    query = delete(OutboxMessage).where(OutboxMessage.conversation_id.in_(scope.conversation_ids))
    if scope.keep_pending:
        query = query.where(OutboxMessage.status.in_(FINISHED_OUTBOX))
    return _count(db.execute(query))


def _messages(db: Session, scope: Scope) -> int:
    """Blank what was said; keep the row (author, topic, intent, time) for statistics.
    An unanswered question leaves the unanswered list: its entries are the words."""
    result = db.execute(
        update(Message)
        .where(Message.conversation_id.in_(scope.conversation_ids))
        .values(text="", sealed_original=None, unanswered=False)
    )
    return _count(result)


def _tickets(db: Session, scope: Scope) -> int:
    if not scope.ticket_ids:
        return 0
    result = db.execute(
        update(Ticket)
        .where(Ticket.id.in_(scope.ticket_ids))
        .values(description="", subject=None, contact=None, order=None, triage_reasons=[])
    )
    return _count(result)


def _audit_texts(db: Session, scope: Scope) -> int:
    if not scope.ticket_ids:
        return 0
    changed = 0
    events = db.scalars(select(AuditEvent).where(AuditEvent.ticket_id.in_(scope.ticket_ids)))
    for event in events:
        kept = without_texts(event.detail)
        if kept != event.detail:
            event.detail = kept
            changed += 1
    db.flush()
    return changed


def without_texts(detail: dict[str, Any]) -> dict[str, Any]:
    """An audit event's detail without what someone wrote."""
    return {key: value for key, value in (detail or {}).items() if key not in TEXT_KEYS}


def _feedback_comments(db: Session, scope: Scope) -> int:
    """The user's comment goes; the score stays (CSAT per queue)."""
    mine = or_(
        Feedback.conversation_id.in_(scope.conversation_ids),
        Feedback.ticket_id.in_(scope.ticket_ids or [0]),
    )
    result = db.execute(
        update(Feedback).where(mine, Feedback.comment.is_not(None)).values(comment=None)
    )
    return _count(result)


def _incident_notices(db: Session, scope: Scope) -> int:
    """Which operating messages the person was told: nothing counts them."""
    result = db.execute(
        delete(IncidentNotice).where(IncidentNotice.conversation_id.in_(scope.conversation_ids))
    )
    return _count(result)


def _conversations(db: Session, scope: Scope) -> int:
    result = db.execute(
        update(Conversation)
        .where(Conversation.id.in_(scope.conversation_ids))
        .values(
            sender=literal(ANONYMISED) + cast(Conversation.id, String),
            reply_address=None,
            offered_choices=None,
            token_hash=None,
        )
    )
    return _count(result)


FINISHED_OUTBOX = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.WITHDRAWN)

# In order: rows that point at others go before them. Other parts' tables that
# belong to a conversation or ticket add their steps here (see docs/retention.md).
STEPS: list[tuple[str, Step]] = [
    ("attachments", _attachments),
    ("mail_records", _mail_records),
    ("outbox", _outbox),
    ("messages", _messages),
    ("audit_events", _audit_texts),
    ("tickets", _tickets),
    ("feedback_comments", _feedback_comments),
    ("incident_notices", _incident_notices),
    ("conversations", _conversations),
]


def anonymise(db: Session, scope: Scope) -> dict[str, int]:
    """Apply every step to `scope`; rows changed or deleted per kind (uncommitted)."""
    if not scope.conversation_ids:
        return {}
    return {name: step(db, scope) for name, step in STEPS}


def remove_files(folder: Path, names: list[str]) -> int:
    """Delete the attachments' bytes (after the commit); how many were there."""
    removed = 0
    for name in names:
        try:
            (folder / name).unlink()
            removed += 1
        except FileNotFoundError:  # removed by hand, or by an earlier try
            continue
    return removed


def _count(result: Any) -> int:
    return int(result.rowcount or 0)
