"""The HTTP endpoints of api/replies: saved replies, and who has a ticket open."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.orm import Session

from api.agents.models import Agent
from api.deps import CurrentAdmin, CurrentAgent, RowId, SessionDep, SettingsDep
from api.replies import service
from api.replies.models import SavedReply
from api.replies.schemas import (
    FilledReply,
    Placeholder,
    PresenceBody,
    PresencePage,
    PresentAgent,
    SavedReplyPage,
    SavedReplyRead,
    SavedReplyWrite,
)
from api.tickets.models import Ticket
from api.tickets.router import CurrentTicket
from bot.language import Lang
from bot.triage.training import QUEUES

router = APIRouter(prefix="/api/v1", tags=["replies"])


def get_saved_reply(reply_id: RowId, db: SessionDep, agent: CurrentAgent) -> SavedReply:
    """The saved reply in the path, if the agent is a member of its queue (else 404)."""
    return service.get_reply(db=db, reply_id=reply_id, agent=agent)


CurrentSavedReply = Annotated[SavedReply, Depends(get_saved_reply)]


def _fields(body: SavedReplyWrite) -> service.ReplyFields:
    return service.ReplyFields(**body.model_dump())


@router.get("/saved-replies", response_model=SavedReplyPage)
def list_saved_replies(
    db: SessionDep,
    agent: CurrentAgent,
    queue: Annotated[
        str | None,
        Query(
            json_schema_extra={"enum": list(QUEUES)},
            description="One queue (absent: every queue you are a member of)",
        ),
    ] = None,
    language: Annotated[Lang | None, Query(description="One language (absent: all)")] = None,
) -> SavedReplyPage:
    """Agents: the saved replies of your queues (an admin: all), and the placeholders
    a text may use (422 for no such queue, 403 for a queue you are not a member of)."""
    replies = service.list_replies(db=db, agent=agent, queue=queue, language=language)
    return SavedReplyPage(
        replies=[SavedReplyRead.model_validate(r) for r in replies],
        placeholders=[Placeholder(name=name) for name in service.PLACEHOLDERS],
    )


@router.post("/saved-replies", response_model=SavedReplyRead, status_code=status.HTTP_201_CREATED)
def create_saved_reply(
    body: SavedReplyWrite, db: SessionDep, admin: CurrentAdmin
) -> SavedReplyRead:
    """Admins only (403 for agents: a saved reply speaks for the whole organisation, so
    one place keeps their wording): a new saved reply for a queue and a language (422
    naming any unknown placeholder, 409 for a title the queue has in that language)."""
    return SavedReplyRead.model_validate(
        service.create_reply(db=db, admin=admin, fields=_fields(body))
    )


@router.put("/saved-replies/{reply_id}", response_model=SavedReplyRead)
def update_saved_reply(
    saved: CurrentSavedReply, body: SavedReplyWrite, db: SessionDep, admin: CurrentAdmin
) -> SavedReplyRead:
    """Admins only (403 for agents): replace a saved reply's queue, language, title and
    text (422 naming any unknown placeholder, 409 for a title taken)."""
    return SavedReplyRead.model_validate(
        service.update_reply(db=db, admin=admin, saved=saved, fields=_fields(body))
    )


@router.delete("/saved-replies/{reply_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_saved_reply(saved: CurrentSavedReply, db: SessionDep, admin: CurrentAdmin) -> Response:
    """Admins only (403 for agents): delete a saved reply; replies sent with it stay."""
    service.delete_reply(db=db, saved=saved)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/tickets/{ticket_id}/saved-replies/{reply_id}/fill", response_model=FilledReply)
def fill_saved_reply(
    ticket: CurrentTicket, saved: CurrentSavedReply, agent: CurrentAgent
) -> FilledReply:
    """Agents of the ticket's queue (404 otherwise): the saved reply's text with its
    placeholders filled for this ticket, to put in the reply box; nothing is sent
    (422 `saved_reply_not_for_ticket` for a reply of another queue or language)."""
    text = service.fill(ticket=ticket, saved=saved, agent=agent)
    return FilledReply(reply_id=saved.id, ticket_id=ticket.id, text=text)


def _window(settings: SettingsDep) -> service.PresenceWindow:
    return service.PresenceWindow(
        expiry=timedelta(seconds=settings.presence_expiry_seconds),
        typing=timedelta(seconds=settings.presence_typing_seconds),
    )


Window = Annotated[service.PresenceWindow, Depends(_window)]


def _page(
    ticket: Ticket, db: Session, agent: Agent, window: service.PresenceWindow
) -> PresencePage:
    present = service.others(db=db, ticket=ticket, agent=agent, window=window)
    return PresencePage(
        agents=[PresentAgent.model_validate(p) for p in present],
        heartbeat_seconds=round(window.expiry.total_seconds() / 3, 1),
    )


@router.post("/tickets/{ticket_id}/presence", response_model=PresencePage)
def heartbeat(
    ticket: CurrentTicket, body: PresenceBody, db: SessionDep, agent: CurrentAgent, window: Window
) -> PresencePage:
    """Agents of the ticket's queue (404 otherwise): you have the ticket open, typing
    or not; answers who else has it open, as GET does."""
    service.heartbeat(db=db, ticket=ticket, agent=agent, typing=body.typing, window=window)
    return _page(ticket, db, agent, window)


@router.get("/tickets/{ticket_id}/presence", response_model=PresencePage)
def presence(
    ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent, window: Window
) -> PresencePage:
    """Agents of the ticket's queue (404 otherwise): the other agents who have the
    ticket open now, and whether they are typing in it."""
    return _page(ticket, db, agent, window)


@router.delete("/tickets/{ticket_id}/presence", status_code=status.HTTP_204_NO_CONTENT)
def leave(ticket: CurrentTicket, db: SessionDep, agent: CurrentAgent) -> Response:
    """Agents of the ticket's queue (404 otherwise): you closed the ticket; the others
    stop seeing you at once (else your entry expires on its own)."""
    service.leave(db=db, ticket=ticket, agent=agent)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
