"""E-mail: a mail to the support address becomes a turn of an `email` conversation.

A mail is not a chat: the user writes once and waits, so the assistant asks no
questions back. A plain question that the knowledge base answers confidently
gets that answer by mail, with how to reach a person (switchable,
`mail_auto_answer`); anything else opens a ticket at once, triaged like any
hand-off, and the user is told the case number, who handles it and when. A
reply to one of our mails (by In-Reply-To or References) joins its case, and
reopens it inside the reopen window; a new mail is a new matter.

A conversation is keyed by a pseudonym of the address, like SMS by the number:
the address is stored only sealed (for replies) and in the ticket's contact
field. Nothing is answered automatically to automatic mail (RFC 3834: auto
replies, lists, bounces, our own), every automatic mail we send says so
(Auto-Submitted), and one address gets at most `mail_auto_replies_per_hour`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.addresses import address_secret, pseudonym, seal
from api.attachments.service import Incoming, keep
from api.channels.base import Channel, Inbound, Turn
from api.channels.receipts import delivered_before, first_delivery
from api.channels.turn import arrival, record_message
from api.config import Settings
from api.conversations.models import Conversation, Message, MessageStatus
from api.conversations.schemas import BotMessage, ChatResponse
from api.conversations.service import cleaned_or_none, outbound_message, record_gateway_answer
from api.database import utcnow
from api.feedback.service import take_answer as feedback_answer
from api.handoffs.schemas import HandoffCreate
from api.handoffs.service import hand_off
from api.incidents.service import with_notices
from api.mail.models import MailMessage
from api.mail.parse import IncomingMail, case_tag_stripped
from api.mail.service import our_mail_named, record_incoming
from api.outbox.models import OutboxMessage, OutboxStatus
from api.outbox.service import enqueue
from api.tickets.inbound import handoff_of
from api.tickets.models import Ticket
from api.tickets.queries import open_ticket_of
from api.tickets.service import delivery_failed
from bot.channels.mail import mail_text
from bot.redaction import redact
from bot.replies import reply
from bot.turn import answer_by_mail

log = logging.getLogger(__name__)

CHANNEL: Final = "email"
AUTO_REPLY_WINDOW = timedelta(hours=1)
# A mail is longer than a chat message; what is past this is left to the agent
# in the mailbox (the ticket says the text was cut).
MAX_MAIL_CHARS = 4000


@dataclass(frozen=True)
class _Arrived:
    """A user's mail, recorded: what its routing needs."""

    conversation: Conversation
    message: Message
    thread_ticket: Ticket | None  # the case a reply belongs to
    key: str  # the mail's own id (mail_key)
    now: datetime
    contact: str  # the sender's address, for a new case
    subject: str


class EmailChat(Channel[IncomingMail, list[str]]):
    """E-mail: read from the support mailbox, answered through the outbox by SMTP."""

    name = CHANNEL

    def __init__(self, db: Session, settings: Settings) -> None:
        self.db, self.settings = db, settings

    def receive(self, raw: IncomingMail) -> Inbound | None:
        """The mail, keyed by the address's pseudonym; None for automatic mail and for
        a mail without a sender, which nobody could answer."""
        if raw.automatic or not raw.sender:
            return None
        secret = address_secret(self.settings)
        return Inbound(
            channel=CHANNEL,
            sender=pseudonym(secret, CHANNEL, raw.sender),
            text=question_of(raw),
            contact=raw.sender,
            reply_address=seal(secret, raw.sender),
        )

    def render(self, turn: Turn) -> list[str]:
        """One mail: the answer's texts as plain paragraphs."""
        return ["\n\n".join(mail_text(m.text) for m in turn.messages)]

    def send(self, *, db: Session, conversation: Conversation, texts: list[str], key: str) -> None:
        """Queued in the outbox (the mail goes out by SMTP from there), once per `key`."""
        ticket = open_ticket_of(db=db, conversation=conversation)
        case = ticket.id if ticket else None  # in the subject, so a reply finds it
        for i, text in enumerate(texts):
            enqueue(
                db=db, conversation=conversation, text=text, kind="bot", key=f"{key}-{i}", case=case
            )
        db.commit()


def question_of(mail: IncomingMail) -> str:
    """What the user asks: the subject (often the whole question) and the new text."""
    subject = case_tag_stripped(mail.subject)
    if subject and subject.casefold() not in mail.text.casefold():
        return f"{subject}\n\n{mail.text}".strip()
    return mail.text


def mail_key(mail: IncomingMail, raw: bytes) -> str:
    """The mail's own id, for receipts, the ticket and the answer's outbox row: its
    Message-ID, or the hash of its bytes when it has none."""
    source = mail.message_id.encode() if mail.message_id else raw
    return hashlib.sha256(source).hexdigest()[:40]


def already_read(db: Session, key: str) -> bool:
    """Whether the mail with `key` was answered in full before (the reader died after
    answering and before marking it read in the mailbox)."""
    return delivered_before(db=db, channel=CHANNEL, external_id=key)


def mark_read(db: Session, key: str) -> None:
    """The mail is answered in full: reading it again changes nothing."""
    first_delivery(db=db, channel=CHANNEL, external_id=key)


def record_bounce(*, db: Session, message_id: str) -> OutboxMessage | None:
    """A bounce for our mail `message_id`: its delivery failed, and its case shows it.
    A bounce for a mail we did not send (spam with a forged sender) changes nothing."""
    ours = db.scalars(select(MailMessage).where(MailMessage.message_id == message_id)).first()
    if ours is None or ours.outbox_id is None:
        return None
    row = db.get(OutboxMessage, ours.outbox_id)
    if row is None:
        return None
    row.status, row.last_error = OutboxStatus.FAILED, "bounced: the address did not take it"
    ticket = db.get(Ticket, ours.ticket_id) if ours.ticket_id else None
    if ticket is not None:
        delivery_failed(db=db, ticket=ticket, outbox_id=row.id, reason="bounced")
    db.commit()
    log.warning("outbox %s bounced", row.id)
    return row


def answer_mail(
    *, db: Session, settings: Settings, mail: IncomingMail, key: str, now: datetime | None = None
) -> Ticket | None:
    """Answer one user's mail (see the module docstring); the ticket it went to, if any.
    Every step is keyed by the mail, so a mail read again after a crash opens no
    second ticket and gets no second answer."""
    now = now or utcnow()
    channel = EmailChat(db, settings)
    inbound = channel.receive(mail)
    if inbound is None:
        log.info("mail %s is automatic or has no sender: not answered", key[:12])
        return None
    existing, decision = arrival(db, inbound)
    text = cleaned_or_none(text=inbound.text, max_chars=MAX_MAIL_CHARS)
    if text is None:
        text = reply("mail_subject", decision.language)  # an attachment alone: still a case
    conversation, message = record_message(db, settings, inbound, existing, decision, text)
    replied_to = our_mail_named(db, in_reply_to=mail.in_reply_to, references=mail.references)
    thread_ticket = _thread_ticket(db, conversation, replied_to, mail.case_number)
    record_incoming(
        db=db,
        conversation=conversation,
        message_id=mail.message_id or f"<{key}@viol3.invalid>",
        subject=mail.subject,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        ticket_id=thread_ticket.id if thread_ticket else None,
    )
    files = keep(
        db=db,
        folder=settings.attachments_dir,
        conversation_id=conversation.id,
        message_id=message.id,
        files=[Incoming(a.filename, a.content_type, a.data) for a in mail.attachments],
    )
    arrived = _Arrived(
        conversation, message, thread_ticket, key, now, contact=mail.sender, subject=mail.subject
    )
    response, ticket = _route(db, settings, arrived, with_files=bool(files.kept))
    for row in files.kept:  # a file is the case's, for its queue's agents only
        row.ticket_id = ticket.id if ticket else None
    not_kept = [*files.refused, *mail.too_large]
    if not_kept:
        response = _told_files_not_kept(db, conversation, response, not_kept)
    response = with_notices(db, conversation, response)
    db.commit()
    if _may_answer_automatically(db, conversation, settings.mail_auto_replies_per_hour, now):
        turn = Turn(
            inbound, language=conversation.language, conversation=conversation, response=response
        )
        channel.send(
            db=db, conversation=conversation, texts=channel.render(turn), key=f"mail-{key}"
        )
    else:
        log.warning(
            "conversation %s: automatic mails per hour reached, not answering", conversation.id
        )
    return ticket


def _route(
    db: Session, settings: Settings, arrived: _Arrived, *, with_files: bool
) -> tuple[ChatResponse, Ticket | None]:
    """To the feedback question's answer, to the open case, to the knowledge base's
    answer, or to a new (or reopened) case."""
    conversation, message = arrived.conversation, arrived.message
    # A score in reply to the question after a resolve rates the case, not reopens it.
    body = message.text.split("\n\n", 1)[-1]  # without the subject question_of put first
    rated = feedback_answer(db, conversation, message, settings, body=body)
    if rated is not None:
        return rated, None
    open_ticket = open_ticket_of(db=db, conversation=conversation)
    if open_ticket is not None:
        added = reply("mail_added", conversation.language, ticket=open_ticket.id)
        response = record_gateway_answer(
            db=db,
            conversation=conversation,
            inbound=message,
            status=MessageStatus.FOR_AGENT,
            said=[("system", added)],
            handoff=handoff_of(open_ticket),
        )
        return response, open_ticket
    # A file sent along is for a person to look at, whatever the question.
    if settings.mail_auto_answer and arrived.thread_ticket is None and not with_files:
        answered = _knowledge_answer(db, conversation, message)
        if answered is not None:
            return answered, None
    return _to_case(db, settings, arrived)


def _knowledge_answer(
    db: Session, conversation: Conversation, message: Message
) -> ChatResponse | None:
    """The article for a plain question the knowledge base is sure of, and how to
    reach a person; None for anything else."""
    answered = answer_by_mail(message.text, conversation.language)
    if answered is None:
        return None
    message.topic, message.decision = answered.topic, answered.outcome
    message.reasons = list(answered.reasons)
    person = reply("mail_person_line", conversation.language)
    return record_gateway_answer(
        db=db,
        conversation=conversation,
        inbound=message,
        status=MessageStatus.ANSWERED,
        said=[("bot", answered.knowledge.text()), ("system", person)],
        topic=answered.topic,
        decision=answered.outcome,
        reasons=list(answered.reasons),
    )


def _to_case(db: Session, settings: Settings, arrived: _Arrived) -> tuple[ChatResponse, Ticket]:
    """A new case for the mail, or its thread's case reopened (inside the window)."""
    conversation, message = arrived.conversation, arrived.message
    # Only a reply to the case's own thread reopens it: a new mail is a new matter.
    reopens = arrived.thread_ticket is not None
    window = timedelta(hours=settings.reopen_window_hours) if reopens else timedelta(0)
    handed = hand_off(
        db=db,
        request=HandoffCreate(
            conversation_key=f"conv-{conversation.id}",
            idempotency_key=f"mail-{arrived.key}",
            description=message.text[:4000],
            contact=arrived.contact[:256],
        ),
        now=arrived.now,
        reopen_window=window,
    )
    ticket = db.get(Ticket, int(handed.ticket_id))
    assert ticket is not None
    if ticket.subject is None:  # the console lists mail cases by their subject
        ticket.subject = redact(case_tag_stripped(arrived.subject))[:300] or None
    said = "mail_ticket_reopened" if handed.reopened else "mail_ticket_opened"
    text = reply(said, conversation.language, ticket=ticket.id, handling=handed.handling)
    response = record_gateway_answer(
        db=db,
        conversation=conversation,
        inbound=message,
        status=MessageStatus.FOR_AGENT,
        said=[("system", text)],
        handoff=handoff_of(ticket),
    )
    return response, ticket


def _told_files_not_kept(
    db: Session, conversation: Conversation, response: ChatResponse, names: list[str]
) -> ChatResponse:
    """The answer, and a line saying which files could not be taken (stored too)."""
    text = reply("mail_files_not_kept", conversation.language, files=", ".join(names))
    db.add(outbound_message(conversation, "system", text))
    said = [*response.messages, BotMessage(text=text)]
    return response.model_copy(update={"messages": said})


def _thread_ticket(
    db: Session, conversation: Conversation, replied_to: MailMessage | None, case: int | None
) -> Ticket | None:
    """The case a reply belongs to: the one our mail was about, or the case number in
    the subject, believed only for this address's own cases."""
    ticket_id = replied_to.ticket_id if replied_to else case
    if ticket_id is None:
        return None
    ticket = db.get(Ticket, ticket_id)
    if ticket is None or ticket.conversation_id != conversation.id:
        return None
    return ticket


def _may_answer_automatically(
    db: Session, conversation: Conversation, per_hour: int, now: datetime
) -> bool:
    """Whether the address has had fewer than `per_hour` automatic mails this hour."""
    sent = db.scalar(
        select(func.count()).where(
            OutboxMessage.conversation_id == conversation.id,
            OutboxMessage.kind != "agent",
            OutboxMessage.created_at >= now - AUTO_REPLY_WINDOW,
        )
    )
    return int(sent or 0) < per_hour
