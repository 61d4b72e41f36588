"""The daily retention job: an asyncio task of the API, like the due-time watcher.

Every API process starts it; the lease in the database lets one run at a time,
and a process that finds a run within the interval skips its own.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session, sessionmaker

from api.assistant.client import RasaClient
from api.config import Settings
from api.retention.service import RunUnderWay, run_now

log = logging.getLogger(__name__)


def run_once(
    factory: sessionmaker[Session], settings: Settings, assistant: RasaClient | None
) -> None:
    """One scheduled run, unless another process runs it or ran it lately."""
    with factory() as db:
        try:
            run_now(
                db=db, settings=settings, assistant=assistant, trigger="schedule", only_if_due=True
            )
        except RunUnderWay:
            log.info("retention: another process is running the job")


async def run_daily(
    factory: sessionmaker[Session], settings: Settings, assistant: RasaClient | None
) -> None:
    """Run the job at start-up and then every `retention_every_hours`, until cancelled."""
    while True:
        try:
            await asyncio.to_thread(run_once, factory, settings, assistant)
        except Exception:  # a database hiccup must not stop the job for good
            log.exception("the retention job failed; trying again at the next run")
        await asyncio.sleep(settings.retention_every_hours * 3600)
