"""POST /api/v1/chat."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.channels.addresses import address_secret, pseudonym
from api.conversations import service
from api.conversations.schemas import (
    Channel,
    ChatRequest,
    ChatResponse,
    ConversationMessage,
    MessagePage,
)
from api.deps import MAX_ID, AssistantDep, SessionDep, SettingsDep
from bot.channels.sms import phone_language_hint

router = APIRouter(prefix="/api/v1", tags=["chat"])

PHONE_CHANNELS = ("sms", "voice")


@router.post("/chat", response_model=ChatResponse)
def chat(
    request: ChatRequest, db: SessionDep, assistant: AssistantDep, settings: SettingsDep
) -> ChatResponse:
    """Send one message to the assistant and get its answer in the user's language."""
    if request.channel in PHONE_CHANNELS:  # the sender is a phone number: keep it out of storage
        number = request.sender
        sender = pseudonym(address_secret(settings), request.channel, number)
        stored = request.model_copy(update={"sender": sender})
        new = service.find_conversation(db=db, channel=request.channel, sender=sender) is None
        answer = service.handle_chat(
            db=db,
            assistant=assistant,
            request=stored,
            max_chars=settings.max_message_chars,
            channel_hint=phone_language_hint(number, request.message, new_conversation=new),
            known_contact=number,
            seal_key=address_secret(settings),
        )
        return answer.model_copy(update={"sender": number})
    return service.handle_chat(
        db=db,
        assistant=assistant,
        request=request,
        max_chars=settings.max_message_chars,
        seal_key=address_secret(settings),
    )


@router.get("/chat/messages", response_model=MessagePage)
def new_messages(
    db: SessionDep,
    sender: Annotated[str, Query(min_length=1, max_length=128)],
    channel: Channel = "web",
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> MessagePage:
    """Agents' replies and support notices (such as "case resolved") newer than message
    `after`, for polling."""
    found = service.messages_after(db=db, channel=channel, sender=sender, after=after)
    return MessagePage(messages=[ConversationMessage.model_validate(m) for m in found])
