"""POST /api/v1/chat."""

from __future__ import annotations

from fastapi import APIRouter

from api.conversations import service
from api.conversations.schemas import ChatRequest, ChatResponse
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
