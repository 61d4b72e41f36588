"""Chat: decide the language, store the message, ask the assistant (or, while a
person has the conversation, pass it to the ticket), store the answer.

The user's message is committed before the assistant is asked, so nothing the
user wrote is lost if Rasa or the action server is down; such messages are
marked for follow-up and the user is told how else to reach support.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.assistant.client import AssistantReply, AssistantUnavailable, RasaClient
from api.channels.addresses import seal
from api.conversations.models import Conversation, ConversationState, Message, MessageStatus
from api.conversations.schemas import BotMessage, Button, ChatRequest, ChatResponse, Handoff
from api.database import utcnow
from api.exceptions import InvalidInput
from api.tickets.models import Ticket, TicketStatus
from api.tickets.service import set_contact
from bot.language import LanguageDecision, choose_language, explicit_choice
from bot.redaction import contact_details, redact
from bot.replies import reply
from bot.turn import answer_while_waiting

log = logging.getLogger(__name__)

# Control characters other than tab and newlines: invisible, and PostgreSQL
# refuses NUL in text columns.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional controls make stored text read differently from what was sent
# ("U+202E" turns the rest of a line around): they are removed, not stored.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A leading "/" would make Rasa read the rest as an intent ("/restart"): a user's
# text is only ever text.
_COMMAND = re.compile(r"^[/\s]+")


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
    *, text: str, request: ChatRequest, conversation: Conversation | None, channel_hint: str | None
) -> LanguageDecision:
    """The reply language: said in words > picked in the client > sticky choice > ..."""
    choice = request.language or (conversation.chosen_language if conversation else None)
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


def handle_chat(
    *,
    db: Session,
    assistant: RasaClient,
    request: ChatRequest,
    max_chars: int,
    channel_hint: str | None = None,
    known_contact: str | None = None,
    reply_address: str | None = None,
    seal_key: bytes | None = None,
    command: str | None = None,
) -> ChatResponse:
    """Answer one user message (see the module docstring).

    Channel adapters pass the language hint of their channel, the user's
    number where the channel knows it (SMS, phone: it goes to a ticket's
    contact field, nowhere else), the sealed address replies go to, and the
    key that seals a message's original text when masking changed it. `command` is an
    intent the channel itself asks for (Telegram's /start greets); the user's own text
    never reaches the assistant as one."""
    existing = find_conversation(db=db, channel=request.channel, sender=request.sender)
    decision = decide_language(
        text=request.message, request=request, conversation=existing, channel_hint=channel_hint
    )
    cleaned = clean_message(text=request.message, language=decision.language, max_chars=max_chars)
    text = redact(cleaned)
    conversation = existing or get_or_create_conversation(
        db=db, channel=request.channel, sender=request.sender, language=decision.language
    )
    if reply_address and conversation.reply_address is None:
        conversation.reply_address = reply_address
    sealed = seal(seal_key, cleaned) if seal_key is not None and text != cleaned else None
    inbound = _record_inbound(db, conversation, request, text, decision, sealed)
    if conversation.state == ConversationState.HUMAN:
        ticket = open_ticket_of(db=db, conversation=conversation)
        if ticket is not None:
            return _while_a_case_is_open(db, conversation, ticket, inbound, request.sender)
        conversation.state = ConversationState.BOT  # nothing open any more: the bot answers
        db.commit()
    metadata = {
        "language": decision.language,
        "language_source": decision.source,
        "channel": request.channel,
    }
    try:
        answer = assistant.send(
            conversation_key=f"conv-{conversation.id}",
            text=f"/{command}" if command else _as_text(_chosen(conversation, text)),
            metadata=metadata,
        )
    except AssistantUnavailable as exc:
        log.warning("assistant unavailable for conversation %s: %s", conversation.id, exc)
        return _answer_unavailable(db, conversation, inbound, request.sender)
    if answer.turn.get("handoff"):
        order_email = bool(answer.turn.get("order_email"))
        _keep_contact(db, answer.turn["handoff"]["ticket_id"], request, known_contact, order_email)
    return _answer(db, conversation, inbound, answer, request.sender)


def _keep_contact(
    db: Session,
    ticket_id: str,
    request: ChatRequest,
    known_contact: str | None,
    order_email: bool = False,
) -> None:
    """The assistant only ever sees masked text, so the contact the user just gave
    (or, on SMS and phone, their number) reaches the ticket from here. An e-mail address
    that an order gives is the new user's, not the contact (`order_email`)."""
    found = contact_details(request.message, emails=not order_email)
    if known_contact:
        found.append(known_contact)
    if found:
        set_contact(db=db, ticket_id=int(ticket_id), contact=found[0])


def _record_inbound(
    db: Session,
    conversation: Conversation,
    request: ChatRequest,
    text: str,
    decision: LanguageDecision,
    sealed_original: str | None = None,
) -> Message:
    said = explicit_choice(request.message)
    if said or request.language:
        conversation.chosen_language = said or request.language
    conversation.language = decision.language
    conversation.last_message_at = utcnow()
    inbound = Message(
        conversation=conversation,
        author="user",
        text=text,
        language=decision.language,
        language_source=decision.source,
        status=MessageStatus.RECEIVED,
        sealed_original=sealed_original,
    )
    db.add(inbound)
    db.commit()
    return inbound


def _answer(
    db: Session,
    conversation: Conversation,
    inbound: Message,
    answer: AssistantReply,
    sender: str,
) -> ChatResponse:
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
        db.add(_outbound(conversation, "bot", message.as_plain_text()))
    choices = [payload for bubble in answer.bubbles for _title, payload in bubble.buttons]
    conversation.offered_choices = choices or None
    db.commit()
    return ChatResponse(
        sender=sender,
        language=conversation.language,  # type: ignore[arg-type]
        messages=shown,
        topic=inbound.topic,
        handoff=_handoff_of(db, conversation, answer),
        intent=answer.intent,
        language_source=inbound.language_source,
        decision=inbound.decision,
        reasons=inbound.reasons or [],
    )


_NUMBER = re.compile(r"\s*(\d{1,2})[.)]?\s*")


def _as_text(text: str) -> str:
    """The user's text as the assistant must read it: words, never a command."""
    return _COMMAND.sub("", text) or "?"


def _chosen(conversation: Conversation, text: str) -> str:
    """A bare number answers the numbered choices offered last ("2" -> the second)."""
    offered = conversation.offered_choices or []
    found = _NUMBER.fullmatch(text)
    if found and 1 <= int(found.group(1)) <= len(offered):
        return offered[int(found.group(1)) - 1]
    return text


def _handoff_of(db: Session, conversation: Conversation, answer: AssistantReply) -> Handoff | None:
    """The hand-off of this turn, or the case opened earlier while its form still asks."""
    if answer.turn.get("handoff"):
        return Handoff(**answer.turn["handoff"])
    ticket = open_ticket_of(db=db, conversation=conversation)
    if ticket is None:
        return None
    return Handoff(ticket_id=str(ticket.id), queue=ticket.queue, priority=ticket.priority)


def _text_or_none(value: object) -> str | None:
    return value[:16] if isinstance(value, str) else None


def _reasons(value: object) -> list[str] | None:
    """The action server's reasons, as short texts (it is ours, but stored data is checked)."""
    if not isinstance(value, list):
        return None
    return [str(reason)[:200] for reason in value[:10]]


def open_ticket_of(*, db: Session, conversation: Conversation) -> Ticket | None:
    """The conversation's newest unresolved ticket, if any."""
    query = (
        select(Ticket)
        .where(Ticket.conversation_id == conversation.id, Ticket.status != TicketStatus.RESOLVED)
        .order_by(Ticket.id.desc())
    )
    return db.scalars(query).first()


def _while_a_case_is_open(
    db: Session, conversation: Conversation, ticket: Ticket, inbound: Message, sender: str
) -> ChatResponse:
    """While the case waits in its queue, the assistant still answers plain knowledge
    questions (the answer is part of the ticket's transcript, as the assistant's);
    everything else, and everything once an agent has claimed it, goes to the ticket."""
    language = conversation.language
    handoff = Handoff(ticket_id=str(ticket.id), queue=ticket.queue, priority=ticket.priority)
    claimed = ticket.assigned_agent
    answered = answer_while_waiting(inbound.text, language) if claimed is None else None
    if answered is None:
        if claimed is None:
            text = reply("handoff_forwarded", language, ticket=ticket.id)
        else:
            agent = claimed.display_name
            text = reply("handoff_forwarded_claimed", language, ticket=ticket.id, agent=agent)
        return _system_answer(
            db, conversation, inbound, MessageStatus.FOR_AGENT, text, sender=sender, handoff=handoff
        )
    inbound.status = MessageStatus.ANSWERED
    inbound.topic = answered.topic
    inbound.decision = answered.outcome
    inbound.reasons = list(answered.reasons)
    article = answered.knowledge.text()
    waiting = reply("waiting_answered", language, ticket=ticket.id)
    db.add(_outbound(conversation, "bot", article))
    db.add(_outbound(conversation, "system", waiting))
    db.commit()
    return ChatResponse(
        sender=sender,
        language=language,  # type: ignore[arg-type]
        messages=[BotMessage(text=article), BotMessage(text=waiting)],
        topic=answered.topic,
        handoff=handoff,
        language_source=inbound.language_source,
        decision=answered.outcome,
        reasons=list(answered.reasons),
    )


def _answer_unavailable(
    db: Session, conversation: Conversation, inbound: Message, sender: str
) -> ChatResponse:
    text = reply("assistant_unavailable", conversation.language)
    return _system_answer(
        db,
        conversation,
        inbound,
        MessageStatus.NEEDS_FOLLOW_UP,
        text,
        sender=sender,
        assistant_available=False,
    )


def _system_answer(
    db: Session,
    conversation: Conversation,
    inbound: Message,
    status: MessageStatus,
    text: str,
    **fields: Any,
) -> ChatResponse:
    """Answer with a text of the gateway's own (not the assistant's) and store both sides."""
    inbound.status = status
    db.add(_outbound(conversation, "system", text))
    db.commit()
    return ChatResponse(
        language=conversation.language,  # type: ignore[arg-type]
        messages=[BotMessage(text=text)],
        language_source=inbound.language_source,
        **fields,
    )


def _outbound(conversation: Conversation, author: str, text: str) -> Message:
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
    channel: str,
    sender: str,
    after: int,
    authors: tuple[str, ...] = ("agent", "notice"),
) -> list[Message]:
    """Messages by `authors` in the sender's conversation with an id above `after`."""
    conversation = find_conversation(db=db, channel=channel, sender=sender)
    if conversation is None:
        return []
    query = (
        select(Message)
        .where(
            Message.conversation_id == conversation.id,
            Message.id > after,
            Message.author.in_(authors),
        )
        .order_by(Message.id)
    )
    return list(db.scalars(query))
