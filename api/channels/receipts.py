"""Providers redeliver what they think was lost: each update is handled once."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.channels.models import InboundReceipt


def first_delivery(*, db: Session, channel: str, external_id: str) -> bool:
    """True the first time `external_id` arrives on `channel`, False for a redelivery."""
    db.add(InboundReceipt(channel=channel, external_id=external_id))
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return False
    return True
