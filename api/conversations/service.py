"""Conversations and their messages: the steps of a chat turn that touch them.

Finding or starting the conversation, choosing the reply language, cleaning
and storing the user's message (masked, committed before anyone is asked, so
nothing is lost if the assistant is down), and storing what was answered. The
turn that puts these steps in order is api/channels/turn.py.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.addresses import seal
from api.assistant.client import AssistantReply
from api.conversations.models import Conversation, Message, MessageStatus
from api.conversations.schemas import BotMessage, Button, ChatResponse, Handoff
from api.database import utcnow
from api.exceptions import InvalidInput
from bot.language import LanguageDecision, choose_language, explicit_choice
from bot.redaction import redact

log = logging.getLogger(__name__)

# Control characters other than tab and newlines: invisible, and PostgreSQL
# refuses NUL in text columns.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional controls make stored text read differently from what was sent
# ("U+202E" turns the rest of a line around): they are removed, not stored.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def find_conversation(*, db: Session, channel: str, sender: str) -> Conversation | None:
    """The conversation of `sender` on `channel`, if there is one."""
    query = select(Conversation).where(
        Conversation.channel == channel, Conversation.sender == sender
    )
    return db.scalars(query).one_or_none()


def get_or_create_conversation(
    *, db: Session, channel: str, sender: str, language: str, reply_address: str | None = None
) -> Conversation:
    """The conversation of `sender` on `channel`, created (committed) if there is none."""
    conversation = find_conversation(db=db, channel=channel, sender=sender)
    if conversation:
        return conversation
    db.add(
        Conversation(channel=channel, sender=sender, language=language, reply_address=reply_address)
    )
    try:
        db.commit()
    except IntegrityError:  # the same sender's first two messages raced
        db.rollback()
    conversation = find_conversation(db=db, channel=channel, sender=sender)
    assert conversation is not None
    return conversation


def decide_language(
    *, text: str, chosen: str | None, conversation: Conversation | None, channel_hint: str | None
) -> LanguageDecision:
    """The reply language: said in words > picked in the client > sticky choice > ..."""
    choice = chosen or (conversation.chosen_language if conversation else None)
    return choose_language(
        text,
        choice=choice,
        channel_hint=channel_hint,
        previous=conversation.language if conversation else None,
    )


def clean_message(*, text: str, language: str, max_chars: int) -> str:
    """The message without control or bidirectional characters; InvalidInput if empty
    or too long."""
    text = _BIDI.sub("", _CONTROL.sub("", text)).strip()
    if not text:
        raise InvalidInput("error_message_empty", language)
    if len(text) > max_chars:
        raise InvalidInput("error_message_too_long", language, length=len(text), limit=max_chars)
    return text


def cleaned_or_none(*, text: str, max_chars: int) -> str | None:
    """The text as `clean_message` keeps it, cut at `max_chars`; None if empty."""
    kept = _BIDI.sub("", _CONTROL.sub("", text)).strip()[:max_chars]
    return kept or None


def record_inbound(
    *,
    db: Session,
    conversation: Conversation,
    text: str,
    decision: LanguageDecision,
    chosen: str | None,
    seal_key: bytes,
) -> Message:
    """Store the user's message, masked (committed: nothing is lost if the answer
    fails); the original is kept sealed when masking changed it. `chosen` is a
    language the user picked in the client, which sticks."""
    masked = redact(text)
    said = explicit_choice(text)
    if said or chosen:
        conversation.chosen_language = said or chosen
    conversation.language = decision.language
    conversation.last_message_at = utcnow()
    inbound = Message(
        conversation=conversation,
        author="user",
        text=masked,
        language=decision.language,
        language_source=decision.source,
        status=MessageStatus.RECEIVED,
        sealed_original=seal(seal_key, text) if masked != text else None,
    )
    db.add(inbound)
    db.commit()
    return inbound


def record_answer(
    *,
    db: Session,
    conversation: Conversation,
    inbound: Message,
    answer: AssistantReply,
    handoff: Handoff | None,
) -> ChatResponse:
    """Store what the assistant understood of `inbound` and what it said, and answer."""
    inbound.status = MessageStatus.ANSWERED
    inbound.intent = answer.intent
    inbound.intent_confidence = answer.intent_confidence
    inbound.topic = answer.turn.get("topic")
    inbound.unanswered = bool(answer.turn.get("unanswered"))
    inbound.decision = _text_or_none(answer.turn.get("decision"))
    inbound.reasons = _reasons(answer.turn.get("reasons"))
    shown = [
        BotMessage(text=b.text, buttons=[Button(title=t, payload=p) for t, p in b.buttons])
        for b in answer.bubbles
    ]
    for message in shown:  # stored with its choices, as SMS and Telegram show them
        db.add(outbound_message(conversation, "bot", message.as_plain_text()))
    choices = [payload for bubble in answer.bubbles for _title, payload in bubble.buttons]
    conversation.offered_choices = choices or None
    db.commit()
    return ChatResponse(
        sender=conversation.sender,
        language=conversation.language,  # type: ignore[arg-type]
        messages=shown,
        topic=inbound.topic,
        handoff=handoff,
        intent=answer.intent,
        language_source=inbound.language_source,
        decision=inbound.decision,
        reasons=inbound.reasons or [],
    )


def record_gateway_answer(
    *,
    db: Session,
    conversation: Conversation,
    inbound: Message,
    status: MessageStatus,
    said: list[tuple[str, str]],
    **fields: Any,
) -> ChatResponse:
    """Answer with texts of the gateway's own, not the assistant's (`said`: author,
    text), and store both sides."""
    inbound.status = status
    for author, text in said:
        db.add(outbound_message(conversation, author, text))
    db.commit()
    return ChatResponse(
        sender=conversation.sender,
        language=conversation.language,  # type: ignore[arg-type]
        messages=[BotMessage(text=text) for _author, text in said],
        language_source=inbound.language_source,
        **fields,
    )


def offered_choice(conversation: Conversation, text: str) -> str:
    """A bare number answers the numbered choices offered last ("2" -> the second)."""
    offered = conversation.offered_choices or []
    found = _NUMBER.fullmatch(text)
    if found and 1 <= int(found.group(1)) <= len(offered):
        return offered[int(found.group(1)) - 1]
    return text


_NUMBER = re.compile(r"\s*(\d{1,2})[.)]?\s*")


def _text_or_none(value: object) -> str | None:
    return value[:16] if isinstance(value, str) else None


def _reasons(value: object) -> list[str] | None:
    """The action server's reasons, as short texts (it is ours, but stored data is checked)."""
    if not isinstance(value, list):
        return None
    return [str(reason)[:200] for reason in value[:10]]


def outbound_message(conversation: Conversation, author: str, text: str) -> Message:
    """A message to the user (by the bot, the gateway or an agent), not yet added."""
    return Message(
        conversation=conversation,
        author=author,
        text=text,
        language=conversation.language,
        status=MessageStatus.SENT,
    )


def messages_needing_follow_up(*, db: Session, limit: int = 100) -> list[Message]:
    """User messages the assistant could not answer, oldest first."""
    query = (
        select(Message)
        .where(Message.status == MessageStatus.NEEDS_FOLLOW_UP)
        .order_by(Message.id)
        .limit(limit)
    )
    return list(db.scalars(query))


def messages_after(
    *,
    db: Session,
    conversation: Conversation,
    after: int,
    authors: tuple[str, ...] = ("agent", "notice"),
) -> list[Message]:
    """Messages by `authors` in `conversation` with an id above `after`, once they are
    due (a resolve's notice waits while the resolve can be undone: api/tickets)."""
    query = (
        select(Message)
        .where(
            Message.conversation_id == conversation.id,
            Message.id > after,
            Message.author.in_(authors),
            Message.created_at <= utcnow(),
        )
        .order_by(Message.id)
    )
    return list(db.scalars(query))
