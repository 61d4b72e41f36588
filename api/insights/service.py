"""What the assistant and the agents did over a period: SQL aggregates over
conversations, messages and tickets (SQLite and PostgreSQL alike).

A conversation counts in the period it was started; a ticket in the period
it was opened; a feedback answer in the period it was asked. Days are UTC days.

Ticket durations are read from the audit log (every resolve, undo and reopen is
there, with its time) and counted in working time, as the SLA is: office hours
on working days, Swedish holidays off, every hour for a queue open around the
clock (bot/hours.py).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from statistics import mean, median
from typing import Any

import yaml
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from api.agents.models import Agent
from api.config import ROOT
from api.conversations.models import Conversation, Message
from api.database import utcnow
from api.errors import DomainError
from api.feedback.models import Feedback
from api.insights.models import UnansweredDismissal
from api.insights.schemas import (
    CsatFigure,
    Dashboard,
    DayCount,
    DurableSummary,
    DurationFigure,
    HandoffCount,
    ReopenSummary,
    SlaSummary,
    TopicCount,
    UnansweredCount,
)
from api.knowledge.models import KnowledgeDraft
from api.knowledge.service import new_draft
from api.queues.schemas import Texts
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from bot.hours import office_hours, queue_is_always_open
from bot.knowledge.articles import load_articles
from bot.knowledge.text import folded
from bot.language import SUPPORTED
from bot.redaction import EMAIL_MASK, HETU_MASK, PHONE_MASK, PNR_MASK

TOP = 10
QUESTION_ID_CHARS = 16
# At most this many words beside a phone number or e-mail address, and it is
# contact details ("Anna Berg, nå mig på [telefon]"), not a question.
CONTACT_WORDS = 6
_MASKS = (PHONE_MASK, EMAIL_MASK, PNR_MASK, HETU_MASK)
_WORD = re.compile(r"[^\W\d_]+")
# What the assistant does with a message that can go unanswered; any other turn
# decision (an answer, small talk, a cancelled form) is not a question left open.
_QUESTION_DECISIONS = ("no_answer", "handoff")
_DOMAIN = ROOT / "domain.yml"
EVER = datetime(2000, 1, 1, tzinfo=UTC)


class QuestionNotFound(DomainError):
    status_code = 404
    code = "question_not_found"
    message = "No unanswered question with that id."


class QuestionDismissed(DomainError):
    """The entry was dismissed, or turned into a draft, already."""

    status_code = 409
    code = "question_dismissed"
    message = "This question has been dismissed or turned into a draft already."


@dataclass
class QuestionGroup:
    """User messages the assistant could not answer, with the same normalised text."""

    id: str
    text: str
    language: str
    count: int
    last_seen: datetime


def normalised(text: str) -> str:
    """Lower case, å/ä/ö folded, whitespace collapsed, end punctuation dropped."""
    return " ".join(folded(text).split()).strip(" ?!.,;:")


def question_id(text: str) -> str:
    """The entry's stable id: the same normalised text, the same id."""
    return hashlib.sha256(normalised(text).encode()).hexdigest()[:QUESTION_ID_CHARS]


def is_contact_details(text: str) -> bool:
    """Mostly a name and a phone number or e-mail address (masked, as stored)."""
    if not any(mask in text for mask in _MASKS):
        return False
    rest = text
    for mask in _MASKS:
        rest = rest.replace(mask, " ")
    return not rest.rstrip().endswith("?") and len(_WORD.findall(rest)) <= CONTACT_WORDS


@cache
def form_questions() -> frozenset[str]:
    """What the hand-off form asks (the `utter_ask_*` responses of domain.yml, every
    language), normalised: a message answering one of them is a form answer."""
    if not _DOMAIN.exists():
        return frozenset()
    responses = yaml.safe_load(_DOMAIN.read_text(encoding="utf-8")).get("responses") or {}
    return frozenset(
        normalised(str(variant.get("text", "")))
        for name, variants in responses.items()
        if name.startswith("utter_ask_")
        for variant in variants or []
    )


def unanswered(
    *, db: Session, since: datetime, limit: int | None, dismissed: bool = False
) -> list[QuestionGroup]:
    """The questions the assistant had no answer to since `since`, most frequent first:
    not form answers (what the user typed while the hand-off form asked, or while
    their case was open), not contact details, and (unless `dismissed`) not the
    entries an admin has dismissed."""
    gone = set() if dismissed else set(db.scalars(select(UnansweredDismissal.key)))
    groups: dict[str, QuestionGroup] = {}
    for text, language, created_at, asked in db.execute(_question_rows(since)):
        if is_contact_details(text) or (asked and normalised(asked) in form_questions()):
            continue
        key = question_id(text)
        if key in gone:
            continue
        group = groups.get(key)
        if group is None:
            groups[key] = QuestionGroup(key, text, language, 1, created_at)
        else:  # later rows are newer: keep the latest wording
            group.text, group.language, group.last_seen = text, language, created_at
            group.count += 1
    ranked = sorted(groups.values(), key=lambda g: (-g.count, -g.last_seen.timestamp()))
    return ranked[:limit]


def _question_rows(since: datetime) -> Select[str, str, datetime, str | None]:
    """Unanswered user messages, oldest first, with what the assistant said just before."""
    earlier = aliased(Message)
    asked = (
        select(earlier.text)
        .where(
            earlier.conversation_id == Message.conversation_id,
            earlier.id < Message.id,
            earlier.author == "bot",
        )
        .order_by(earlier.id.desc())
        .limit(1)
        .correlate(Message)
        .scalar_subquery()
    )
    case_open = exists().where(
        Ticket.conversation_id == Message.conversation_id,
        Ticket.created_at < Message.created_at,
        or_(Ticket.resolved_at.is_(None), Ticket.resolved_at > Message.created_at),
    )
    return (
        select(Message.text, Message.language, Message.created_at, asked)
        .where(
            Message.author == "user",
            Message.unanswered,
            Message.created_at >= since,
            or_(Message.decision.is_(None), Message.decision.in_(_QUESTION_DECISIONS)),
            ~case_open,
        )
        .order_by(Message.created_at, Message.id)
    )


def find_question(*, db: Session, key: str) -> QuestionGroup:
    """The entry with id `key`, over all time, dismissed or not (QuestionNotFound)."""
    found = unanswered(db=db, since=EVER, limit=None, dismissed=True)
    group = next((g for g in found if g.id == key), None)
    if group is None:
        raise QuestionNotFound
    return group


def dismiss(*, db: Session, key: str, admin: Agent) -> UnansweredDismissal:
    """No longer list the entry (dismissing it twice is the first dismissal)."""
    existing = _dismissal(db, key)
    if existing is not None:
        return existing
    group = find_question(db=db, key=key)
    return _dismissed(db, group, admin, draft_id=None)


def draft_from(
    *, db: Session, key: str, admin: Agent, language: str, title: str, answer: str
) -> KnowledgeDraft:
    """An article draft with the entry's question and the admin's answer (no ticket),
    proposed like any other; the entry is no longer listed."""
    if _dismissal(db, key) is not None:
        raise QuestionDismissed
    group = find_question(db=db, key=key)
    draft = new_draft(
        db=db, agent=admin, language=language, title=title, question=group.text, answer=answer
    )
    _dismissed(db, group, admin, draft_id=draft.id)
    return draft


def _dismissal(db: Session, key: str) -> UnansweredDismissal | None:
    query = select(UnansweredDismissal).where(UnansweredDismissal.key == key)
    return db.scalars(query).first()


def _dismissed(
    db: Session, group: QuestionGroup, admin: Agent, draft_id: int | None
) -> UnansweredDismissal:
    row = UnansweredDismissal(
        key=group.id,
        text=group.text,
        language=group.language,
        dismissed_by=admin.username,
        draft_id=draft_id,
    )
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:  # dismissed at the same moment by another admin
        if draft_id is not None:
            raise QuestionDismissed from None
        existing = _dismissal(db, group.id)
        assert existing is not None
        return existing
    db.commit()
    return row


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
            UnansweredCount(id=g.id, text=g.text, count=g.count)
            for g in unanswered(db=db, since=since, limit=TOP)
        ],
        csat=_csat(db, since, queues),
        **_ticket_times(db, tickets, now),
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
    return [TopicCount(topic=t, titles=topic_titles(t), count=n) for t, n in rows if t is not None]


def topic_titles(topic: str) -> Texts:
    """The topic's article title in each language (another language's where an article
    exists in some only, a learned FAQ for instance)."""
    titles = {a.language: a.title for a in load_articles() if a.topic == topic}
    fallback = next(iter(titles.values()), topic)
    return Texts(**{lang: titles.get(lang, fallback) for lang in SUPPORTED})


# ---- customer feedback and ticket durations ----------------------------------------

DURABLE_DAYS = 7  # a resolution not reopened within this is durable
SATISFIED = 4  # scores 4 and 5
_MINUTE = timedelta(minutes=1)


def _csat(db: Session, since: datetime, queues: Collection[str] | None) -> list[CsatFigure]:
    """Answers per queue and kind (assistant alone, with a person), of the queues given."""
    answered = and_(Feedback.score.is_not(None), Feedback.asked_at >= since)
    if queues is not None:
        answered = and_(answered, Feedback.queue.in_(list(queues)))
    rows = db.execute(
        select(
            Feedback.queue,
            Feedback.kind,
            func.count(),
            func.avg(Feedback.score),
            func.count(case((Feedback.score >= SATISFIED, 1))),
        )
        .where(answered)
        .group_by(Feedback.queue, Feedback.kind)
        .order_by(Feedback.queue, Feedback.kind)
    )
    return [
        CsatFigure(
            queue=queue,
            kind=kind,
            count=n,
            mean=round(float(average), 2),
            satisfied_share=satisfied / n,
        )
        for queue, kind, n, average, satisfied in rows
    ]


def working_time(start: datetime, end: datetime, queue: str) -> timedelta:
    """The time between `start` and `end` that `queue` is staffed: all of it for a
    queue open around the clock, else the office hours of the working days between."""
    if end <= start:
        return timedelta(0)
    if queue_is_always_open(queue):
        return end - start
    hours = office_hours()
    day, last = start.astimezone(hours.zone).date(), end.astimezone(hours.zone).date()
    total = timedelta(0)
    while day <= last:
        total += _open_part(day, start, end)
        day += timedelta(days=1)
    return total


def _open_part(day: date, start: datetime, end: datetime) -> timedelta:
    hours = office_hours()
    if not hours.is_working_day(day):
        return timedelta(0)
    opens = datetime.combine(day, hours.opens, hours.zone)
    closes = datetime.combine(day, hours.closes, hours.zone)
    return max(timedelta(0), min(end, closes) - max(start, opens))


@dataclass
class _History:
    """One ticket's resolutions, as its audit log tells them."""

    queue: str
    priority: int
    created_at: datetime
    first_reply_at: datetime | None = None
    # (started: created or reopened, resolved) of each resolve that was not undone
    resolutions: list[tuple[datetime, datetime]] = field(default_factory=list)
    reopens: list[datetime] = field(default_factory=list)


def _histories(db: Session, tickets: ColumnElement[bool]) -> list[_History]:
    found: dict[int, _History] = {}
    for ticket_id, queue, priority, created_at in db.execute(
        select(Ticket.id, Ticket.queue, Ticket.priority, Ticket.created_at).where(tickets)
    ):
        found[ticket_id] = _History(queue, priority, created_at)
    events = db.execute(
        select(AuditEvent.ticket_id, AuditEvent.action, AuditEvent.created_at)
        .where(AuditEvent.ticket_id.in_(select(Ticket.id).where(tickets)))
        .order_by(AuditEvent.ticket_id, AuditEvent.created_at, AuditEvent.id)
    )
    started: dict[int, datetime] = {}
    for ticket_id, action, at in events:
        _follow(found[ticket_id], started, ticket_id, action, at)
    return list(found.values())


def _follow(
    history: _History, started: dict[int, datetime], ticket_id: int, action: str, at: datetime
) -> None:
    """One audit event of a ticket into its history (events in order)."""
    if action == "replied" and history.first_reply_at is None:
        history.first_reply_at = at
    elif action == "resolved":
        history.resolutions.append((started.get(ticket_id, history.created_at), at))
    elif action == "resolve_undone" and history.resolutions:
        history.resolutions.pop()  # never told: it did not happen for the user
    elif action == "reopened":
        history.reopens.append(at)
        started[ticket_id] = at


def _ticket_times(db: Session, tickets: ColumnElement[bool], now: datetime) -> dict[str, Any]:
    histories = _histories(db, tickets)
    first = [
        (h.queue, h.priority, working_time(h.created_at, h.first_reply_at, h.queue))
        for h in histories
        if h.first_reply_at is not None
    ]
    resolution = [
        (h.queue, h.priority, working_time(begun, done, h.queue))
        for h in histories
        for begun, done in h.resolutions
    ]
    return {
        "first_response": _durations(first),
        "resolution": _durations(resolution),
        "reopens": _reopens(histories),
        "durable": _durable(histories, now),
    }


def _durations(rows: Iterable[tuple[str, int, timedelta]]) -> list[DurationFigure]:
    grouped: dict[tuple[str, int], list[float]] = defaultdict(list)
    for queue, priority, took in rows:
        grouped[(queue, priority)].append(took / _MINUTE)
    return [
        DurationFigure(
            queue=queue,
            priority=priority,
            count=len(minutes),
            mean_minutes=round(mean(minutes), 1),
            median_minutes=round(median(minutes), 1),
        )
        for (queue, priority), minutes in sorted(grouped.items())
    ]


def _reopens(histories: list[_History]) -> ReopenSummary:
    resolved = [h for h in histories if h.resolutions]
    reopened = sum(1 for h in resolved if h.reopens)
    return ReopenSummary(
        resolved=len(resolved),
        reopened=reopened,
        rate=reopened / len(resolved) if resolved else None,
    )


def _durable(histories: list[_History], now: datetime) -> DurableSummary:
    """Each resolution judged once it is DURABLE_DAYS old: durable if no reopen came
    within that time after it."""
    window = timedelta(days=DURABLE_DAYS)
    judged = durable = waiting = 0
    for history in histories:
        for _begun, done in history.resolutions:
            if done > now - window:
                waiting += 1
                continue
            judged += 1
            durable += not any(done < r <= done + window for r in history.reopens)
    return DurableSummary(
        days=DURABLE_DAYS,
        judged=judged,
        durable=durable,
        share=durable / judged if judged else None,
        not_yet_judged=waiting,
    )
