"""`python -m api.outbox`: the outbox sender process."""

from __future__ import annotations

import logging
import signal
import threading

from api.addresses import address_secret
from api.config import get_settings
from api.database import make_engine, session_factory
from api.migrations import upgrade_when_reachable
from api.outbox.senders import WebhookSender, configured_senders
from api.outbox.worker import run


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every URL it calls, and Telegram's carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # It may start before the gateway (or alone): it migrates the database itself
    # rather than finding no outbox table (upgrades are serialised, see api.migrations).
    if upgrade_when_reachable(engine, stop, settings.outbox_poll_seconds):
        factory, secret = session_factory(engine), address_secret(settings)
        senders = configured_senders(settings)
        # The case register's webhooks need no credentials, only the database.
        senders["webhook"] = WebhookSender(
            factory, secret, timeout=settings.webhook_timeout_seconds
        )
        run(factory=factory, senders=senders, settings=settings, secret=secret, stop=stop)
    engine.dispose()


if __name__ == "__main__":
    main()
