"""Look for overdue tickets now and then, escalate each one once, and tell the queues
of the alarms raised since (breaches, new priority-1 tickets: api/alarms).

Breaches are judged from the stored due times, and alarms are told from the
stored alarms, so a restart loses nothing: the first check after it finds
whatever fell due, or was raised, meanwhile.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session, sessionmaker

from api.addresses import address_secret
from api.alarms.service import tell_pending
from api.config import Settings, get_settings
from api.tickets.service import escalate_breached

log = logging.getLogger(__name__)


def check_once(factory: sessionmaker[Session], settings: Settings | None = None) -> int:
    """Escalate every newly overdue ticket and tell every untold alarm; how many
    tickets were escalated."""
    settings = settings or get_settings()
    with factory() as db:
        escalated = escalate_breached(db=db)
        told = tell_pending(db=db, settings=settings, secret=address_secret(settings))
    for ticket in escalated:
        log.warning(
            "ticket %s (queue %s, priority %s) is overdue: escalated",
            ticket.id,
            ticket.queue,
            ticket.priority,
        )
    for alarm in told:
        log.info("alarm %s told to queue %s", alarm.key, alarm.queue)
    return len(escalated)


async def watch_due_times(
    factory: sessionmaker[Session], every_seconds: float, settings: Settings | None = None
) -> None:
    """Run check_once every `every_seconds` until cancelled; a failed check is retried."""
    while True:
        try:
            await asyncio.to_thread(check_once, factory, settings)
        except Exception:  # a database hiccup must not stop the watcher
            log.exception("checking due times failed; trying again later")
        await asyncio.sleep(every_seconds)
