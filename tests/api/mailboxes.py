"""What the mail tests share: send what the outbox holds, and read what arrived."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy.orm import Session, sessionmaker

from api.addresses import address_secret
from api.config import Settings
from api.outbox.senders import configured_senders
from api.outbox.worker import deliver_due
from stack.mailserver import MailServer


def deliver(factory: sessionmaker[Session], settings: Settings) -> int:
    """Send what is due, as the outbox sender does; how many were sent."""
    return deliver_due(
        factory=factory,
        senders=configured_senders(settings),
        settings=settings,
        secret=address_secret(settings),
    )


def received(mail: MailServer, address: str, count: int) -> list[EmailMessage]:
    """The mails in `address`'s mailbox once it holds `count`, parsed."""
    raw = mail.wait_for_messages(address, count)
    return [message_from_bytes(r, policy=policy.default) for r in raw]  # type: ignore[misc]


def body(message: EmailMessage) -> str:
    """The plain text of a mail."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
