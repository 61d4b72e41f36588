"""SMS through Twilio: answer an incoming SMS as a chat turn, in the TwiML answer.

The answer goes back in the webhook's own HTTP answer (TwiML `<Message>`), so
no second request to Twilio is needed; it is recorded in the outbox as sent,
so the per-number limit counts it like the agents' replies, which the outbox
sender sends later through twilio's REST client.

A conversation is keyed by a pseudonym of the phone number: the number is
personal data. It is stored only sealed (for agents' replies) and, when a
ticket is opened, in the ticket's contact field; it is never logged.

The sender's country code suggests the language of a first message that does
not show its own (see `language_hint`).

An answer longer than three SMS is cut at a sentence and ends with "Svara MER
så skickar jag resten"; "MER" then gets the next part of that same answer
(without asking the assistant again), counted by the parts already sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.addresses import address_secret, pseudonym, seal
from api.assistant.client import RasaClient
from api.channels.base import Channel, Inbound, Turn
from api.channels.receipts import first_delivery
from api.channels.turn import admit_from_provider, conversation_of, take_turn
from api.channels.twilio import asks_for_more, last_answer
from api.config import Settings
from api.conversations.models import Conversation
from api.conversations.service import find_conversation
from api.database import utcnow
from api.outbox.models import OutboxMessage
from api.outbox.service import record_sent, sent_since
from api.ratelimit import RateLimits
from bot.channels.sms import phone_language_hint, plain_sms, sms_text

log = logging.getLogger(__name__)

CHANNEL: Final = "sms"
MAX_SEGMENTS = 3  # an answer costs at most three SMS; "MER" gets the rest
LIMIT_WINDOW = timedelta(hours=1)
_MORE_KEY = "sms-more-"


@dataclass(frozen=True)
class IncomingSms:
    """The fields of Twilio's "a message comes in" request that the answer needs."""

    message_sid: str
    number: str  # the sender, E.164
    body: str

    @classmethod
    def from_params(cls, params: dict[str, str]) -> IncomingSms | None:
        """The message, or None if Twilio's request lacks the message id or sender."""
        sid, number = params.get("MessageSid", ""), params.get("From", "")
        if not sid or not number or len(sid) > 64:
            return None
        return cls(message_sid=sid, number=number, body=params.get("Body", ""))


class SmsChat(Channel[IncomingSms, str]):
    """SMS through Twilio: the answer goes back in the webhook's TwiML."""

    name = CHANNEL

    def __init__(self, db: Session, settings: Settings) -> None:
        self.db, self.settings = db, settings

    def receive(self, raw: IncomingSms) -> Inbound:
        """The SMS, keyed by the number's pseudonym (Twilio's signature proved the
        number); the number itself goes only to a ticket's contact field."""
        secret = address_secret(self.settings)
        sender = pseudonym(secret, CHANNEL, raw.number)
        conversation = find_conversation(db=self.db, channel=CHANNEL, sender=sender)
        return Inbound(
            channel=CHANNEL,
            sender=sender,
            text=raw.body,
            language_hint=language_hint(raw, conversation),
            contact=raw.number,
            reply_address=seal(secret, raw.number),
        )

    def render(self, turn: Turn) -> str:
        """The first SMS of the answer (or of why the message was refused: a picture
        alone, a text too long)."""
        text = "\n\n".join(m.as_plain_text(gap="\n") for m in turn.messages)
        return sms_pages(text, turn.language)[0]

    def send(self, *, db: Session, conversation: Conversation, texts: list[str], key: str) -> None:
        """Recorded as sent: the text itself leaves in the webhook's answer."""
        for text in texts:
            record_sent(db=db, conversation=conversation, text=text, kind="bot", key=key)
        db.commit()


def answer_sms(
    *,
    db: Session,
    assistant: RasaClient,
    settings: Settings,
    sms: IncomingSms,
    limits: RateLimits,
    client: str,
) -> str | None:
    """The SMS to answer `sms` with, recorded as sent; None to answer nothing: a
    redelivery (answered already) or a number over its hourly limit."""
    if not first_delivery(db=db, channel=CHANNEL, external_id=sms.message_sid):
        return None
    channel = SmsChat(db, settings)
    inbound = channel.receive(sms)
    admit_from_provider(db=db, settings=settings, limits=limits, inbound=inbound, client=client)
    conversation = find_conversation(db=db, channel=CHANNEL, sender=inbound.sender)
    if conversation is not None and asks_for_more(sms.body):
        page = next_page(db=db, conversation=conversation)
        if page is not None:
            return _send(channel, conversation, page, key=f"{_MORE_KEY}{sms.message_sid}")
    turn = take_turn(db=db, assistant=assistant, settings=settings, inbound=inbound)
    conversation = conversation_of(db, turn)
    return _send(channel, conversation, channel.render(turn), key=f"sms-{sms.message_sid}")


def language_hint(sms: IncomingSms, conversation: Conversation | None) -> str | None:
    """The country code's language, for a first message that does not tell by itself."""
    return phone_language_hint(sms.number, sms.body, new_conversation=conversation is None)


def _send(channel: SmsChat, conversation: Conversation, text: str, *, key: str) -> str | None:
    """`text`, recorded as sent, if the number is under its limit; otherwise None."""
    per_hour = channel.settings.sms_per_number_per_hour
    if over_limit(db=channel.db, conversation=conversation, per_hour=per_hour):
        log.warning("conversation %s: SMS limit reached, not answering", conversation.id)
        return None
    channel.send(db=channel.db, conversation=conversation, texts=[text], key=key)
    return text


def over_limit(*, db: Session, conversation: Conversation, per_hour: int) -> bool:
    """Whether the conversation's number has had its share of SMS this past hour."""
    since = utcnow() - LIMIT_WINDOW
    return sent_since(db=db, recipient=conversation.sender, since=since) >= per_hour


def next_page(*, db: Session, conversation: Conversation) -> str | None:
    """The next part of the latest answer, if it was cut and not all parts were sent."""
    latest = last_answer(db=db, conversation=conversation)
    if latest is None:
        return None
    text, question = latest
    sent = db.scalar(
        select(func.count()).where(
            OutboxMessage.conversation_id == conversation.id,
            OutboxMessage.key.startswith(_MORE_KEY),
            OutboxMessage.created_at >= question.created_at,
        )
    )
    pages = sms_pages(text, conversation.language)
    index = 1 + int(sent or 0)  # the first part went out with the answer
    return pages[index] if index < len(pages) else None


def sms_pages(text: str, language: str, max_segments: int = MAX_SEGMENTS) -> list[str]:
    """`text` as consecutive SMS shaped by `sms_text`, each at most `max_segments`
    long; every one but the last ends with the pointer to the rest."""
    pages: list[str] = []
    body = plain_sms(text)
    while body:
        page = sms_text(body, language, max_segments)
        if page == plain_sms(body):  # it fits
            pages.append(page)
            break
        kept = page.rpartition("\n")[0]  # the pointer is the last line
        cut = kept if body.startswith(kept) else kept.removesuffix("...")
        if not cut or not body.startswith(cut):  # one word longer than the limit: as it is
            pages.append(body)
            break
        pages.append(page)
        body = plain_sms(body[len(cut) :].lstrip(" \n,;:"))
    return pages or [""]
