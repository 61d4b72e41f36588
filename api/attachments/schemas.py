"""JSON of the attachments endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    message_id: int
    filename: str
    content_type: str
    size: int
    created_at: datetime


class AttachmentList(BaseModel):
    attachments: list[AttachmentRead]
