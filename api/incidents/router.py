"""The HTTP endpoints of api/incidents: the public list, admins' publishing, agents'
linking and the dashboard's counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.agents.models import Agent
from api.agents.service import AuthenticationFailed, agent_for_token
from api.deps import CurrentAdmin, CurrentAgent, RowId, SessionDep, SettingsDep
from api.incidents import service, views
from api.incidents.models import Incident
from api.incidents.schemas import (
    IncidentChange,
    IncidentCreate,
    IncidentDashboard,
    IncidentDetail,
    IncidentPage,
    IncidentPublicPage,
    IncidentResolve,
    LinkBody,
    ProposalPage,
)
from api.openapi import ErrorBody
from api.ratelimit import RateLimitsDep, Scope, client_address
from bot.language import Lang

router = APIRouter(prefix="/api/v1", tags=["incidents"])

_optional_bearer = HTTPBearer(auto_error=False)
Language = Annotated[
    Lang, Query(description="Title and text in this language (or the closest one written)")
]


def get_optional_agent(
    db: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
) -> Agent | None:
    """The logged-in agent if a bearer token came (401 if it is wrong), else None."""
    if credentials is None:
        return None
    return agent_for_token(db=db, token=credentials.credentials)


def get_incident(incident_id: RowId, db: SessionDep) -> Incident:
    """The incident in the path (404 if there is none)."""
    return service.get_incident(db=db, incident_id=incident_id)


CurrentIncident = Annotated[Incident, Depends(get_incident)]


@router.get(
    "/incidents",
    response_model=IncidentPublicPage | IncidentPage,
    responses={429: {"model": ErrorBody, "description": "Too many requests from this client"}},
)
def list_incidents(
    db: SessionDep,
    limits: RateLimitsDep,
    http: Request,
    agent: Annotated[Agent | None, Depends(get_optional_agent)],
    lang: Language = "sv",
    everything: Annotated[
        bool,
        Query(
            alias="all",
            description="Agents only (401 without a login): resolved incidents too, with "
            "internal notes, history and linked ticket counts",
        ),
    ] = False,
) -> IncidentPublicPage | IncidentPage:
    """Public: the active incidents (started, not resolved), newest first, without
    internal notes; rate-limited per client. With `all=true`, for logged-in agents:
    every incident, with what agents see."""
    if everything:
        if agent is None:
            raise AuthenticationFailed
        found = service.all_incidents(db=db)
        return IncidentPage(incidents=[views.for_agent(db, i, agent, lang) for i in found])
    limits.check(Scope.INCIDENTS_CLIENT, client_address(http), lang)
    active = service.active_incidents(db=db)
    return IncidentPublicPage(incidents=[views.public(i, lang) for i in active])


@router.post("/incidents", response_model=IncidentDetail, status_code=201)
def publish(
    body: IncidentCreate, db: SessionDep, admin: CurrentAdmin, lang: Language = "sv"
) -> IncidentDetail:
    """Admins only (403 for agents): publish an incident. At least one language is
    needed; `missing_languages` in the answer lists those without a text of their own
    (they are told from another language). 422 if the expected end is not after the start."""
    incident = service.publish(db=db, body=body, admin=admin)
    return views.detail(db, incident, admin, lang)


@router.get("/incidents/dashboard", response_model=IncidentDashboard)
def dashboard(db: SessionDep, agent: CurrentAgent, lang: Language = "sv") -> IncidentDashboard:
    """Agents: tickets per incident (linked, still open, resolved), of the tickets you
    can see, newest incident first."""
    found = service.all_incidents(db=db)
    return IncidentDashboard(incidents=[views.count(db, i, agent, lang) for i in found])


@router.get("/incidents/{incident_id}", response_model=IncidentDetail)
def read_incident(
    incident: CurrentIncident, db: SessionDep, agent: CurrentAgent, lang: Language = "sv"
) -> IncidentDetail:
    """Agents: the incident with its history and the linked tickets you can see."""
    return views.detail(db, incident, agent, lang)


@router.post("/incidents/{incident_id}/updates", response_model=IncidentDetail)
def publish_update(
    incident: CurrentIncident,
    body: IncidentChange,
    db: SessionDep,
    admin: CurrentAdmin,
    lang: Language = "sv",
) -> IncidentDetail:
    """Admins only (403 for agents): a new operating message, told again to everyone it
    concerns (409 once resolved)."""
    service.publish_update(db=db, incident=incident, body=body, admin=admin)
    return views.detail(db, incident, admin, lang)


@router.post("/incidents/{incident_id}/resolve", response_model=IncidentDetail)
def resolve(
    incident: CurrentIncident,
    body: IncidentResolve,
    db: SessionDep,
    admin: CurrentAdmin,
    settings: SettingsDep,
    lang: Language = "sv",
) -> IncidentDetail:
    """Admins only (403 for agents): resolve the incident, and with it every linked
    ticket still open; each reporter is told the resolution on their own channel, in
    their language. Unlinked tickets stay open (409 if resolved already)."""
    service.resolve(
        db=db,
        incident=incident,
        resolution=body.resolution,
        admin=admin,
        undo_window=timedelta(seconds=settings.resolve_undo_seconds),
        settings=settings,
    )
    return views.detail(db, incident, admin, lang)


@router.get("/incidents/{incident_id}/proposals", response_model=ProposalPage)
def proposals(
    incident: CurrentIncident, db: SessionDep, agent: CurrentAgent, settings: SettingsDep
) -> ProposalPage:
    """Agents: tickets of your queues that may report this incident (unresolved, in an
    affected area, opened since it started, not linked or unlinked yet), best first,
    with the reasons of their score (409 once resolved)."""
    found = service.proposals(
        db=db,
        incident=incident,
        agent=agent,
        slack=timedelta(minutes=settings.incident_link_slack_minutes),
        limit=settings.incident_proposals_limit,
    )
    return ProposalPage(proposals=[views.proposal(t, s) for t, s in found])


@router.post("/incidents/{incident_id}/links", response_model=IncidentDetail)
def link(
    incident: CurrentIncident,
    body: LinkBody,
    db: SessionDep,
    agent: CurrentAgent,
    lang: Language = "sv",
) -> IncidentDetail:
    """Agents: link one or many tickets of your queues, all or none (404 for a ticket
    you cannot see, 409 for a resolved ticket or a resolved incident)."""
    service.link(db=db, incident=incident, ticket_ids=body.ticket_ids, agent=agent)
    return views.detail(db, incident, agent, lang)


@router.delete("/incidents/{incident_id}/links/{ticket_id}", response_model=IncidentDetail)
def unlink(
    incident: CurrentIncident,
    ticket_id: RowId,
    db: SessionDep,
    agent: CurrentAgent,
    lang: Language = "sv",
) -> IncidentDetail:
    """Agents: unlink a ticket of your queues; it is not resolved with the incident,
    nor proposed again (404 if it is not linked, or not yours to see)."""
    service.unlink(db=db, incident=incident, ticket_id=ticket_id, agent=agent)
    return views.detail(db, incident, agent, lang)
