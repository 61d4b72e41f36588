"""The web chat: POST /api/v1/chat and GET /api/v1/chat/messages.

Only the web channel comes in here. A sender id here is whatever the widget
made up, so it proves nothing: the first answer gives the conversation a
token (api/conversations/tokens.py), and every later call must show it. SMS,
phone and Telegram conversations are reached only through their own signed
webhooks, so nobody can write as a phone number or read its replies here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.addresses import AddressUnreadable, address_secret, unseal
from api.agents.models import Agent
from api.channels.base import Channel, Inbound, Turn
from api.channels.turn import handle
from api.config import Settings
from api.conversations import service
from api.conversations.models import Conversation, ConversationState, Message
from api.conversations.schemas import ChatRequest, ChatResponse, ConversationMessage, MessagePage
from api.conversations.tokens import HEADER, ConversationForbidden, holds_token, issue_token
from api.database import utcnow
from api.deps import MAX_ID, AssistantDep, SessionDep, SettingsDep
from api.feedback.service import buttons_for as feedback_buttons
from api.ratelimit import RateLimitsDep, Scope, client_address
from bot.language import choose_language

router = APIRouter(prefix="/api/v1", tags=["chat"])

# What the user sees of their conversation: their messages, the assistant's, the
# gateway's own answers ("system": the assistant is down, the case waits), agents'
# replies, notices and the feedback question (api/feedback); nothing only agents see.
SHOWN_TO_USER = ("user", "bot", "system", "agent", "notice", "feedback")
# What polling brings while a person has the case, or just had it.
POLLED = ("agent", "notice", "feedback")
# A conversation is open while a person has its case, or for this long after its
# latest message; after that the widget starts a new one.
OPEN_FOR = timedelta(hours=24)

ConversationToken = Annotated[
    str | None,
    Header(
        alias=HEADER,
        max_length=128,
        description="The conversation_token of the first answer; needed on every later call",
    ),
]


class WebChat(Channel[ChatRequest, ChatResponse]):
    """The chat widget (and anything else that speaks the chat API)."""

    name = "web"

    def __init__(self, db: Session, token: str | None) -> None:
        self.db, self.token = db, token

    def receive(self, raw: ChatRequest) -> Inbound:
        """The message, if the caller holds the conversation's token (403 otherwise)."""
        existing = service.find_conversation(db=self.db, channel=self.name, sender=raw.sender)
        if existing is not None and not holds_token(existing, self.token):
            language = choose_language(raw.message, choice=raw.language).language
            raise ConversationForbidden(language=language)
        return Inbound(
            channel=self.name, sender=raw.sender, text=raw.message, language=raw.language
        )

    def render(self, turn: Turn) -> ChatResponse:
        """The answer; a message the user can fix is a 422 with the reason in their
        language. The first answer carries the conversation's token."""
        if turn.refused is not None:
            raise turn.refused
        assert turn.response is not None and turn.conversation is not None
        if turn.conversation.token_hash is not None:
            return turn.response
        token = issue_token(db=self.db, conversation=turn.conversation)
        return turn.response.model_copy(update={"conversation_token": token})


@router.post("/chat", response_model=ChatResponse)
def chat(
    request: ChatRequest,
    db: SessionDep,
    assistant: AssistantDep,
    settings: SettingsDep,
    limits: RateLimitsDep,
    http: Request,
    token: ConversationToken = None,
) -> ChatResponse:
    """Send one message to the assistant and get its answer in the user's language.

    The first answer carries `conversation_token`; send it back in the
    X-Conversation-Token header with every later message of the same sender."""
    language = choose_language(request.message, choice=request.language).language
    limits.check(Scope.CHAT_CLIENT, client_address(http), language)
    limits.check(Scope.CHAT_SENDER, request.sender, language)
    answer = handle(WebChat(db, token), request, db=db, assistant=assistant, settings=settings)
    assert answer is not None  # the web chat answers every message
    return answer


@router.get("/chat/messages", response_model=MessagePage)
def new_messages(
    db: SessionDep,
    settings: SettingsDep,
    limits: RateLimitsDep,
    http: Request,
    sender: Annotated[str, Query(min_length=1, max_length=128)],
    token: ConversationToken = None,
    channel: Annotated[
        Literal["web"], Query(description="Always web (as the widget sends it)")
    ] = "web",
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    history: Annotated[
        bool,
        Query(description="Every message the user sees (theirs and the assistant's too)"),
    ] = False,
) -> MessagePage:
    """Agents' replies and support notices (such as "case resolved") newer than message
    `after`, for polling; for the holder of the conversation's token only.

    With `history=true`, every message the user is to see, newer than `after`:
    their own (masked as stored: personal data they wrote comes back masked), the
    assistant's (its choices as numbered lines), the gateway's own answers
    (`system`), agents' (as they wrote them, with `agent_name`) and notices, so the
    widget can show the conversation again after a reload. Only while the
    conversation is open: a person has its case, or its latest message is less than
    24 hours old. Once it is closed the list is empty, and the widget starts a new
    conversation."""
    limits.check(Scope.MESSAGES_CLIENT, client_address(http))
    limits.check(Scope.MESSAGES_SENDER, sender)
    conversation = service.find_conversation(db=db, channel=WebChat.name, sender=sender)
    if conversation is None or not holds_token(conversation, token):
        raise ConversationForbidden(language=conversation.language if conversation else None)
    if history:
        shown = service.messages_after(
            db=db, conversation=conversation, after=0, authors=SHOWN_TO_USER
        )
        found = [m for m in shown if m.id > after] if _is_open(conversation, shown) else []
    else:
        found = service.messages_after(
            db=db, conversation=conversation, after=after, authors=POLLED
        )
    names = _agent_names(db, found)
    choices = feedback_buttons(db, (m.id for m in found))
    return MessagePage(
        messages=[
            _as_sent(m, settings, names.get(m.agent_id) if m.agent_id else None).model_copy(
                update={"buttons": choices.get(m.id, [])}
            )
            for m in found
        ]
    )


def _is_open(conversation: Conversation, messages: Sequence[Message]) -> bool:
    """Whether a person has the case, or the latest message is younger than OPEN_FOR."""
    if conversation.state == ConversationState.HUMAN:
        return True
    return bool(messages) and messages[-1].created_at > utcnow() - OPEN_FOR


def _agent_names(db: Session, messages: Sequence[Message]) -> dict[int, str]:
    """The display name of each agent who wrote one of `messages`, by agent id."""
    ids = {m.agent_id for m in messages if m.agent_id is not None}
    if not ids:
        return {}
    rows = db.execute(select(Agent.id, Agent.display_name).where(Agent.id.in_(ids))).all()
    return {agent_id: name for agent_id, name in rows}


def _as_sent(message: Message, settings: Settings, agent_name: str | None) -> ConversationMessage:
    """The message as the user is to read it: an agent's words as the agent wrote them
    (only the stored copy is masked), with the agent's name."""
    shown = ConversationMessage.model_validate(message).model_copy(
        update={"agent_name": agent_name}
    )
    if message.author != "agent" or message.sealed_original is None:
        return shown
    try:
        return shown.model_copy(
            update={"text": unseal(address_secret(settings), message.sealed_original)}
        )
    except AddressUnreadable:  # sealed under an earlier key: the masked copy, then
        return shown
