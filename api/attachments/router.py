"""Attachments of a ticket, for the agents of its queue (admins: all)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from api.attachments import service
from api.attachments.schemas import AttachmentList, AttachmentRead
from api.deps import RowId, SessionDep, SettingsDep
from api.tickets.router import CurrentTicket

router = APIRouter(prefix="/api/v1/tickets/{ticket_id}/attachments", tags=["tickets"])


@router.get("", response_model=AttachmentList)
def list_attachments(ticket: CurrentTicket, db: SessionDep) -> AttachmentList:
    """The files the user sent with the ticket's messages (404: no such ticket in your
    queues)."""
    rows = service.of_ticket(db=db, ticket_id=ticket.id)
    return AttachmentList(attachments=[AttachmentRead.model_validate(r) for r in rows])


@router.get(
    "/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def download(
    ticket: CurrentTicket, attachment_id: RowId, db: SessionDep, settings: SettingsDep
) -> Response:
    """The file itself, as a download: its detected type, never rendered in the console
    (404: no such file on this ticket)."""
    row, data = service.open_attachment(
        db=db, folder=settings.attachments_dir, ticket_id=ticket.id, attachment_id=attachment_id
    )
    return Response(
        content=data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "no-store",
        },
    )
