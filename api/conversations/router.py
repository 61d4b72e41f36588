"""POST /api/v1/chat."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.conversations import service
from api.conversations.schemas import (
    Channel,
    ChatRequest,
    ChatResponse,
    ConversationMessage,
    MessagePage,
)
from api.deps import AssistantDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/chat", response_model=ChatResponse)
def chat(
    request: ChatRequest, db: SessionDep, assistant: AssistantDep, settings: SettingsDep
) -> ChatResponse:
    """Send one message to the assistant and get its answer in the user's language."""
    return service.handle_chat(
        db=db, assistant=assistant, request=request, max_chars=settings.max_message_chars
    )


@router.get("/chat/messages", response_model=MessagePage)
def new_messages(
    db: SessionDep,
    sender: Annotated[str, Query(min_length=1, max_length=128)],
    channel: Channel = "web",
    after: Annotated[int, Query(ge=0)] = 0,
) -> MessagePage:
    """Agents' replies and support notices (such as "case resolved") newer than message
    `after`, for polling."""
    found = service.messages_after(db=db, channel=channel, sender=sender, after=after)
    return MessagePage(messages=[ConversationMessage.model_validate(m) for m in found])
