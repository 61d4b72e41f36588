"""The outbox sender: takes due messages and hands them to their channel's sender.

Runs as its own process (`python -m api.outbox`), so it can be stopped,
killed or restarted without the gateway noticing; what it had not sent yet
is still in the database.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.addresses import AddressUnreadable, unseal
from api.config import Settings
from api.database import utcnow
from api.outbox import service
from api.outbox.models import OutboxMessage, OutboxStatus
from api.outbox.senders import Sender, SendFailed

log = logging.getLogger(__name__)

SMS_WINDOW = timedelta(hours=1)
ROUND = 50  # messages per round before the loop looks at `stop` again


def deliver_due(
    *,
    factory: sessionmaker[Session],
    senders: dict[str, Sender],
    settings: Settings,
    secret: bytes,
    now: datetime | None = None,
) -> int:
    """Send what is due now, one message at a time (so a lease only ever covers the
    message being sent); returns how many were sent."""
    sent = 0
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    with factory() as db:
        for _ in range(ROUND):
            taken = service.take_due(db=db, now=now, lease=lease, limit=1)
            if not taken:
                break
            sent += _deliver(db, taken[0], senders, settings, secret)
    return sent


def _deliver(
    db: Session, row: OutboxMessage, senders: dict[str, Sender], settings: Settings, secret: bytes
) -> bool:
    retries = service.Retries(
        settings.outbox_max_attempts, timedelta(seconds=settings.outbox_first_retry_seconds)
    )
    sender = senders.get(row.channel)
    if sender is None:
        service.mark_failed(
            db=db, row=row, error=f"{row.channel} is not configured", retries=retries
        )
        return False
    if row.channel == "sms":
        until = _sms_limit_until(db, row, settings.sms_per_number_per_hour)
        if until is not None:
            log.warning("outbox %s: SMS limit for this number reached, waiting", row.id)
            service.postpone(db=db, row=row, until=until, reason="per-number SMS limit")
            return False
    try:
        address = unseal(secret, row.address)
        text = unseal(secret, row.sealed_text) if row.sealed_text else row.text
    except AddressUnreadable:  # sealed under another key: no retry can open it
        service.mark_failed(
            db=db,
            row=row,
            error="address or text cannot be opened",
            permanent=True,
            retries=retries,
        )
        return False
    try:
        sender.send(address, text, row.headers or {})
    except SendFailed as exc:
        log.warning("outbox %s (%s) try %s failed: %s", row.id, row.channel, row.attempts, exc)
        service.mark_failed(
            db=db, row=row, error=str(exc), permanent=exc.permanent, retries=retries
        )
        return False
    service.mark_sent(db=db, row=row)
    log.info("outbox %s sent on %s", row.id, row.channel)
    return True


def _sms_limit_until(db: Session, row: OutboxMessage, per_hour: int) -> datetime | None:
    """When the number may get another SMS, if it has had its hour's share."""
    since = utcnow() - SMS_WINDOW
    if service.sent_since(db=db, recipient=row.recipient, since=since) < per_hour:
        return None
    oldest = db.scalars(
        select(OutboxMessage.sent_at)
        .where(
            OutboxMessage.recipient == row.recipient,
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at >= since,
        )
        .order_by(OutboxMessage.sent_at)
    ).first()
    return (oldest or utcnow()) + SMS_WINDOW


def run(
    *,
    factory: sessionmaker[Session],
    senders: dict[str, Sender],
    settings: Settings,
    secret: bytes,
    stop: threading.Event,
) -> None:
    """Deliver until `stop` is set, looking every `outbox_poll_seconds`."""
    log.info("outbox sender started for %s", ", ".join(sorted(senders)) or "no channels")
    while not stop.is_set():
        try:
            sent = deliver_due(factory=factory, senders=senders, settings=settings, secret=secret)
        except Exception:  # the database went away for a moment: keep going
            log.exception("outbox round failed")
            sent = 0
        if not sent:
            stop.wait(settings.outbox_poll_seconds)
