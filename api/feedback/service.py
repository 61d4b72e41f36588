"""Customer feedback: the question after a resolve, and its answer.

Two moments ask the same short question (was it solved, 1 to 5, an optional
comment):

- after a resolve (`ask_after_resolve`, called by api/tickets/service.py):
  once per ticket, told with the resolve's notice, when the undo window has
  passed, and withdrawn with it (`withdraw_question`). On the phone there is
  nothing to write back to, so the question goes by SMS to the number in the
  ticket's contact field (a call's only record of the caller's number), when
  it is a mobile number; it is put in the SMS conversation of that number (its
  pseudonym), so the SMS answer finds it like any answer on SMS;
- at the end of a conversation the assistant answered alone (`ask_at_the_end`):
  the user thanks or says goodbye after a knowledge answer, and no ticket was
  ever opened. At most one question per conversation per day.

An answer is a message that starts with a digit 1-5 ("4", "4 quick and
friendly", "4/5"), while a question is open in the conversation. Anything else
is not an answer: the turn goes on as usual, and the question lapses after
`feedback_answer_hours`. After a bare digit the next message may be its
comment, unless it asks something or needs a person. Comments are masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import phonenumbers
import yaml
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.addresses import address_secret, pseudonym, seal
from api.config import Settings, get_settings
from api.conversations.models import Conversation, ConversationState, Message, MessageStatus
from api.conversations.schemas import BotMessage, Button, ChatResponse
from api.conversations.service import find_conversation, record_gateway_answer
from api.database import utcnow
from api.feedback.models import Feedback, FeedbackKind
from api.outbox.service import enqueue, withdraw
from api.tickets.models import Ticket
from bot.knowledge.articles import KNOWLEDGE
from bot.redaction import redact
from bot.replies import reply
from bot.triage import needs_person

SCORES = range(1, 6)
SATISFIED = 4  # 4 and 5 count as satisfied on the dashboard
# The turn intents that end a conversation the assistant answered.
ENDINGS = ("thanks", "goodbye")
ONCE_PER = timedelta(days=1)  # at most one question per conversation in this time
DEFAULT_QUEUE = "general"  # a learned article's topic has no queue of its own
DECISION = "feedback"  # the turn decision stored on an answer
AUTHOR = "feedback"  # the question's message (the web chat polls it; not a notice)
# "4", "4.", "4/5", "4 quick and friendly", "4 - bra": a digit 1-5 alone, not part
# of a number or a word ("45 minutes", "2fa"), then the comment.
_ANSWER = re.compile(r"\s*([1-5])(?:\s*/\s*5)?(?=$|[\s\-–—:,.!)])[\s\-–—:,.!)]*(.*)", re.DOTALL)


@dataclass(frozen=True)
class Answer:
    score: int
    comment: str | None


def parse_answer(text: str) -> Answer | None:
    """The score and comment in `text`, or None if it does not start with a score."""
    found = _ANSWER.fullmatch(text)
    if found is None:
        return None
    comment = " ".join(found.group(2).split())
    return Answer(int(found.group(1)), comment or None)


def _settings(settings: Settings | None) -> Settings:
    # api/tickets/service.py resolves without the app's settings at hand: the
    # process's own (the same environment the app was built from).
    return settings or get_settings()


# ---- asking after a resolve -------------------------------------------------------


def ask_after_resolve(
    *, db: Session, ticket: Ticket, at: datetime, settings: Settings | None = None
) -> Feedback | None:
    """Ask the ticket's user how it went, told from `at` (with the resolve's notice);
    None when switched off, asked for this ticket already, or nowhere to ask (a call
    from a number that takes no SMS). The caller commits."""
    settings = _settings(settings)
    if not settings.feedback_enabled or _asked_for(db, ticket.id):
        return None
    conversation = ticket.conversation
    key, params = "feedback_question", {"ticket": ticket.id}
    if conversation.channel == "voice":
        sms = _sms_conversation(db, settings, ticket)
        if sms is None:
            return None
        conversation, key = sms, "feedback_question_after_call"
    text = reply(key, ticket.language, **params)
    row = Feedback(
        kind=FeedbackKind.PERSON,
        ticket_id=ticket.id,
        queue=ticket.queue,
        language=ticket.language,
        channel=conversation.channel,
        asked_at=at,
        expires_at=at + timedelta(hours=settings.feedback_answer_hours),
    )
    try:
        with db.begin_nested():
            db.add(row)
            _ask(db, row, conversation, text, case=ticket.id)
    except IntegrityError:  # the same ticket resolved twice at once
        return None
    return row


def _asked_for(db: Session, ticket_id: int) -> bool:
    return bool(db.scalar(select(exists().where(Feedback.ticket_id == ticket_id))))


def _ask(
    db: Session, row: Feedback, conversation: Conversation, text: str, *, case: int | None
) -> Message:
    """The question in `conversation` (the web chat polls it) and in its outbox (push
    channels; automatic, as a notice is), both from `row.asked_at` on."""
    message = Message(
        conversation=conversation,
        author=AUTHOR,
        text=text,
        language=row.language,
        status=MessageStatus.SENT,
        created_at=row.asked_at,
    )
    db.add(message)
    db.flush()
    row.conversation_id, row.question_message_id = conversation.id, message.id
    enqueue(
        db=db,
        conversation=conversation,
        text=text,
        kind=AUTHOR,
        key=_outbox_key(message.id),
        case=case,
        not_before=row.asked_at,
    )
    return message


def _outbox_key(message_id: int) -> str:
    return f"message-{message_id}"  # as api/tickets/service.py keys what it says


def mobile_number(contact: str | None) -> str | None:
    """`contact` as E.164 if it is a valid mobile number (Swedish unless it says
    otherwise); None for a landline, a number that may be either, or no number."""
    if not contact:
        return None
    try:
        parsed = phonenumbers.parse(contact, "SE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _sms_conversation(db: Session, settings: Settings, ticket: Ticket) -> Conversation | None:
    """The SMS conversation of the caller's mobile number (made if there is none): it
    is keyed by the number's SMS pseudonym, as the caller's SMS answer will be."""
    number = mobile_number(ticket.contact)
    if number is None:
        return None
    secret = address_secret(settings)
    sender = pseudonym(secret, "sms", number)
    conversation = find_conversation(db=db, channel="sms", sender=sender)
    if conversation is None:
        conversation = Conversation(channel="sms", sender=sender, language=ticket.language)
        db.add(conversation)
    if conversation.reply_address is None:
        conversation.reply_address = seal(secret, number)
    return conversation


def withdraw_question(*, db: Session, ticket_id: int, now: datetime) -> bool:
    """Take back the ticket's question with its resolve (undone or reopened before it
    was told), so a later resolve asks afresh: False if it has been, or is being,
    told already. The caller commits."""
    row = db.scalars(select(Feedback).where(Feedback.ticket_id == ticket_id)).first()
    if row is None:
        return True
    if row.asked_at <= now:
        return False
    message = db.get(Message, row.question_message_id) if row.question_message_id else None
    if message is not None:
        if not withdraw(db=db, key=_outbox_key(message.id)):
            return False
        message.conversation.messages.remove(message)  # never shown: deleted
    db.delete(row)
    return True


# ---- asking at the end of a conversation the assistant answered alone -------------


def ask_at_the_end(
    db: Session,
    settings: Settings,
    conversation: Conversation,
    response: ChatResponse,
    now: datetime | None = None,
) -> ChatResponse:
    """`response`, with the question after it when the user ends a conversation the
    assistant answered alone (see the module docstring)."""
    now = now or utcnow()
    topic = _ending_after_answer(db, settings, conversation, response, now)
    if topic is None:
        return response
    text = reply("feedback_question_assistant", conversation.language)
    row = Feedback(
        kind=FeedbackKind.ASSISTANT,
        conversation_id=conversation.id,
        queue=topic_queue(topic),
        language=conversation.language,
        channel=conversation.channel,
        asked_at=now,
        expires_at=now + timedelta(hours=settings.feedback_answer_hours),
    )
    message = Message(
        conversation=conversation,
        author="bot",
        text=text,
        language=conversation.language,
        status=MessageStatus.SENT,
        created_at=now,
    )
    db.add_all([row, message])
    db.flush()
    row.question_message_id = message.id
    db.commit()
    buttons = score_buttons() if conversation.channel == "web" else []
    asked = BotMessage(text=text, buttons=buttons)
    return response.model_copy(update={"messages": [*response.messages, asked]})


def _ending_after_answer(
    db: Session,
    settings: Settings,
    conversation: Conversation,
    response: ChatResponse,
    now: datetime,
) -> str | None:
    """The topic the assistant last answered, if this turn ends a conversation it
    answered alone and none asked the question within a day; else None. A call is
    not asked (it ends there, and it may be from a number that takes no SMS)."""
    if (
        not settings.feedback_enabled
        or conversation.channel == "voice"
        or response.intent not in ENDINGS
        or response.decision != "small_talk"
        or response.handoff is not None
    ):
        return None
    had_ticket = db.scalar(select(exists().where(Ticket.conversation_id == conversation.id)))
    asked_lately = db.scalar(
        select(
            exists().where(
                Feedback.conversation_id == conversation.id, Feedback.asked_at > now - ONCE_PER
            )
        )
    )
    if had_ticket or asked_lately:
        return None
    return db.scalars(
        select(Message.topic)
        .where(
            Message.conversation_id == conversation.id,
            Message.author == "user",
            Message.decision == "answer",
            Message.topic.is_not(None),
        )
        .order_by(Message.id.desc())
        .limit(1)
    ).first()


@cache
def _topic_queues() -> dict[str, str]:
    data = yaml.safe_load((KNOWLEDGE / "topics.yml").read_text(encoding="utf-8"))
    return {topic: str(spec["queue"]) for topic, spec in data["topics"].items()}


def topic_queue(topic: str) -> str:
    """The queue that handles follow-up questions on `topic` (knowledge/topics.yml)."""
    return _topic_queues().get(topic, DEFAULT_QUEUE)


def score_buttons() -> list[Button]:
    return [Button(title=str(n), payload=str(n)) for n in SCORES]


def buttons_for(db: Session, message_ids: Iterable[int]) -> dict[int, list[Button]]:
    """The score buttons of those of `message_ids` that are questions still open (for
    the web chat's polled messages)."""
    ids = list(message_ids)
    if not ids:
        return {}
    now = utcnow()
    open_ids = db.scalars(
        select(Feedback.question_message_id).where(
            Feedback.question_message_id.in_(ids),
            Feedback.answered_at.is_(None),
            Feedback.expires_at > now,
        )
    )
    return {message_id: score_buttons() for message_id in open_ids if message_id is not None}


# ---- answers ----------------------------------------------------------------------


def take_answer(
    db: Session,
    conversation: Conversation,
    message: Message,
    settings: Settings | None = None,
    *,
    body: str | None = None,
) -> ChatResponse | None:
    """If `message` answers a feedback question the conversation was asked, record it
    and return the thanks; None when it is not an answer (the turn goes on as usual).
    `body`: a mail's text after its subject line, read when the whole is no answer."""
    if conversation.state == ConversationState.HUMAN:  # a person has the case again
        return None
    now = utcnow()
    answer = parse_answer(message.text) or (parse_answer(body) if body else None)
    if answer is None:
        return _take_comment(db, conversation, message, now)
    question = _open_question(db, conversation, now)
    if question is None or _choices_offered_since(db, conversation, question):
        return None
    question.score, question.answered_at = answer.score, now
    if answer.comment:
        question.comment = redact(answer.comment)
        key = "feedback_thanks"
    else:
        wait = timedelta(minutes=_settings(settings).feedback_comment_minutes)
        question.comment_until = now + wait
        key = "feedback_thanks_ask_comment"
    return _thanked(db, conversation, message, key)


def _open_question(db: Session, conversation: Conversation, now: datetime) -> Feedback | None:
    return db.scalars(
        select(Feedback)
        .where(
            Feedback.conversation_id == conversation.id,
            Feedback.answered_at.is_(None),
            Feedback.asked_at <= now,
            Feedback.expires_at > now,
        )
        .order_by(Feedback.asked_at.desc())
        .limit(1)
    ).first()


def _choices_offered_since(db: Session, conversation: Conversation, question: Feedback) -> bool:
    """Whether the assistant offered numbered choices after the question: a bare
    number then picks one of them."""
    if not conversation.offered_choices or question.question_message_id is None:
        return False
    latest = db.scalar(
        select(func.max(Message.id)).where(
            Message.conversation_id == conversation.id, Message.author == "bot"
        )
    )
    return latest is not None and latest > question.question_message_id


def _take_comment(
    db: Session, conversation: Conversation, message: Message, now: datetime
) -> ChatResponse | None:
    """The comment after a bare score, if `message` is one: not a question, nothing
    that needs a person (those go on to the assistant, and the comment is not asked
    for again)."""
    row = db.scalars(
        select(Feedback)
        .where(
            Feedback.conversation_id == conversation.id,
            Feedback.comment.is_(None),
            Feedback.comment_until > now,
        )
        .order_by(Feedback.answered_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    row.comment_until = None
    if "?" in message.text or needs_person(message.text) is not None:
        db.commit()
        return None
    row.comment = redact(" ".join(message.text.split()))
    return _thanked(db, conversation, message, "feedback_thanks_comment")


def _thanked(db: Session, conversation: Conversation, message: Message, key: str) -> ChatResponse:
    message.decision = DECISION
    return record_gateway_answer(
        db=db,
        conversation=conversation,
        inbound=message,
        status=MessageStatus.ANSWERED,
        said=[("bot", reply(key, conversation.language))],
        intent=DECISION,
        decision=DECISION,
    )
