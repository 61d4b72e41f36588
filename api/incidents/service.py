"""Incidents: publishing, telling users, linking tickets (see the package docstring).

An admin publishes an incident, updates it and resolves it; every step is kept
in its history and raises its version. While it is active (started, not
resolved), every answer on every channel whose message concerns an affected
area (api/incidents/matching.py) starts with the operating message, once per
conversation and version. Agents link the tickets it causes, from proposals or
by hand; resolving the incident resolves the linked tickets (not the unlinked)
through api/tickets/service.py, each telling its reporter on their channel.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from api.agents.models import Agent
from api.config import Settings
from api.conversations.models import Conversation, Message
from api.conversations.schemas import BotMessage, ChatResponse
from api.conversations.service import outbound_message
from api.database import utcnow
from api.errors import DomainError
from api.incidents import matching
from api.incidents.models import (
    Incident,
    IncidentLink,
    IncidentNotice,
    IncidentStatus,
    IncidentUpdate,
    UpdateKind,
)
from api.incidents.schemas import IncidentChange, IncidentCreate, Resolution
from api.incidents.texts import notice_text, resolution_text
from api.tickets import service as tickets
from api.tickets.models import Ticket, TicketStatus
from api.tickets.queries import open_ticket_of
from bot.redaction import redact

log = logging.getLogger(__name__)

# Who the operating message is by in the conversation: the gateway's own words, as
# the other texts it says itself ("system": shown in the web chat's history and in
# the transcript, and repeated with the answer it came with on SMS and the phone).
# Not "notice": the web chat fetches notices while a person has the case, and the
# operating message came with the answer already.
NOTICE_AUTHOR = "system"


class IncidentError(DomainError):
    code = "incident_error"
    message = "That cannot be done to this incident."


class IncidentNotFound(IncidentError):
    status_code = 404
    code = "incident_not_found"
    message = "No such incident."


class IncidentResolved(IncidentError):
    status_code = 409
    code = "incident_resolved"
    message = "The incident is resolved: it can no longer be updated, resolved or linked."


class InvalidIncidentTimes(IncidentError):
    status_code = 422
    code = "invalid_incident_times"
    message = "The expected end must come after the start."


class NotLinked(IncidentError):
    status_code = 404
    code = "not_linked"
    message = "That ticket is not linked to this incident."


class TicketResolvedAlready(IncidentError):
    status_code = 409
    code = "ticket_resolved"
    message = "A resolved ticket is not linked: reopen it first."


# ---- publishing ----


def publish(
    *, db: Session, body: IncidentCreate, admin: Agent, now: datetime | None = None
) -> Incident:
    """A new active incident, told from `starts_at` (now if not given) on."""
    now = now or utcnow()
    starts_at = body.starts_at or now
    _check_times(starts_at, body.expected_end)
    given = body.texts.given()
    incident = Incident(
        title={lang: w.title for lang, w in given.items()},
        text={lang: w.text for lang, w in given.items()},
        areas=body.areas,
        starts_at=starts_at,
        expected_end=body.expected_end,
        internal_note=_note(body.internal_note),
        status=IncidentStatus.ACTIVE,
        version=1,
        created_by=admin.id,
        created_at=now,
    )
    db.add(incident)
    _history(incident, UpdateKind.PUBLISHED, admin, now)
    db.commit()
    return incident


def publish_update(
    *,
    db: Session,
    incident: Incident,
    body: IncidentChange,
    admin: Agent,
    now: datetime | None = None,
) -> Incident:
    """A new operating message (and expected end, note): told again to everyone it
    concerns, as a new version."""
    now = now or utcnow()
    _check_active(incident)
    expected_end = body.expected_end or incident.expected_end
    _check_times(incident.starts_at, expected_end)
    given = body.texts.given()
    incident.title = {lang: w.title for lang, w in given.items()}
    incident.text = {lang: w.text for lang, w in given.items()}
    incident.expected_end = expected_end
    if body.internal_note is not None:
        incident.internal_note = _note(body.internal_note)
    incident.version += 1
    _history(incident, UpdateKind.UPDATED, admin, now)
    db.commit()
    return incident


def resolve(
    *,
    db: Session,
    incident: Incident,
    resolution: Resolution,
    admin: Agent,
    undo_window: timedelta,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> list[Ticket]:
    """Resolve the incident and, with it, every linked ticket that is still open: each
    reporter is told the resolution in their language on their own channel (by the
    ticket's resolve notice). Unlinked tickets stay as they are. The tickets resolved."""
    now = now or utcnow()
    _check_active(incident)
    incident.status = IncidentStatus.RESOLVED
    incident.resolved_at = now
    incident.resolution = resolution.given()
    incident.version += 1
    _history(incident, UpdateKind.RESOLVED, admin, now, text=incident.resolution)
    db.commit()
    resolved = []
    for link in incident.links:
        ticket = db.get(Ticket, link.ticket_id)
        if not link.linked or ticket is None or ticket.status == TicketStatus.RESOLVED:
            continue
        try:
            tickets.resolve(
                db=db,
                ticket=ticket,
                agent=admin,
                undo_window=undo_window,
                now=now,
                notice=resolution_text(incident, ticket.language, ticket.id),
                settings=settings,
                incident=incident.id,
            )
        except tickets.TicketError as exc:  # resolved by its agent meanwhile
            log.info("incident %s: ticket %s not resolved: %s", incident.id, ticket.id, exc)
            continue
        resolved.append(ticket)
    return resolved


def _check_active(incident: Incident) -> None:
    if incident.status != IncidentStatus.ACTIVE:
        raise IncidentResolved


def _check_times(starts_at: datetime, expected_end: datetime | None) -> None:
    if expected_end is not None and expected_end <= starts_at:
        raise InvalidIncidentTimes


def _note(note: str | None) -> str | None:
    """The internal note, masked like every stored text (it may quote a reporter)."""
    return redact(note) if note else None


def _history(
    incident: Incident,
    kind: UpdateKind,
    admin: Agent,
    now: datetime,
    *,
    text: dict[str, str] | None = None,
) -> None:
    incident.updates.append(
        IncidentUpdate(
            version=incident.version,
            kind=kind,
            title=dict(incident.title),
            text=dict(text if text is not None else incident.text),
            expected_end=incident.expected_end,
            agent_id=admin.id,
            created_at=now,
        )
    )


# ---- reading ----


def get_incident(*, db: Session, incident_id: int) -> Incident:
    """The incident; IncidentNotFound if there is none."""
    incident = db.get(Incident, incident_id)
    if incident is None:
        raise IncidentNotFound
    return incident


def active_incidents(*, db: Session, now: datetime | None = None) -> list[Incident]:
    """Incidents that have started and are not resolved, the newest first."""
    query = (
        select(Incident)
        .where(Incident.status == IncidentStatus.ACTIVE, Incident.starts_at <= (now or utcnow()))
        .order_by(Incident.starts_at.desc(), Incident.id.desc())
    )
    return list(db.scalars(query))


def all_incidents(*, db: Session, limit: int = 200) -> list[Incident]:
    """Every incident, active or not, the newest first."""
    query = select(Incident).order_by(Incident.starts_at.desc(), Incident.id.desc()).limit(limit)
    return list(db.scalars(query))


def visible_links(
    *, db: Session, incident: Incident, agent: Agent
) -> list[tuple[IncidentLink, Ticket]]:
    """The incident's links (unlinked ones too) to tickets `agent` may see."""
    found = []
    for link in incident.links:
        ticket = db.get(Ticket, link.ticket_id)
        if ticket is not None and agent.sees(ticket.queue):
            found.append((link, ticket))
    return found


def link_counts(*, db: Session, incident: Incident, agent: Agent) -> tuple[int, int, int]:
    """(linked, still open, resolved) of the linked tickets `agent` may see."""
    linked = [t for link, t in visible_links(db=db, incident=incident, agent=agent) if link.linked]
    resolved = sum(1 for t in linked if t.status == TicketStatus.RESOLVED)
    return len(linked), len(linked) - resolved, resolved


# ---- linking ----


def proposals(
    *,
    db: Session,
    incident: Incident,
    agent: Agent,
    slack: timedelta,
    limit: int,
) -> list[tuple[Ticket, matching.Score]]:
    """Unresolved tickets of the agent's queues in an affected area, opened since the
    incident started (less `slack`), not linked or unlinked yet: best first."""
    _check_active(incident)
    queues = sorted(q for q in matching.affected_queues(incident) if agent.sees(q))
    if not queues:
        return []
    known = select(IncidentLink.ticket_id).where(IncidentLink.incident_id == incident.id)
    candidates = db.scalars(
        select(Ticket).where(
            Ticket.queue.in_(queues),
            Ticket.status != TicketStatus.RESOLVED,
            Ticket.created_at >= incident.starts_at - slack,
            Ticket.id.not_in(known),
        )
    ).all()
    scored = [(t, matching.score(incident, t, _topics_of(db, t))) for t in candidates]
    scored.sort(key=lambda pair: (-pair[1].total, pair[0].created_at, pair[0].id))
    return scored[:limit]


def _topics_of(db: Session, ticket: Ticket) -> set[str]:
    """The knowledge topics the ticket's conversation was answered on."""
    query = select(Message.topic).where(
        Message.conversation_id == ticket.conversation_id, Message.topic.is_not(None)
    )
    return {str(topic) for topic in db.scalars(query)}


def link(*, db: Session, incident: Incident, ticket_ids: list[int], agent: Agent) -> None:
    """Link tickets to the incident, all or none: each one must be the agent's to see
    (TicketNotFound otherwise, as everywhere) and not resolved. A ticket unlinked
    earlier is linked again, since an agent asks for it."""
    _check_active(incident)
    found = [tickets.get_ticket(db=db, ticket_id=i, agent=agent) for i in ticket_ids]
    if any(t.status == TicketStatus.RESOLVED for t in found):
        raise TicketResolvedAlready
    links = {link.ticket_id: link for link in incident.links}
    now = utcnow()
    for ticket in found:
        existing = links.get(ticket.id)
        if existing is not None and existing.linked:
            continue
        if existing is None:
            incident.links.append(
                IncidentLink(ticket_id=ticket.id, agent_id=agent.id, linked_at=now)
            )
        else:
            existing.linked, existing.agent_id = True, agent.id
            existing.linked_at, existing.unlinked_at = now, None
        tickets.record_event(
            db=db, ticket=ticket, action="incident_linked", agent=agent, incident=incident.id
        )
    db.commit()


def unlink(*, db: Session, incident: Incident, ticket_id: int, agent: Agent) -> None:
    """Unlink a ticket: it is not resolved with the incident, nor proposed again."""
    ticket = tickets.get_ticket(db=db, ticket_id=ticket_id, agent=agent)
    existing = next((lk for lk in incident.links if lk.ticket_id == ticket.id and lk.linked), None)
    if existing is None:
        raise NotLinked
    existing.linked, existing.agent_id, existing.unlinked_at = False, agent.id, utcnow()
    tickets.record_event(
        db=db, ticket=ticket, action="incident_unlinked", agent=agent, incident=incident.id
    )
    db.commit()


# ---- telling users ----


def with_notices(db: Session, conversation: Conversation, response: ChatResponse) -> ChatResponse:
    """`response` with the operating message of every active incident that concerns
    what the user wrote put before the assistant's own answer, in their language.
    Called for every channel's answer (api/channels/turn.py, api/channels/email.py)."""
    now = utcnow()
    active = active_incidents(db=db, now=now)
    if not active:
        return response
    told = _told_versions(db, conversation, active)
    due = [i for i in active if told.get(i.id, 0) < i.version]
    if not due:
        return response
    areas = _areas_of_turn(db, conversation, response)
    concerned = [i for i in due if areas.concern(i)]
    if not concerned:
        return response
    texts = [notice_text(i, conversation.language, now) for i in concerned]
    _store_before_answer(db, conversation, texts)
    _mark_told(db, conversation, concerned, told, now)
    db.commit()
    said = [BotMessage(text=text) for text in texts]
    return response.model_copy(update={"messages": [*said, *response.messages]})


def _told_versions(
    db: Session, conversation: Conversation, incidents: list[Incident]
) -> dict[int, int]:
    query = select(IncidentNotice.incident_id, IncidentNotice.version).where(
        IncidentNotice.conversation_id == conversation.id,
        IncidentNotice.incident_id.in_([i.id for i in incidents]),
    )
    return {incident_id: version for incident_id, version in db.execute(query)}


def _areas_of_turn(
    db: Session, conversation: Conversation, response: ChatResponse
) -> matching.TurnAreas:
    ticket = open_ticket_of(db=db, conversation=conversation)
    return matching.turn_areas(
        response,
        user_text=_latest_user_message(db, conversation).text,
        language=conversation.language,
        open_queue=ticket.queue if ticket else None,
    )


def _latest_user_message(db: Session, conversation: Conversation) -> Message:
    query = (
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.author == "user")
        .order_by(Message.id.desc())
    )
    found = db.scalars(query).first()
    return found or Message(text="")


def _store_before_answer(db: Session, conversation: Conversation, texts: list[str]) -> None:
    """Store the operating messages where they were said: before this turn's answer.
    The answer is stored already (the turn commits it before asking for notices), so
    its rows are stored again after the notices. Transcripts, the web chat's history
    and SMS and phone paging ("more") read the conversation in stored order."""
    user_id = db.scalar(
        select(func.max(Message.id)).where(
            Message.conversation_id == conversation.id, Message.author == "user"
        )
    )
    answer = db.scalars(
        select(Message)
        .where(
            Message.conversation_id == conversation.id,
            Message.id > (user_id or 0),
            Message.author.in_(("bot", "system")),  # never an agent's reply or a notice
        )
        .order_by(Message.id)
    ).all()
    for text in texts:
        db.add(outbound_message(conversation, NOTICE_AUTHOR, text))
    db.flush()
    columns = [c.key for c in inspect(Message).column_attrs if c.key != "id"]
    for row in answer:
        db.add(Message(**{key: getattr(row, key) for key in columns}))
        db.flush()  # one by one: their order is kept
        db.delete(row)
    db.flush()
    db.expire(conversation, ["messages"])


def _mark_told(
    db: Session,
    conversation: Conversation,
    incidents: list[Incident],
    told: dict[int, int],
    now: datetime,
) -> None:
    for incident in incidents:
        if incident.id in told:
            db.execute(
                update(IncidentNotice)
                .where(
                    IncidentNotice.incident_id == incident.id,
                    IncidentNotice.conversation_id == conversation.id,
                )
                .values(version=incident.version, told_at=now)
            )
        else:
            db.add(
                IncidentNotice(
                    incident_id=incident.id,
                    conversation_id=conversation.id,
                    version=incident.version,
                    told_at=now,
                )
            )
