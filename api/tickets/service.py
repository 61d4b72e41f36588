"""Tickets: the moves between their states, and the work on them, each written to
the audit log with who did it.

Every change of status goes through `_move` and the table `TRANSITIONS`, as in
Dispatch's case flows: one place sets and clears the status timestamps, hands
the conversation to the assistant or back to people, and writes the event. The
same table says which work a status allows (reply, note, priority) and so which
actions a ticket offers an agent (`actions_for`).

A resolve can be undone for a short while (`resolve_undo_seconds`): its notice
to the user is told only once that window has passed (the web chat shows a
message from its `created_at` on, the outbox sends from `next_attempt_at`), and
an undo withdraws it, so an undone resolve is never told.

Who may do what: an agent sees and works the tickets of their queues only (any
other ticket is "not found", so its existence is not told); an admin sees all.
A claimed ticket is worked (reply, note, reveal, transfer, priority, resolve,
release) by its agent or an admin only.

Due times come from the stored `created_at` and priority (bot/sla.py), and
breaches from stored times, so a restart changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.addresses import AddressUnreadable, seal, unseal
from api.agents.models import Agent, AgentRole
from api.alarms.models import AlarmKind
from api.alarms.service import raise_alarm
from api.config import Settings
from api.conversations.models import Conversation, ConversationState, Message, MessageStatus
from api.database import utcnow
from api.errors import DomainError
from api.feedback.service import ask_after_resolve, withdraw_question
from api.outbox.service import enqueue, withdraw
from api.queues.service import known_queues
from api.tickets.models import AuditEvent, Ticket, TicketStatus
from api.webhooks.events import announce as announce_to_webhooks
from bot.redaction import redact
from bot.replies import reply as text_for
from bot.sla import due_at, is_breached
from bot.triage import Triage


class TicketError(DomainError):
    """A ticket operation that cannot be done."""

    code = "ticket_error"
    message = "That cannot be done."


class TicketNotFound(TicketError):
    """No such ticket, or one outside the agent's queues (not told apart)."""

    status_code = 404
    code = "ticket_not_found"
    message = "No such ticket."


class AlreadyClaimed(TicketError):
    status_code = 409
    code = "already_claimed"
    message = "Another agent has already claimed this ticket."


class InvalidTransition(TicketError):
    """Not in this status; the detail says what is wrong."""

    status_code = 409
    code = "invalid_transition"
    message = "That cannot be done to this ticket now."


class NotYourTicket(TicketError):
    """Another agent has claimed the ticket; only they (or an admin) may work on it."""

    status_code = 403
    code = "not_your_ticket"
    message = "Another agent has claimed this ticket."


class NotYourQueue(TicketError):
    """The agent is not a member of the queue (the queues themselves are public)."""

    status_code = 403
    code = "not_your_queue"
    message = "You are not a member of this queue."


class NothingToReveal(TicketError):
    """No message with that id in the ticket's conversation had anything masked."""

    status_code = 404
    code = "nothing_to_reveal"
    message = "No masked message with that id in this ticket."


class UndoWindowPassed(TicketError):
    """A resolve is undone only for a short while, before its notice reaches the user."""

    status_code = 409
    code = "undo_window_passed"
    message = "Too late to undo: the user has been told the case is resolved. Reopen it instead."


class TicketAction(StrEnum):
    """What agents (and users) do to a ticket; the value is the audit event's action,
    the member's name in lower case the API's (`actions` on a ticket: claim, release,
    reply, note, transfer, priority, resolve, undo_resolve, reopen)."""

    CLAIM = "claimed"
    RELEASE = "released"
    REPLY = "replied"
    NOTE = "note"
    TRANSFER = "transferred"
    PRIORITY = "priority_changed"
    RESOLVE = "resolved"
    UNDO_RESOLVE = "resolve_undone"
    REOPEN = "reopened"

    @property
    def api_name(self) -> str:
        return self.name.lower()


_OPEN, _CLAIMED, _RESOLVED = TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.RESOLVED

# (status now, action) -> status after. Whatever is not here is refused (409); the
# actions a ticket offers (`actions_for`) are read from here too. Work that does not
# move the ticket (reply, note, priority, a transfer that keeps the claim) stays in
# its status. A resolved ticket is not transferred nor re-prioritised: it is closed
# and the user was told so; it is reopened first if the case needs more work, so it
# cannot move on unnoticed. Undoing a resolve gives the ticket back to its agent.
TRANSITIONS: Final[dict[tuple[TicketStatus, TicketAction], TicketStatus]] = {
    (_OPEN, TicketAction.CLAIM): _CLAIMED,
    (_CLAIMED, TicketAction.RELEASE): _OPEN,
    (_OPEN, TicketAction.REPLY): _OPEN,
    (_CLAIMED, TicketAction.REPLY): _CLAIMED,
    (_OPEN, TicketAction.NOTE): _OPEN,
    (_CLAIMED, TicketAction.NOTE): _CLAIMED,
    (_RESOLVED, TicketAction.NOTE): _RESOLVED,
    (_OPEN, TicketAction.TRANSFER): _OPEN,
    (_CLAIMED, TicketAction.TRANSFER): _CLAIMED,
    (_OPEN, TicketAction.PRIORITY): _OPEN,
    (_CLAIMED, TicketAction.PRIORITY): _CLAIMED,
    (_OPEN, TicketAction.RESOLVE): _RESOLVED,
    (_CLAIMED, TicketAction.RESOLVE): _RESOLVED,
    (_RESOLVED, TicketAction.UNDO_RESOLVE): _CLAIMED,
    (_RESOLVED, TicketAction.REOPEN): _OPEN,
}

_WHY_NOT: Final[dict[TicketAction, str]] = {
    TicketAction.CLAIM: "Only a ticket waiting in its queue can be claimed.",
    TicketAction.RELEASE: "Only a claimed ticket can be released.",
    TicketAction.REPLY: "Reopen the ticket before replying.",
    TicketAction.NOTE: "No note can be added now.",
    TicketAction.TRANSFER: "A resolved ticket is not transferred: reopen it first.",
    TicketAction.PRIORITY: "A resolved ticket's priority is not changed: reopen it first.",
    TicketAction.RESOLVE: "The ticket is resolved already.",
    TicketAction.UNDO_RESOLVE: "Only a resolved ticket can have its resolve undone.",
    TicketAction.REOPEN: "Only a resolved ticket can be reopened.",
}


def _refusal(status: TicketStatus, action: TicketAction) -> TicketError:
    if action == TicketAction.CLAIM and status == _CLAIMED:
        return AlreadyClaimed()
    return InvalidTransition(_WHY_NOT[action])


def _check_allowed(ticket: Ticket, action: TicketAction) -> None:
    """Work that leaves the status as it is, if the table allows it in this status."""
    if (ticket.status, action) not in TRANSITIONS:
        raise _refusal(ticket.status, action)


def _stamps(
    ticket: Ticket, before: TicketStatus, after: TicketStatus, agent: Agent | None, now: datetime
) -> dict[str, Any]:
    """The columns a move sets: each status's timestamp on entering it, and back in
    the queue nobody has the ticket and no claim or resolve time is left on it."""
    if after == before:
        return {}
    if after == _CLAIMED:
        assert agent is not None, "a claim is an agent's"
        return {"assigned_agent_id": agent.id, "claimed_at": now, "resolved_at": None}
    if after == _RESOLVED:
        return {"resolved_at": now}
    values: dict[str, Any] = {"assigned_agent_id": None, "claimed_at": None}
    if before == _RESOLVED:  # reopened: a fresh SLA clock, which may escalate again
        values.update(
            resolved_at=None,
            escalated_at=None,
            reopened_at=now,
            due_at=due_at(ticket.priority, now),
        )
    return values


def _move(
    db: Session,
    ticket: Ticket,
    action: TicketAction,
    *,
    agent: Agent | None,
    now: datetime | None = None,
    changes: dict[str, Any] | None = None,
    **detail: Any,
) -> AuditEvent:
    """Apply `action` by the table, with `changes` to other columns, and write the
    audit event (returned); the caller commits. Two moves at once: the status is
    compared when it is written, so the second is refused as if it had come after
    the first."""
    before = ticket.status
    after = TRANSITIONS.get((before, action))
    if after is None:
        raise _refusal(before, action)
    values = {
        "status": after,
        **_stamps(ticket, before, after, agent, now or utcnow()),
        **(changes or {}),
    }
    won = db.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status == before).values(**values)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        db.refresh(ticket)
        raise _refusal(ticket.status, action)
    db.refresh(ticket)  # the relationships too (assigned_agent)
    if after == _RESOLVED:
        ticket.conversation.state = ConversationState.BOT
    elif before == _RESOLVED:
        ticket.conversation.state = ConversationState.HUMAN
    return _audit(db, ticket, action, agent, **detail)


def actions_for(
    *, ticket: Ticket, agent: Agent, undo_window: timedelta, now: datetime | None = None
) -> list[str]:
    """What `agent` can do to the ticket now, by the table (API names, in its order):
    nothing on a ticket another agent has claimed (unless an admin); undo_resolve
    only for whoever resolved it (or an admin), inside the undo window."""
    if not agent.sees(ticket.queue):
        return []
    if (
        ticket.status == _CLAIMED
        and agent.role != AgentRole.ADMIN
        and ticket.assigned_agent_id != agent.id
    ):
        return []
    offered = []
    for action in TicketAction:
        if (ticket.status, action) not in TRANSITIONS:
            continue
        if action == TicketAction.UNDO_RESOLVE and not _may_undo(ticket, agent, undo_window, now):
            continue
        offered.append(action.api_name)
    return offered


def _check_may_work_on(ticket: Ticket, agent: Agent) -> None:
    """A claimed ticket is its assignee's: two people must not answer one user at once,
    nor look into the personal data of a case someone else has."""
    if ticket.status != TicketStatus.CLAIMED or agent.role == AgentRole.ADMIN:
        return
    if ticket.assigned_agent_id != agent.id:
        raise NotYourTicket


def _audit(
    db: Session, ticket: Ticket, action: str, agent: Agent | None = None, **detail: Any
) -> AuditEvent:
    event = AuditEvent(
        ticket=ticket,
        agent_id=agent.id if agent else None,
        actor=agent.username if agent else detail.pop("actor", "system"),
        action=action,
        detail=detail,
    )
    db.add(event)
    # To the case register's webhooks, once the commit's flush gives it an id.
    announce_to_webhooks(db, event, ticket, agent)
    return event


def open_ticket(
    *,
    db: Session,
    conversation: Conversation,
    triage: Triage,
    description: str,
    contact: str | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> Ticket:
    """Hand a conversation to a human queue; the same key returns the same ticket."""
    existing = db.scalars(select(Ticket).where(Ticket.idempotency_key == idempotency_key)).first()
    if existing:
        return existing
    now = now or utcnow()
    ticket = Ticket(
        idempotency_key=idempotency_key,
        conversation=conversation,
        queue=triage.queue,
        priority=triage.priority,
        language=triage.language,
        channel=conversation.channel,
        description=redact(description),
        contact=contact,
        billable=triage.billable,
        triage_reasons=triage.stored_reasons,
        created_at=now,
        due_at=due_at(triage.priority, now),
    )
    db.add(ticket)
    conversation.state = ConversationState.HUMAN
    _audit(db, ticket, "opened", actor="bot", queue=ticket.queue, priority=ticket.priority)
    try:
        if ticket.priority == 1:  # the queue is told at once, not when it falls due
            db.flush()  # the ticket's id keys its alarm
            raise_alarm(db=db, ticket=ticket, kind=AlarmKind.PRIORITY1, now=now)
        db.commit()
    except IntegrityError:  # the same hand-off arrived twice at once
        db.rollback()
        return db.scalars(select(Ticket).where(Ticket.idempotency_key == idempotency_key)).one()
    return ticket


def get_ticket(*, db: Session, ticket_id: int, agent: Agent | None = None) -> Ticket:
    """The ticket; TicketNotFound if there is none, or if `agent` may not see it."""
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or (agent is not None and not agent.sees(ticket.queue)):
        raise TicketNotFound
    return ticket


def claim(*, db: Session, ticket: Ticket, agent: Agent, now: datetime | None = None) -> Ticket:
    """Take an open ticket; when two agents claim at once, exactly one wins."""
    _move(db, ticket, TicketAction.CLAIM, agent=agent, now=now)
    db.commit()
    return ticket


def resolve(
    *,
    db: Session,
    ticket: Ticket,
    agent: Agent,
    undo_window: timedelta = timedelta(0),
    now: datetime | None = None,
    notice: str | None = None,
    settings: Settings | None = None,
    **detail: Any,
) -> Ticket:
    """Close the ticket; the assistant answers the conversation again. The user is
    told once `undo_window` has passed (the notice waits in the conversation and the
    outbox until then), so an undone resolve is never told. `notice` replaces the
    usual "case resolved" text (an incident's resolution says what was wrong), and
    `detail` goes into the audit event. The feedback question follows the notice
    (api/feedback; `settings`: the app's, else the process's)."""
    _check_may_work_on(ticket, agent)
    now = now or utcnow()
    holder, claimed_at = ticket.assigned_agent_id, ticket.claimed_at
    event = _move(
        db,
        ticket,
        TicketAction.RESOLVE,
        agent=agent,
        now=now,
        assignee=holder,
        claimed_at=claimed_at.isoformat() if claimed_at else None,
        **detail,
    )
    text = notice or text_for("ticket_resolved", ticket.language, ticket=ticket.id)
    told = _say(db, ticket, "notice", text, at=now + undo_window)
    event.detail = {**event.detail, "notice": told.id}
    # How it went, asked right after the notice and told with it (api/feedback).
    ask_after_resolve(db=db, ticket=ticket, at=now + undo_window, settings=settings)
    db.commit()
    return ticket


def undo_resolve(
    *,
    db: Session,
    ticket: Ticket,
    agent: Agent,
    undo_window: timedelta,
    now: datetime | None = None,
) -> Ticket:
    """Take a resolve back while its notice has not reached the user: the ticket is
    claimed again by the agent who had it, and the notice is withdrawn. By the agent
    who resolved it or an admin (403 for others), within `undo_window` (409 after)."""
    now = now or utcnow()
    _check_allowed(ticket, TicketAction.UNDO_RESOLVE)
    resolved = _last_resolve(ticket)
    if resolved is None:
        raise InvalidTransition(_WHY_NOT[TicketAction.UNDO_RESOLVE])
    if agent.role != AgentRole.ADMIN and resolved.agent_id != agent.id:
        raise NotYourTicket("Only the agent who resolved the ticket, or an admin, can undo it.")
    if not _inside_window(ticket, undo_window, now) or not _withdraw_notice(db, resolved, now):
        raise UndoWindowPassed
    holder = resolved.detail.get("assignee") or resolved.agent_id
    claimed_at = resolved.detail.get("claimed_at")
    _move(
        db,
        ticket,
        TicketAction.UNDO_RESOLVE,
        agent=agent,
        now=now,
        changes={
            "assigned_agent_id": holder,
            "claimed_at": datetime.fromisoformat(claimed_at) if claimed_at else now,
        },
        assignee=holder,
    )
    db.commit()
    return ticket


def _last_resolve(ticket: Ticket) -> AuditEvent | None:
    return next((e for e in reversed(ticket.events) if e.action == TicketAction.RESOLVE), None)


def _inside_window(ticket: Ticket, undo_window: timedelta, now: datetime) -> bool:
    return ticket.resolved_at is not None and now < ticket.resolved_at + undo_window


def _may_undo(ticket: Ticket, agent: Agent, undo_window: timedelta, now: datetime | None) -> bool:
    resolved = _last_resolve(ticket)
    return (
        resolved is not None
        and (agent.role == AgentRole.ADMIN or resolved.agent_id == agent.id)
        and _inside_window(ticket, undo_window, now or utcnow())
    )


def _withdraw_notice(db: Session, resolved: AuditEvent, now: datetime) -> bool:
    """Take back the resolve's notice, and the feedback question told with it, before
    they are told: False if they have been (or are being) told already. The caller
    commits."""
    notice = db.get(Message, resolved.detail.get("notice") or 0)
    if notice is not None:
        if notice.created_at <= now or not withdraw(db=db, key=_outbox_key(notice)):
            return False
        notice.conversation.messages.remove(notice)  # never shown: deleted (delete-orphan)
    return withdraw_question(db=db, ticket_id=resolved.ticket_id, now=now)


def reopen(
    *,
    db: Session,
    ticket: Ticket,
    agent: Agent | None = None,
    actor: str = "user",
    now: datetime | None = None,
    **detail: Any,
) -> Ticket:
    """Back to its queue, with a person, not the bot, and a fresh SLA clock; by an agent,
    or by `actor` (the user who needs help again)."""
    if agent is None:
        detail["actor"] = actor
    resolved = _last_resolve(ticket) if ticket.status == _RESOLVED else None
    if resolved is not None:  # reopened before the resolve was told: it never is
        _withdraw_notice(db, resolved, now or utcnow())
    _move(db, ticket, TicketAction.REOPEN, agent=agent, now=now, **detail)
    db.commit()
    return ticket


def release(*, db: Session, ticket: Ticket, agent: Agent, now: datetime | None = None) -> Ticket:
    """Give a claimed ticket back to its queue (its assignee, or an admin for anyone's)."""
    _check_may_work_on(ticket, agent)
    previous = ticket.assigned_agent.username if ticket.assigned_agent else None
    _move(db, ticket, TicketAction.RELEASE, agent=agent, now=now, previous=previous)
    db.commit()
    return ticket


def transfer(
    *,
    db: Session,
    ticket: Ticket,
    agent: Agent,
    queue: str,
    reason: str,
    release: bool = False,
    now: datetime | None = None,
) -> Ticket:
    """Move the ticket to another queue, its SLA clock running on, with the reason in
    the audit log; an unknown queue is 422. A claimed ticket stays with its agent,
    unless `release` or the agent is not a member of the new queue: then it waits
    there unclaimed (the event says so: `released`, `release_reason`). A resolved
    ticket is not transferred (409): reopen it first."""
    known_queues([queue])
    _check_may_work_on(ticket, agent)
    if queue == ticket.queue and ticket.status != _RESOLVED:
        raise InvalidTransition("The ticket is in that queue already.")
    holder = ticket.assigned_agent if ticket.status == _CLAIMED else None
    why_released = _why_released(holder, queue, asked=release)
    detail: dict[str, Any] = {"old": ticket.queue, "new": queue, "reason": redact(reason)}
    detail["released"] = why_released is not None
    if why_released:
        detail["release_reason"] = why_released
    _move(
        db, ticket, TicketAction.TRANSFER, agent=agent, now=now, changes={"queue": queue}, **detail
    )
    if holder is not None and why_released:
        _move(db, ticket, TicketAction.RELEASE, agent=agent, now=now, previous=holder.username)
    db.commit()
    return ticket


def _why_released(holder: Agent | None, queue: str, *, asked: bool) -> str | None:
    """Why a transfer leaves the ticket unclaimed, if it does: the agent asked for it,
    or the agent who has it cannot see the new queue."""
    if holder is None:
        return None
    if asked:
        return "asked"
    return None if holder.sees(queue) else "not_a_member"


def change_priority(
    *, db: Session, ticket: Ticket, agent: Agent, priority: int, reason: str
) -> Ticket:
    """A new tier with its reason; the due time is recomputed from the SLA's start."""
    if not 1 <= priority <= 5 or not reason.strip():
        raise InvalidTransition("A priority 1-5 and a reason are needed.")
    _check_may_work_on(ticket, agent)
    _check_allowed(ticket, TicketAction.PRIORITY)
    old = ticket.priority
    ticket.priority = priority
    ticket.due_at = due_at(priority, ticket.sla_started_at)
    _audit(db, ticket, TicketAction.PRIORITY, agent, old=old, new=priority, reason=redact(reason))
    db.commit()
    return ticket


def delivery_failed(*, db: Session, ticket: Ticket, outbox_id: int, reason: str) -> None:
    """A message to the user did not arrive (a bounce): on the ticket, for its agent."""
    _audit(db, ticket, "delivery_failed", actor="system", outbox_id=outbox_id, reason=reason)
    db.commit()


def escalate_breached(*, db: Session, now: datetime | None = None) -> list[Ticket]:
    """Mark every unresolved ticket past its due time as escalated (once each), and
    raise the alarm that tells its queue (api/alarms)."""
    now = now or utcnow()
    pending = db.scalars(
        select(Ticket).where(
            Ticket.status != TicketStatus.RESOLVED,
            Ticket.escalated_at.is_(None),
            Ticket.due_at < now,
        )
    ).all()
    escalated = [t for t in pending if is_breached(t.due_at, now)]
    for ticket in escalated:
        ticket.escalated_at = now
        _audit(db, ticket, "escalated", actor="system", due_at=ticket.due_at.isoformat())
        raise_alarm(db=db, ticket=ticket, kind=AlarmKind.BREACH, now=now)
    db.commit()
    return escalated


def queue_listing(*, db: Session, queue: str, agent: Agent) -> list[Ticket]:
    """Unresolved tickets of a queue: highest priority first, then the earliest due
    (UnknownQueue for no such queue, NotYourQueue for one the agent is not in)."""
    known_queues([queue])
    if not agent.sees(queue):
        raise NotYourQueue
    query = (
        select(Ticket)
        .where(Ticket.queue == queue, Ticket.status != TicketStatus.RESOLVED)
        .order_by(Ticket.priority, Ticket.due_at, Ticket.id)
    )
    return list(db.scalars(query))


def reply(*, db: Session, ticket: Ticket, agent: Agent, text: str, seal_key: bytes) -> Message:
    """An agent's answer, added to the user's conversation (and so to their chat), and
    sent out on the channel they came from (through the outbox). The user receives
    what the agent wrote; the stored copy is masked, the original kept sealed."""
    _check_allowed(ticket, TicketAction.REPLY)
    _check_may_work_on(ticket, agent)
    masked = redact(text)
    sealed = seal(seal_key, text) if masked != text else None
    message = _say(db, ticket, "agent", masked, sealed_original=sealed, agent=agent)
    _audit(db, ticket, TicketAction.REPLY, agent)
    db.commit()
    return message


def _say(
    db: Session,
    ticket: Ticket,
    author: str,
    text: str,
    *,
    sealed_original: str | None = None,
    at: datetime | None = None,
    agent: Agent | None = None,
) -> Message:
    """A message to the user: stored in the conversation, queued for their channel
    (`text` masked; the words to send, when they differ, as `sealed_original`). With
    `at`, it is told from then on: the web chat shows it, the outbox sends it."""
    message = Message(
        conversation=ticket.conversation,
        author=author,
        text=text,
        language=ticket.language,
        status=MessageStatus.SENT,
        sealed_original=sealed_original,
        created_at=at or utcnow(),
        agent_id=agent.id if agent else None,
    )
    db.add(message)
    db.flush()  # the message id keys its outbox row
    enqueue(
        db=db,
        conversation=ticket.conversation,
        text=text,
        sealed_text=sealed_original,
        kind=author,
        key=_outbox_key(message),
        case=ticket.id,
        not_before=at,
    )
    return message


def _outbox_key(message: Message) -> str:
    return f"message-{message.id}"


def reveal(*, db: Session, ticket: Ticket, agent: Agent, message_id: int, seal_key: bytes) -> str:
    """The original text of a masked message in the ticket's conversation, opened on
    an agent's explicit request and written to the audit log (the text itself is not).
    Refused, it reads nothing and writes nothing."""
    _check_may_work_on(ticket, agent)
    message = db.get(Message, message_id)
    if (
        message is None
        or message.conversation_id != ticket.conversation_id
        or message.sealed_original is None
    ):
        raise NothingToReveal
    try:
        original = unseal(seal_key, message.sealed_original)
    except AddressUnreadable as exc:
        raise InvalidTransition("The original was sealed with another key.") from exc
    _audit(db, ticket, "revealed", agent, message_id=message_id)
    db.commit()
    return original


def add_note(*, db: Session, ticket: Ticket, agent: Agent, text: str) -> None:
    """An internal note: in the audit log, never shown to the user."""
    _check_may_work_on(ticket, agent)
    _check_allowed(ticket, TicketAction.NOTE)
    _audit(db, ticket, TicketAction.NOTE, agent, text=redact(text))
    db.commit()


def set_contact(*, db: Session, ticket_id: int, contact: str) -> None:
    """Put how to reach the user on the ticket (the one field that holds it in clear)."""
    ticket = get_ticket(db=db, ticket_id=ticket_id)
    ticket.contact = contact
    db.commit()


def record_event(
    *, db: Session, ticket: Ticket, action: str, agent: Agent | None = None, **detail: Any
) -> None:
    """Write what another domain did to the ticket into its audit log (an incident
    linked or unlinked, say), without changing the ticket; the caller commits."""
    _audit(db, ticket, action, agent, **detail)
