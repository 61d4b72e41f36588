"""What the assistant and the agents did over a period: SQL aggregates over
conversations, messages and tickets (SQLite and PostgreSQL alike).

A conversation counts in the period it was started; a ticket in the period
it was opened. Days are UTC days.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.conversations.models import Conversation, Message
from api.database import utcnow
from api.insights.schemas import (
    Dashboard,
    DayCount,
    HandoffCount,
    SlaSummary,
    TopicCount,
    UnansweredCount,
)
from api.tickets.models import Ticket, TicketStatus
from bot.knowledge.text import folded

TOP = 10


@dataclass
class QuestionGroup:
    """User messages the assistant could not answer, with the same normalised text."""

    text: str
    language: str
    count: int
    last_seen: datetime


def normalised(text: str) -> str:
    """Lower case, å/ä/ö folded, whitespace collapsed, end punctuation dropped."""
    return " ".join(folded(text).split()).strip(" ?!.,;:")


def unanswered(*, db: Session, since: datetime, limit: int) -> list[QuestionGroup]:
    """The questions the assistant had no answer to since `since`, most frequent first."""
    query = (
        select(Message.text, Message.language, Message.created_at)
        .where(Message.author == "user", Message.unanswered, Message.created_at >= since)
        .order_by(Message.created_at, Message.id)
    )
    groups: dict[str, QuestionGroup] = {}
    for text, language, created_at in db.execute(query):
        key = normalised(text)
        group = groups.get(key)
        if group is None:
            groups[key] = QuestionGroup(text, language, 1, created_at)
        else:  # later rows are newer: keep the latest wording
            group.text, group.language, group.last_seen = text, language, created_at
            group.count += 1
    ranked = sorted(groups.values(), key=lambda g: (-g.count, -g.last_seen.timestamp()))
    return ranked[:limit]


def dashboard(
    *, db: Session, days: int, queues: Collection[str] | None = None, now: datetime | None = None
) -> Dashboard:
    """Conversations, self-service, hand-offs, SLA and topics over the last `days` days.

    The hand-off and SLA figures count the tickets of `queues` only (None: every
    queue, for an admin): an agent learns nothing of other queues' tickets. The
    conversation and topic counts are the whole service's."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    in_period = Conversation.created_at >= since
    tickets = Ticket.created_at >= since
    if queues is not None:
        tickets = and_(tickets, Ticket.queue.in_(list(queues)))
    return Dashboard(
        days=_per_day(db, in_period),
        by_channel=_counted_by(db, Conversation.channel, in_period),
        by_language=_counted_by(db, Conversation.language, in_period),
        self_service_share=_self_service_share(db, in_period),
        handoffs=_handoffs(db, tickets),
        sla=_sla(db, tickets, now),
        top_topics=_top_topics(db, since),
        top_unanswered=[
            UnansweredCount(text=g.text, count=g.count)
            for g in unanswered(db=db, since=since, limit=TOP)
        ],
    )


def _per_day(db: Session, in_period: ColumnElement[bool]) -> list[DayCount]:
    day = func.date(Conversation.created_at)  # a string on SQLite, a date on PostgreSQL
    rows = db.execute(select(day, func.count()).where(in_period).group_by(day).order_by(day))
    return [DayCount(day=str(d), conversations=n) for d, n in rows]


def _counted_by(
    db: Session, column: InstrumentedAttribute[str], in_period: ColumnElement[bool]
) -> dict[str, int]:
    rows = db.execute(
        select(column, func.count()).where(in_period).group_by(column).order_by(column)
    )
    return {key: n for key, n in rows}


def _self_service_share(db: Session, in_period: ColumnElement[bool]) -> float | None:
    """Conversations that never reached a person, of all conversations in the period."""
    handed_off = exists().where(Ticket.conversation_id == Conversation.id)
    total, self_served = db.execute(
        select(func.count(), func.count(case((~handed_off, 1)))).where(in_period)
    ).one()
    return self_served / total if total else None


def _handoffs(db: Session, tickets: ColumnElement[bool]) -> list[HandoffCount]:
    rows = db.execute(
        select(Ticket.queue, Ticket.priority, func.count())
        .where(tickets)
        .group_by(Ticket.queue, Ticket.priority)
        .order_by(Ticket.queue, Ticket.priority)
    )
    return [HandoffCount(queue=q, priority=p, count=n) for q, p, n in rows]


def _sla(db: Session, tickets: ColumnElement[bool], now: datetime) -> SlaSummary:
    """The `tickets` (opened in the period) against their due times (bot/sla.py `is_breached`)."""
    resolved = Ticket.status == TicketStatus.RESOLVED
    met, breached, open_breached = db.execute(
        select(
            func.count(case((and_(resolved, Ticket.resolved_at <= Ticket.due_at), 1))),
            func.count(case((and_(resolved, Ticket.resolved_at > Ticket.due_at), 1))),
            func.count(case((and_(~resolved, Ticket.due_at < now), 1))),
        ).where(tickets)
    ).one()
    judged = met + breached + open_breached
    return SlaSummary(
        met=met,
        breached=breached,
        open_breached=open_breached,
        compliance=met / judged if judged else None,
    )


def _top_topics(db: Session, since: datetime) -> list[TopicCount]:
    count = func.count().label("n")
    rows = db.execute(
        select(Message.topic, count)
        .where(Message.author == "user", Message.topic.is_not(None), Message.created_at >= since)
        .group_by(Message.topic)
        .order_by(count.desc(), Message.topic)
        .limit(TOP)
    )
    return [TopicCount(topic=t, count=n) for t, n in rows if t is not None]
