"""Keep, list and open attachments.

The bytes go to `attachments_dir` (var/attachments by default: outside the web
root, owner-only like the database) under a random name; the row keeps the
user's file name, sanitised, and the type detected from the content, which is
what the download says. Only types an agent can safely open are kept (PDF,
images, plain text, Office documents); anything else is refused, and the case
says so. Nothing of a file's content reaches Rasa or a log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.attachments.models import Attachment
from api.errors import DomainError

log = logging.getLogger(__name__)

# The types kept: what an agent opens without running anything. Office files are
# zip containers, which `filetype` names by their content.
KEPT_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/heic",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)


class AttachmentNotFound(DomainError):
    status_code = 404
    code = "attachment_not_found"
    message = "No such attachment on this ticket."


@dataclass(frozen=True)
class Incoming:
    """A file as a channel received it."""

    filename: str
    content_type: str  # detected from the content by the channel's parser
    data: bytes


@dataclass(frozen=True)
class Kept:
    """What became of a message's files: the ones kept, and the names of the refused."""

    kept: list[Attachment]
    refused: list[str]


def keep(
    *,
    db: Session,
    folder: Path,
    conversation_id: int,
    message_id: int,
    files: Iterable[Incoming],
) -> Kept:
    """Store the files of one message (the caller commits and sets the ticket)."""
    kept: list[Attachment] = []
    refused: list[str] = []
    for file in files:
        if file.content_type not in KEPT_TYPES:
            refused.append(file.filename)
            continue
        stored_as = secrets.token_hex(16)
        _write(folder, stored_as, file.data)
        row = Attachment(
            conversation_id=conversation_id,
            message_id=message_id,
            filename=file.filename[:120],
            content_type=file.content_type,
            size=len(file.data),
            sha256=hashlib.sha256(file.data).hexdigest(),
            stored_as=stored_as,
        )
        db.add(row)
        kept.append(row)
    if refused:
        log.info("message %s: %d attachment(s) of a type not kept", message_id, len(refused))
    return Kept(kept, refused)


def of_ticket(*, db: Session, ticket_id: int) -> list[Attachment]:
    query = select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.id)
    return list(db.scalars(query))


def open_attachment(
    *, db: Session, folder: Path, ticket_id: int, attachment_id: int
) -> tuple[Attachment, bytes]:
    """The attachment and its bytes, if it belongs to `ticket_id` (404 otherwise: an id
    of another case's file tells nothing)."""
    row = db.get(Attachment, attachment_id)
    if row is None or row.ticket_id != ticket_id:
        raise AttachmentNotFound
    try:
        return row, (folder / row.stored_as).read_bytes()
    except FileNotFoundError as exc:  # removed from the folder by hand
        raise AttachmentNotFound from exc


def _write(folder: Path, name: str, data: bytes) -> None:
    """Write the bytes owner-only, whatever the umask; the folder is made owner-only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
