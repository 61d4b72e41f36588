"""Look for overdue tickets now and then, and escalate each one once.

Breaches are judged from the stored due times, so a restart loses nothing: the
first check after it finds whatever fell due meanwhile.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session, sessionmaker

from api.tickets.service import escalate_breached

log = logging.getLogger(__name__)


def check_once(factory: sessionmaker[Session]) -> int:
    """Escalate every newly overdue ticket; how many there were."""
    with factory() as db:
        escalated = escalate_breached(db=db)
    for ticket in escalated:
        log.warning(
            "ticket %s (queue %s, priority %s) is overdue: escalated",
            ticket.id,
            ticket.queue,
            ticket.priority,
        )
    return len(escalated)


async def watch_due_times(factory: sessionmaker[Session], every_seconds: float) -> None:
    """Run check_once every `every_seconds` until cancelled; a failed check is retried."""
    while True:
        try:
            await asyncio.to_thread(check_once, factory)
        except Exception:  # a database hiccup must not stop the watcher
            log.exception("checking due times failed; trying again later")
        await asyncio.sleep(every_seconds)
