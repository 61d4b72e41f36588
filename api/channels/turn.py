"""One user message, on any channel, from its arrival to the answer.

The steps, in order: normalise the text, decide the language, record the
message, route it to the bot or to the open ticket, answer, record the answer.
Each step lives with the data it touches (api/conversations/service.py,
api/tickets/, api/assistant/); this module only puts them in order. The user's
message is committed before the assistant is asked, so nothing the user wrote
is lost if Rasa or the action server is down; such messages are marked for
follow-up and the user is told how else to reach support.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.orm import Session

from api.addresses import address_secret
from api.assistant.client import AssistantReply, AssistantUnavailable, RasaClient
from api.channels.base import Channel, Inbound, Out, Raw, Turn
from api.config import Settings
from api.conversations import service as conversations
from api.conversations.models import Conversation, ConversationState, Message, MessageStatus
from api.conversations.schemas import ChatResponse, Handoff
from api.exceptions import InvalidInput
from api.feedback.service import ask_at_the_end
from api.feedback.service import take_answer as feedback_answer
from api.incidents.service import with_notices
from api.ratelimit import RateLimited, RateLimits, Scope
from api.tickets.inbound import handoff_of, while_case_is_open
from api.tickets.queries import open_ticket_of
from api.tickets.service import set_contact
from bot.language import LanguageDecision
from bot.redaction import contact_details
from bot.replies import reply

log = logging.getLogger(__name__)

# A leading "/" would make Rasa read the rest as an intent ("/restart"): a user's
# text is only ever text.
_COMMAND = re.compile(r"^[/\s]+")


def take_turn(*, db: Session, assistant: RasaClient, settings: Settings, inbound: Inbound) -> Turn:
    """Answer `inbound` (see the module docstring). A message the user can fix
    (empty, too long) is not stored: the turn says why it was refused."""
    existing, decision = arrival(db, inbound)
    try:
        text = conversations.clean_message(
            text=inbound.text, language=decision.language, max_chars=settings.max_message_chars
        )
    except InvalidInput as refused:
        return Turn(inbound, language=refused.language, conversation=existing, refused=refused)
    conversation, message = record_message(db, settings, inbound, existing, decision, text)
    response = (
        feedback_answer(db, conversation, message, settings)
        or _to_ticket(db, conversation, message)
        or ask_at_the_end(
            db,
            settings,
            conversation,
            _to_assistant(db, assistant, conversation, message, inbound, original=text),
        )
    )
    response = with_notices(db, conversation, response)
    return Turn(inbound, language=response.language, conversation=conversation, response=response)


def arrival(db: Session, inbound: Inbound) -> tuple[Conversation | None, LanguageDecision]:
    """The sender's conversation so far, if any, and the language of this message."""
    existing = conversations.find_conversation(
        db=db, channel=inbound.channel, sender=inbound.sender
    )
    decision = conversations.decide_language(
        text=inbound.text,
        chosen=inbound.language,
        conversation=existing,
        channel_hint=inbound.language_hint,
    )
    return existing, decision


def record_message(
    db: Session,
    settings: Settings,
    inbound: Inbound,
    existing: Conversation | None,
    decision: LanguageDecision,
    text: str,
) -> tuple[Conversation, Message]:
    """Store the cleaned message, in a new conversation if the sender has none."""
    conversation = existing or conversations.get_or_create_conversation(
        db=db, channel=inbound.channel, sender=inbound.sender, language=decision.language
    )
    if inbound.reply_address and conversation.reply_address is None:
        conversation.reply_address = inbound.reply_address
    message = conversations.record_inbound(
        db=db,
        conversation=conversation,
        text=text,
        decision=decision,
        chosen=inbound.language,
        seal_key=address_secret(settings),
    )
    return conversation, message


def _to_ticket(db: Session, conversation: Conversation, message: Message) -> ChatResponse | None:
    """The answer while a person has the case; None if the bot answers."""
    if conversation.state != ConversationState.HUMAN:
        return None
    ticket = open_ticket_of(db=db, conversation=conversation)
    if ticket is None:  # nothing open any more: the bot answers
        conversation.state = ConversationState.BOT
        db.commit()
        return None
    return while_case_is_open(db=db, conversation=conversation, ticket=ticket, inbound=message)


def _to_assistant(
    db: Session,
    assistant: RasaClient,
    conversation: Conversation,
    message: Message,
    inbound: Inbound,
    *,
    original: str,
) -> ChatResponse:
    """Ask the assistant about the (masked) message; its answer, recorded."""
    metadata = {
        "language": conversation.language,
        "language_source": message.language_source,
        "channel": conversation.channel,
    }
    try:
        answer = assistant.send(
            conversation_key=f"conv-{conversation.id}",
            text=f"/{inbound.command}"
            if inbound.command
            else assistant_text(conversation, message),
            metadata=metadata,
        )
    except AssistantUnavailable as exc:
        log.warning("assistant unavailable for conversation %s: %s", conversation.id, exc)
        return conversations.record_gateway_answer(
            db=db,
            conversation=conversation,
            inbound=message,
            status=MessageStatus.NEEDS_FOLLOW_UP,
            said=[("system", reply("assistant_unavailable", conversation.language))],
            assistant_available=False,
        )
    if answer.turn.get("handoff"):
        _keep_contact(db, answer, original, inbound.contact)
    return conversations.record_answer(
        db=db,
        conversation=conversation,
        inbound=message,
        answer=answer,
        handoff=_handoff(db, conversation, answer),
    )


def assistant_text(conversation: Conversation, message: Message) -> str:
    """The user's (masked) text as the assistant must read it: a bare number picks one
    of the choices offered last, and the text is words, never a command."""
    return _COMMAND.sub("", conversations.offered_choice(conversation, message.text)) or "?"


def _keep_contact(db: Session, answer: AssistantReply, original: str, known: str | None) -> None:
    """The assistant only ever sees masked text, so the contact the user just gave
    (or, on SMS and phone, their number) reaches the ticket from here. An e-mail
    address that an order gives is the new user's, not the contact."""
    found = contact_details(original, emails=not answer.turn.get("order_email"))
    if known:
        found.append(known)
    if found:
        set_contact(db=db, ticket_id=int(answer.turn["handoff"]["ticket_id"]), contact=found[0])


def _handoff(db: Session, conversation: Conversation, answer: AssistantReply) -> Handoff | None:
    """The hand-off of this turn, or the case opened earlier while its form still asks."""
    if answer.turn.get("handoff"):
        return Handoff(**answer.turn["handoff"])
    ticket = open_ticket_of(db=db, conversation=conversation)
    return handoff_of(ticket) if ticket is not None else None


def admit_from_provider(
    *, db: Session, settings: Settings, limits: RateLimits, inbound: Inbound, client: str
) -> None:
    """Count a provider's webhook message against the limits per client address and
    per sender. Over them, the message is stored for a person to follow up (the
    provider may not deliver it again, and it must not be lost) and refused with 429."""
    try:
        limits.check(Scope.WEBHOOK_CLIENT, client)
        limits.check(Scope.WEBHOOK_SENDER, f"{inbound.channel}:{inbound.sender}")
    except RateLimited:
        _keep_for_follow_up(db, settings, inbound)
        raise


def _keep_for_follow_up(db: Session, settings: Settings, inbound: Inbound) -> None:
    existing, decision = arrival(db, inbound)
    text = conversations.cleaned_or_none(text=inbound.text, max_chars=settings.max_message_chars)
    if text is None:  # nothing a person could read
        return
    _, message = record_message(db, settings, inbound, existing, decision, text)
    message.status = MessageStatus.NEEDS_FOLLOW_UP
    db.commit()


def handle(
    channel: Channel[Raw, Out],
    raw: Raw,
    *,
    db: Session,
    assistant: RasaClient,
    settings: Settings,
) -> Out | None:
    """What `channel` answers to `raw`; None when there is nothing to answer."""
    inbound = channel.receive(raw)
    if inbound is None:
        return None
    return channel.render(take_turn(db=db, assistant=assistant, settings=settings, inbound=inbound))


def conversation_of(db: Session, turn: Turn) -> Conversation:
    """The conversation that the answer to `turn` is sent from. A new user's first
    message that was refused (empty, too long) has none yet: it is made here."""
    inbound = turn.inbound
    return turn.conversation or conversations.get_or_create_conversation(
        db=db,
        channel=inbound.channel,
        sender=inbound.sender,
        language=turn.language,
        reply_address=inbound.reply_address,
    )
