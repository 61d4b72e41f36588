"""Threads of e-mail conversations: the mails received and sent, by Message-ID.

Every mail we send gets a Message-ID of our own, recorded before it is queued,
and names the user's last mail in In-Reply-To and References, so the user's
mail program shows one thread. A reply that names one of our ids joins that
mail's conversation and case; the ids are random, so nobody can join a case
by guessing one. The case number in the subject is a second key, believed
only from the address the case belongs to (api/channels/email.py).
"""

from __future__ import annotations

from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.mail.models import Direction, MailMessage
from api.mail.parse import reply_subject_prefix_stripped, subject_with_case
from bot.replies import reply

# A long thread keeps the first mail and the latest ones (RFC 5322 3.6.4 lets
# References be shortened; mail programs thread on the ends).
MAX_REFERENCES = 10
AUTO_SUBMITTED = "auto-replied"  # RFC 3834: no robot answers this


def record_incoming(
    *,
    db: Session,
    conversation: Conversation,
    message_id: str,
    subject: str,
    in_reply_to: str | None,
    references: tuple[str, ...],
    ticket_id: int | None = None,
) -> MailMessage:
    """The user's mail in its conversation (once: a mail read again is the same row).
    The caller commits."""
    existing = _by_message_id(db, message_id)
    if existing is not None:
        return existing
    mail = MailMessage(
        conversation_id=conversation.id,
        direction=Direction.IN,
        message_id=message_id[:255],
        subject=subject[:300],
        in_reply_to=(in_reply_to or "")[:255] or None,
        references=" ".join(references) or None,
        ticket_id=ticket_id,
    )
    try:
        with db.begin_nested():
            db.add(mail)
    except IntegrityError:  # the same mail, read at the same moment by another reader
        found = _by_message_id(db, message_id)
        assert found is not None
        return found
    return mail


def our_mail_named(
    db: Session, *, in_reply_to: str | None, references: tuple[str, ...]
) -> MailMessage | None:
    """The mail of ours that a reply answers: In-Reply-To first, then References
    from the newest."""
    for named in ([in_reply_to] if in_reply_to else []) + list(reversed(references)):
        mail = _by_message_id(db, named)
        if mail is not None and mail.direction == Direction.OUT:
            return mail
    return None


def outgoing_headers(
    *, db: Session, conversation: Conversation, case: int | None, automatic: bool
) -> tuple[dict[str, str], MailMessage]:
    """The headers of our next mail in `conversation`, recorded as sent in its thread:
    a new Message-ID, the thread's subject with the case number, and the user's last
    mail as the one it answers. The caller links the outbox row and commits."""
    thread = select(MailMessage).where(MailMessage.conversation_id == conversation.id)
    last = db.scalars(thread.order_by(MailMessage.id.desc())).first()
    answered = db.scalars(
        thread.where(MailMessage.direction == Direction.IN).order_by(MailMessage.id.desc())
    ).first()
    language = conversation.language
    subject = _subject(
        answered.subject if answered else reply("mail_subject", language), case, language
    )
    message_id = make_msgid(idstring="viol3")
    chain = (last.references.split() if last and last.references else []) + (
        [last.message_id] if last else []
    )
    headers = {"Subject": subject, "Message-ID": message_id}
    if answered is not None:  # the user's latest mail is the one we answer
        headers["In-Reply-To"] = answered.message_id
    if chain:
        headers["References"] = " ".join(chain[:1] + chain[1:][-(MAX_REFERENCES - 1) :])
    if automatic:
        headers["Auto-Submitted"] = AUTO_SUBMITTED
    mail = MailMessage(
        conversation_id=conversation.id,
        direction=Direction.OUT,
        message_id=message_id,
        subject=subject[:300],
        in_reply_to=headers.get("In-Reply-To"),
        references=headers.get("References"),
        ticket_id=case,
    )
    db.add(mail)
    return headers, mail


def _subject(subject: str, case: int | None, language: str) -> str:
    """Our reply's subject: "Re: " once, and the case number when there is a case."""
    if case is not None:
        return subject_with_case(subject, case, language)
    return f"Re: {reply_subject_prefix_stripped(subject)}".rstrip()


def _by_message_id(db: Session, message_id: str) -> MailMessage | None:
    return db.scalars(select(MailMessage).where(MailMessage.message_id == message_id)).first()
