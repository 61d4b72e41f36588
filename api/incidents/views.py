"""Incidents turned into the JSON each caller may read (public, agent, detail)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.agents.models import Agent
from api.incidents import service
from api.incidents.matching import Score
from api.incidents.models import Incident
from api.incidents.schemas import (
    IncidentCount,
    IncidentDetail,
    IncidentPublic,
    IncidentRead,
    LinkCounts,
    LinkedTicket,
    Proposal,
    ProposalReason,
    UpdateRead,
    Wording,
)
from api.incidents.texts import best_language, missing_languages
from api.tickets.models import Ticket
from api.tickets.schemas import TicketSummary
from bot.language import SUPPORTED


def public(incident: Incident, language: str) -> IncidentPublic:
    """What anyone may read: the operating message, its areas and times."""
    lang = best_language(incident.title, language)
    return IncidentPublic(
        id=incident.id,
        status=incident.status,
        areas=list(incident.areas),
        starts_at=incident.starts_at,
        expected_end=incident.expected_end,
        version=incident.version,
        updated_at=incident.updates[-1].created_at if incident.updates else incident.created_at,
        language=lang,
        title=incident.title[lang],
        text=incident.text[lang],
        texts={
            lang: Wording(title=incident.title[lang], text=incident.text[lang])
            for lang in SUPPORTED
            if lang in incident.title
        },
    )


def for_agent(db: Session, incident: Incident, agent: Agent, language: str) -> IncidentRead:
    """With the internal note, the history and the counts of the agent's linked tickets."""
    linked, still_open, resolved = service.link_counts(db=db, incident=incident, agent=agent)
    return IncidentRead(
        **public(incident, language).model_dump(),
        internal_note=incident.internal_note,
        missing_languages=missing_languages(incident.title),
        resolution=incident.resolution,  # type: ignore[arg-type]
        resolved_at=incident.resolved_at,
        created_at=incident.created_at,
        history=[UpdateRead.model_validate(u) for u in incident.updates],
        tickets=LinkCounts(linked=linked, open=still_open, resolved=resolved),
    )


def detail(db: Session, incident: Incident, agent: Agent, language: str) -> IncidentDetail:
    """`for_agent`, with the linked (and unlinked) tickets the agent may see."""
    links = service.visible_links(db=db, incident=incident, agent=agent)
    return IncidentDetail(
        **for_agent(db, incident, agent, language).model_dump(),
        links=[
            LinkedTicket(
                ticket=TicketSummary.model_validate(ticket),
                linked=link.linked,
                linked_at=link.linked_at,
                unlinked_at=link.unlinked_at,
            )
            for link, ticket in links
        ],
    )


def count(db: Session, incident: Incident, agent: Agent, language: str) -> IncidentCount:
    linked, still_open, resolved = service.link_counts(db=db, incident=incident, agent=agent)
    lang = best_language(incident.title, language)
    return IncidentCount(
        id=incident.id,
        status=incident.status,
        title=incident.title[lang],
        language=lang,
        starts_at=incident.starts_at,
        resolved_at=incident.resolved_at,
        tickets=LinkCounts(linked=linked, open=still_open, resolved=resolved),
    )


def proposal(ticket: Ticket, score: Score) -> Proposal:
    reasons: list[dict[str, Any]] = score.reasons
    return Proposal(
        ticket=TicketSummary.model_validate(ticket),
        score=score.total,
        reasons=[ProposalReason(**reason) for reason in reasons],
    )
