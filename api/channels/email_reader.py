"""`python -m api.channels.email_reader`: the support mailbox, read over IMAP.

Unread mails are taken one at a time, oldest first, answered (api/channels/
email.py) and only then marked read in the mailbox and in the database. A
reader killed in between reads the mail again on its next start, and every
step of the answer is keyed by the mail, so nothing is lost and nothing is
sent twice. Between rounds it waits in IMAP IDLE where the server offers it
(a new mail wakes it at once), and polls every `imap_poll_seconds` otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import ssl
import threading
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy.orm import Session, sessionmaker

from api.channels.email import already_read, answer_mail, mail_key, mark_read, record_bounce
from api.config import Settings, get_settings
from api.database import make_engine, session_factory
from api.mail.parse import read_mail
from api.migrations import upgrade_when_reachable

log = logging.getLogger(__name__)

SEEN = b"\\Seen"
# IDLE is ended and begun again at least this often: servers drop an IDLE
# after 30 minutes (RFC 2177), and `stop` is looked at in between.
IDLE_SECONDS = 30.0


def connect(settings: Settings) -> IMAPClient:
    """A logged-in connection with the folder selected."""
    assert settings.imap_host and settings.imap_user and settings.imap_password
    context = ssl.create_default_context()
    client = IMAPClient(
        settings.imap_host,
        port=settings.imap_port,
        ssl=settings.imap_security == "ssl",
        ssl_context=context,
        timeout=60,
    )
    if settings.imap_security == "starttls":
        client.starttls(context)
    client.login(settings.imap_user, settings.imap_password.get_secret_value())
    client.select_folder(settings.imap_folder)
    return client


def read_unread(client: IMAPClient, factory: sessionmaker[Session], settings: Settings) -> int:
    """Answer every unread mail; how many there were."""
    uids = sorted(client.search(["UNSEEN"]))
    for uid in uids:
        fetched: dict[int, dict[bytes, Any]] = client.fetch([uid], ["BODY.PEEK[]"])
        raw = fetched.get(uid, {}).get(b"BODY[]")
        if isinstance(raw, bytes):
            with factory() as db:
                handle_raw(db, settings, raw)
        client.add_flags([uid], [SEEN])
    return len(uids)


def handle_raw(db: Session, settings: Settings, raw: bytes) -> None:
    """One mail, as it came: answered once, a bounce noted, automatic mail left alone."""
    own = [settings.mail_address] if settings.mail_address else []
    mail = read_mail(raw, own_addresses=own)
    key = mail_key(mail, raw)
    if already_read(db, key):
        return
    if mail.bounce_of:
        record_bounce(db=db, message_id=mail.bounce_of)
    else:
        answer_mail(db=db, settings=settings, mail=mail, key=key)
    mark_read(db, key)


def wait_for_mail(client: IMAPClient, settings: Settings, stop: threading.Event) -> None:
    """Until a new mail may have come: IDLE where offered, else the poll interval."""
    if b"IDLE" not in client.capabilities():
        stop.wait(settings.imap_poll_seconds)
        return
    client.idle()
    try:
        client.idle_check(timeout=min(IDLE_SECONDS, settings.imap_poll_seconds))
    finally:
        client.idle_done()


def run(*, factory: sessionmaker[Session], settings: Settings, stop: threading.Event) -> None:
    """Read the mailbox until `stop` is set; a lost connection is opened again."""
    while not stop.is_set():
        try:
            client = connect(settings)
        except (IMAPClientError, OSError) as exc:
            log.warning("mailbox not reachable (%s); trying again", type(exc).__name__)
            stop.wait(settings.imap_poll_seconds)
            continue
        try:
            while not stop.is_set():
                read_unread(client, factory, settings)
                wait_for_mail(client, settings, stop)
        except (IMAPClientError, OSError) as exc:
            log.warning("mailbox connection lost (%s); opening it again", type(exc).__name__)
        finally:
            with contextlib.suppress(IMAPClientError, OSError):  # it is gone already
                client.logout()


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = get_settings()
    if not (settings.mail_address and settings.imap_host and settings.imap_user):
        log.error("no mailbox configured (VIOL3_MAIL_ADDRESS, VIOL3_IMAP_HOST, VIOL3_IMAP_USER)")
        raise SystemExit(2)
    engine = make_engine(settings.database_url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if upgrade_when_reachable(engine, stop, settings.imap_poll_seconds):
        run(factory=session_factory(engine), settings=settings, stop=stop)
    engine.dispose()


if __name__ == "__main__":
    main()
