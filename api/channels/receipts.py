"""Providers redeliver what they think was lost: each update is handled once."""

from __future__ import annotations

from sqlalchemy import select
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


def delivered_before(*, db: Session, channel: str, external_id: str) -> bool:
    """Whether `external_id` has a receipt on `channel` already (without writing one)."""
    query = select(InboundReceipt.id).where(
        InboundReceipt.channel == channel, InboundReceipt.external_id == external_id
    )
    return db.scalars(query).first() is not None
