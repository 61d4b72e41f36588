"""E-mail as a channel, against a real IMAP server (Dovecot) and a real SMTP server
(stack/mailserver.py), on SQLite and PostgreSQL: users write to the support address,
the reader answers (or opens a case), the outbox sends by SMTP, and what arrives in
the user's mailbox is read back over IMAP, headers and all."""

from __future__ import annotations

import itertools
import os
import signal
import smtplib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.channels.email_reader import connect, read_unread
from api.channels.models import InboundReceipt
from api.config import Settings
from api.conversations.models import Message
from api.outbox.models import OutboxMessage, OutboxStatus
from api.tickets.models import AuditEvent, Ticket
from stack.mailserver import MailServer, running_mailserver
from stack.processes import MAIN_PYTHON, ROOT
from tests.api.desk import logged_in
from tests.api.mailboxes import body, deliver, received
from tests.conftest import wait_until

pytestmark = pytest.mark.timeout(180)

PASSWORD = "mailbox-secret"
KEY = "email-test-address-key"
# Every test gets its own support mailbox and users, so no test reads another's mail.
_SLOTS = 40
MAILBOXES = {
    f"{name}{i}@{domain}": PASSWORD
    for i in range(_SLOTS)
    for name, domain in (
        ("support", "viol3.test"),
        ("anna", "kund.test"),
        ("matti", "asiakas.test"),
    )
}
_next_slot = itertools.count()


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    with running_mailserver(MAILBOXES) as server:
        yield server


@dataclass(frozen=True)
class Desk:
    """One test's support address and its users' addresses."""

    support: str
    anna: str
    matti: str
    gone: str  # in a domain the server serves, with no mailbox: mail to it bounces


@pytest.fixture
def desk() -> Desk:
    i = next(_next_slot)
    assert i < _SLOTS, "more tests than mailboxes: raise _SLOTS"
    return Desk(
        f"support{i}@viol3.test",
        f"anna{i}@kund.test",
        f"matti{i}@asiakas.test",
        f"gone{i}@kund.test",
    )


@pytest.fixture
def settings(settings: Settings, mail: MailServer, desk: Desk) -> Settings:
    return settings.model_copy(
        update={
            "resolve_undo_seconds": 0,  # resolve notices are mailed at once
            "mail_address": desk.support,
            "imap_host": mail.host,
            "imap_port": mail.imap_port,
            "imap_security": "none",
            "imap_user": desk.support,
            "imap_password": SecretStr(PASSWORD),
            "smtp_host": mail.host,
            "smtp_port": mail.smtp_port,
            "smtp_security": "none",
            "smtp_user": desk.support,
            "smtp_password": SecretStr(PASSWORD),
        }
    )


def _send(mail: MailServer, sender: str, to: str, subject: str, body: str, **headers: str) -> str:
    """Send a mail as a user's mail program would, by SMTP; its Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    with smtplib.SMTP(mail.host, mail.smtp_port, timeout=30) as smtp:
        smtp.login(sender, PASSWORD)
        smtp.send_message(message)
    return str(message["Message-ID"])


def _drop_in(mail: MailServer, mailbox: str, message: EmailMessage) -> None:
    """A mail from outside, put straight into `mailbox` (as the provider's MX would)."""
    with mail.imap(mailbox) as client:
        client.append("INBOX", message.as_bytes())


def _read(mail: MailServer, settings: Settings, factory: sessionmaker[Session], count: int) -> None:
    """The support mailbox has `count` mails in all: the reader answers the unread ones."""
    assert settings.mail_address
    mail.wait_for_messages(settings.mail_address, count)
    client = connect(settings)
    try:
        read_unread(client, factory, settings)
    finally:
        client.logout()


def _tickets(factory: sessionmaker[Session]) -> list[Ticket]:
    with factory() as db:
        return list(db.scalars(select(Ticket).order_by(Ticket.id)))


QUESTIONS = [
    (
        "sv",
        "Inloggning",
        "Hur loggar jag in i Chaufförsklienten?",
        "Vill du hellre ha hjälp av en person?",
    ),
    (
        "en",
        "Login",
        "How do I log in to the driver client?",
        "Would you rather have help from a person?",
    ),
    (
        "fi",
        "Kirjautuminen",
        "Miten kirjaudun kuljettajasovellukseen?",
        "Haluatko mieluummin apua ihmiseltä?",
    ),
]


@pytest.mark.parametrize(("language", "subject", "question", "person"), QUESTIONS)
def test_a_plain_question_gets_the_answer_by_mail_with_a_way_to_a_person(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    desk: Desk,
    language: str,
    subject: str,
    question: str,
    person: str,
) -> None:
    asked = _send(mail, desk.anna, desk.support, subject, f"Hej,\n\n{question}\n\nAnna")
    _read(mail, settings, factory, 1)
    assert deliver(factory, settings) == 1
    (answer,) = received(mail, desk.anna, 1)
    assert parseaddr(str(answer["From"]))[1] == desk.support
    assert answer["In-Reply-To"] == asked and asked in str(answer["References"])
    assert answer["Auto-Submitted"] == "auto-replied"  # no robot answers it back
    assert str(answer["Subject"]) == f"Re: {subject}"
    text = body(answer)
    assert person in text and "010-228 59 00" in text
    assert _tickets(factory) == []  # answered, nobody needs to read it


CASES = [
    (
        "sv",
        "Chaufförsklienten kraschar",
        "Chaufförsklienten kraschar varje gång jag försöker registrera ett lass sedan i morse. "
        "Vi står still med tre bilar.",
        "ärende {n}",
        "[Ärende {n}]",
    ),
    (
        "en",
        "Driver client crashes",
        "The driver client crashes every time I try to register a load since this morning. "
        "Three trucks are standing still.",
        "case {n}",
        "[Case {n}]",
    ),
    (
        "fi",
        "Väärä hinta",
        "Mittaustodistuksessa toimitukselle 4711 on väärä hinta, korjatkaa se.",
        "tapaukseksi {n}",
        "[Tiketti {n}]",
    ),
]


@pytest.mark.parametrize(("language", "subject", "text", "said", "tag"), CASES)
def test_anything_else_opens_a_case_at_once_and_the_user_is_told_its_number(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    desk: Desk,
    language: str,
    subject: str,
    text: str,
    said: str,
    tag: str,
) -> None:
    _send(mail, desk.matti, desk.support, subject, text)
    _read(mail, settings, factory, 1)
    (ticket,) = _tickets(factory)
    assert ticket.language == language and ticket.contact == desk.matti
    deliver(factory, settings)
    (ack,) = received(mail, desk.matti, 1)
    assert said.format(n=ticket.id) in body(ack)
    assert tag.format(n=ticket.id) in str(ack["Subject"])
    assert ack["Auto-Submitted"] == "auto-replied"


def test_an_agents_reply_arrives_in_the_thread_and_the_users_answer_joins_the_case(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    client: TestClient,
    db: Session,
    desk: Desk,
) -> None:
    first = _send(mail, desk.anna, desk.support, "Fel pris", CASES[0][2])
    _read(mail, settings, factory, 1)
    (ticket,) = _tickets(factory)
    deliver(factory, settings)
    (ack,) = received(mail, desk.anna, 1)

    agent = logged_in(client, db, "eva", queues=[ticket.queue])
    words = "Hej Anna! Priset är rättat. Ring mig på 070-123 45 67 om något ser fel ut."
    base = f"/api/v1/tickets/{ticket.id}"
    assert client.post(f"{base}/claim", headers=agent).status_code == 200
    assert client.post(f"{base}/reply", json={"text": words}, headers=agent).status_code == 200
    deliver(factory, settings)
    _, answer = received(mail, desk.anna, 2)
    assert body(answer).strip() == words  # as the agent wrote it: the number unmasked
    assert answer["Auto-Submitted"] is None  # a person wrote it
    assert answer["In-Reply-To"] == first
    assert str(ack["Message-ID"]) in str(answer["References"]).split()
    assert f"[Ärende {ticket.id}]" in str(answer["Subject"])

    # The user answers from their mail program: Re:, and In-Reply-To our mail.
    _send(
        mail,
        desk.anna,
        desk.support,
        f"Re: {answer['Subject']}",
        "Tack, nu stämmer det!\n\nDen 4 dec. 2026 kl. 10:15 skrev support:\n> Hej Anna!",
        In_Reply_To=str(answer["Message-ID"]),
        References=f"{answer['References']} {answer['Message-ID']}",
    )
    _read(mail, settings, factory, 2)
    assert [t.id for t in _tickets(factory)] == [ticket.id]  # the same case, no new one
    transcript = client.get(base, headers=agent).json()["transcript"]
    said = [line["text"] for line in transcript if line["author"] == "user"]
    assert any("nu stämmer det" in text for text in said), said
    assert not any("Hej Anna!" in text for text in said[1:])  # the quote is cut


def test_automatic_mail_gets_no_answer_and_opens_no_case(
    mail: MailServer, settings: Settings, factory: sessionmaker[Session], desk: Desk
) -> None:
    _send(
        mail,
        desk.anna,
        desk.support,
        "Frånvaro: Fel pris",
        "Jag är tillbaka måndag.",
        Auto_Submitted="auto-replied",
    )
    _send(
        mail,
        desk.matti,
        desk.support,
        "Uutiskirje",
        "Tämän viikon uutiset",
        List_Id="<news.asiakas.test>",
        Precedence="bulk",
    )
    _read(mail, settings, factory, 2)
    assert _tickets(factory) == []
    with factory() as db:
        assert db.scalars(select(OutboxMessage)).all() == []


def test_a_bounce_for_an_agents_reply_shows_on_the_case_as_failed(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    client: TestClient,
    db: Session,
    desk: Desk,
) -> None:
    # A mail from an address that no longer takes mail (its mailbox is gone).
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = desk.gone, desk.support, "Fel pris"
    message["Message-ID"] = make_msgid(domain="kund.test")
    message.set_content(CASES[0][2])
    _drop_in(mail, desk.support, message)
    _read(mail, settings, factory, 1)
    (ticket,) = _tickets(factory)
    agent = logged_in(client, db, "eva", queues=[ticket.queue])
    base = f"/api/v1/tickets/{ticket.id}"
    client.post(f"{base}/claim", headers=agent)
    client.post(f"{base}/reply", json={"text": "Priset är rättat."}, headers=agent)
    deliver(factory, settings)  # the acknowledgement and the reply: both bounce

    _read(mail, settings, factory, 3)  # the mail and the two bounces
    with factory() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.status for r in rows] == [OutboxStatus.FAILED, OutboxStatus.FAILED]
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.ticket_id == ticket.id)
        ).all()
    assert events.count("delivery_failed") == 2
    shown = client.get(base, headers=agent).json()
    assert "delivery_failed" in str(shown), "the agent sees that the reply did not arrive"


# The smallest valid PNG (1x1 px), and a Windows program that calls itself a PDF.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a0e4d3"
    "bf0000000049454e44ae426082"
)
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


def test_attachments_are_kept_for_the_queues_agents_and_a_disguised_program_is_refused(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    client: TestClient,
    db: Session,
    desk: Desk,
    tmp_path: Path,
) -> None:
    settings.attachments_dir = tmp_path / "attachments"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = desk.anna, desk.support, "Fel vikt"
    message["Message-ID"] = make_msgid(domain="kund.test")
    message.set_content("Vikten på kvittot är fel, se bilden.")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="kvitto.png")
    message.add_attachment(PROGRAM, maintype="application", subtype="pdf", filename="faktura.pdf")
    _drop_in(mail, desk.support, message)
    _read(mail, settings, factory, 1)
    (ticket,) = _tickets(factory)  # a file is for a person, even with a plain question

    agent = logged_in(client, db, "eva", queues=[ticket.queue])
    stranger = logged_in(
        client, db, "olle", queues=["accounting" if ticket.queue != "accounting" else "driver"]
    )
    files = client.get(f"/api/v1/tickets/{ticket.id}/attachments", headers=agent).json()
    (kept,) = files["attachments"]
    assert (kept["filename"], kept["content_type"], kept["size"]) == (
        "kvitto.png",
        "image/png",
        len(PNG),
    )
    url = f"/api/v1/tickets/{ticket.id}/attachments/{kept['id']}"
    download = client.get(url, headers=agent)
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert client.get(url, headers=stranger).status_code == 404  # another queue's case
    assert client.get(url).status_code == 401
    stored = list((tmp_path / "attachments").iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == PNG
    assert stored[0].stat().st_mode & 0o077 == 0  # owner-only
    transcript = client.get(f"/api/v1/tickets/{ticket.id}", headers=agent).json()["transcript"]
    assert not any("PNG" in line["text"] or "MZ" in line["text"] for line in transcript)

    deliver(factory, settings)
    (ack,) = received(mail, desk.anna, 1)
    assert "faktura.pdf" in body(ack)  # the user learns which file did not arrive


def _claimed_case(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    client: TestClient,
    db: Session,
    sender: str,
    case: tuple[str, ...],
) -> tuple[Ticket, dict[str, str]]:
    """A case opened by `sender`'s mail (one of CASES), claimed by an agent of its
    queue; the ticket and the agent's headers."""
    assert settings.mail_address
    _send(mail, sender, settings.mail_address, case[1], case[2])
    _read(mail, settings, factory, 1)
    (ticket,) = _tickets(factory)
    agent = logged_in(client, db, "eva", queues=[ticket.queue])
    assert client.post(f"/api/v1/tickets/{ticket.id}/claim", headers=agent).status_code == 200
    return ticket, agent


def test_the_resolution_notice_reaches_the_user_by_mail_in_their_language(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    client: TestClient,
    db: Session,
    desk: Desk,
) -> None:
    ticket, agent = _claimed_case(mail, settings, factory, client, db, desk.matti, CASES[2])
    base = f"/api/v1/tickets/{ticket.id}"
    assert client.post(f"{base}/resolve", headers=agent).status_code == 200
    deliver(factory, settings)
    _, notice, _question = received(mail, desk.matti, 3)
    assert f"Tapaus {ticket.id} on nyt ratkaistu" in body(notice)
    assert f"[Tiketti {ticket.id}]" in str(notice["Subject"])


def test_one_address_gets_a_few_automatic_mails_an_hour_at_most(
    mail: MailServer, settings: Settings, factory: sessionmaker[Session], desk: Desk
) -> None:
    limit = settings.mail_auto_replies_per_hour
    for i in range(limit + 2):
        _send(mail, desk.anna, desk.support, f"Fråga {i}", QUESTIONS[0][2])
    _read(mail, settings, factory, limit + 2)
    deliver(factory, settings)
    with factory() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == limit


def _start_reader(database_url: str, settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    """The mailbox reader as `./scripts/run` starts it: its own process, its output in
    `log` (a failed wait shows it)."""
    assert settings.imap_password is not None and settings.mail_address
    env = {
        **os.environ,
        "VIOL3_DATABASE_URL": database_url,
        "VIOL3_ADDRESS_KEY": KEY,
        "VIOL3_MAIL_ADDRESS": settings.mail_address,
        "VIOL3_IMAP_HOST": str(settings.imap_host),
        "VIOL3_IMAP_PORT": str(settings.imap_port),
        "VIOL3_IMAP_SECURITY": "none",
        "VIOL3_IMAP_USER": str(settings.imap_user),
        "VIOL3_IMAP_PASSWORD": settings.imap_password.get_secret_value(),
        "VIOL3_IMAP_POLL_SECONDS": "0.5",
        "VIOL3_MAIL_AUTO_REPLIES_PER_HOUR": "100",
        "VIOL3_ATTACHMENTS_DIR": str(settings.attachments_dir),
    }
    return subprocess.Popen(
        [str(MAIN_PYTHON), "-m", "api.channels.email_reader"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _reader_said(*logs: Path) -> str:
    """The last lines the readers wrote, for a failure message."""
    return "\n".join(
        f"--- {log.name}:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        for log in logs
        if log.exists()
    )


def _answered(factory: sessionmaker[Session]) -> int:
    """How many mails the reader has answered in full (their receipts)."""
    with factory() as db:
        query = select(func.count()).where(InboundReceipt.channel == "email")
        return int(db.scalar(query) or 0)


def test_killing_the_reader_loses_no_mail_and_answers_none_twice(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    database_url: str,
    desk: Desk,
    tmp_path: Path,
) -> None:
    settings.address_key = SecretStr(KEY)
    settings.attachments_dir = tmp_path / "attachments"
    count = 16
    settings.mail_auto_replies_per_hour = 100
    for i in range(count):
        _send(mail, desk.matti, desk.support, f"Väärä hinta {i}", CASES[2][2])
    mail.wait_for_messages(desk.support, count)

    logs = tmp_path / "reader-1.log", tmp_path / "reader-2.log"
    reader = _start_reader(database_url, settings, logs[0])
    try:
        wait_until(lambda: _answered(factory) >= 2, "the first mails answered")
    except AssertionError as missing:
        raise AssertionError(f"{missing}\n{_reader_said(*logs)}") from missing
    finally:
        os.killpg(reader.pid, signal.SIGKILL)  # no chance to finish the mail it is on
        reader.wait()
    assert _answered(factory) < count, "killed with mail left"

    restarted = _start_reader(database_url, settings, logs[1])
    try:
        wait_until(lambda: _answered(factory) == count, "every mail answered", timeout=120)
    except AssertionError as missing:
        raise AssertionError(
            f"{missing}: {_answered(factory)} of {count}\n{_reader_said(*logs)}"
        ) from missing
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(15)

    (ticket,) = _tickets(factory)  # the first mail opened it; the others joined it
    with factory() as db:
        said = db.scalars(
            select(Message.text).where(
                Message.conversation_id == ticket.conversation_id, Message.author == "user"
            )
        ).all()
    for i in range(count):  # every mail reached the case; only the one the kill cut
        assert any(f"Väärä hinta {i}\n" in text for text in said), (i, said)
    assert len(said) <= count + 1  # short can have been stored twice
    with factory() as db:
        assert len(db.scalars(select(OutboxMessage)).all()) == count  # one answer each
    deliver(factory, settings)
    assert len(received(mail, desk.matti, count)) == count


def test_a_reply_to_a_resolved_case_reopens_it_and_a_new_mail_opens_a_new_one(
    mail: MailServer,
    settings: Settings,
    factory: sessionmaker[Session],
    client: TestClient,
    db: Session,
    desk: Desk,
) -> None:
    ticket, agent = _claimed_case(mail, settings, factory, client, db, desk.anna, CASES[0])
    base = f"/api/v1/tickets/{ticket.id}"
    client.post(f"{base}/resolve", headers=agent)
    deliver(factory, settings)
    _, resolved, _question = received(mail, desk.anna, 3)

    _send(
        mail,
        desk.anna,
        desk.support,
        f"Re: {resolved['Subject']}",
        "Det kraschar igen efter uppdateringen.",
        In_Reply_To=str(resolved["Message-ID"]),
    )
    _read(mail, settings, factory, 2)
    db.expire_all()
    assert [t.id for t in _tickets(factory)] == [ticket.id]
    assert client.get(base, headers=agent).json()["status"] == "open"  # back in its queue
    deliver(factory, settings)
    _, _, _question, reopened = received(mail, desk.anna, 4)
    assert f"Ärende {ticket.id} är öppnat igen" in body(reopened)

    client.post(f"{base}/claim", headers=agent)
    client.post(f"{base}/resolve", headers=agent)
    _send(
        mail,
        desk.anna,
        desk.support,
        "Ny fråga om fakturan",
        "Fakturan för november saknar två leveranser.",
    )
    _read(mail, settings, factory, 3)
    assert len(_tickets(factory)) == 2  # not a reply: a new matter, a new case


def test_mail_from_our_own_address_is_never_answered(
    mail: MailServer, settings: Settings, factory: sessionmaker[Session], desk: Desk
) -> None:
    _send(mail, desk.support, desk.support, "Testmejl", CASES[0][2])
    _read(mail, settings, factory, 1)
    assert _tickets(factory) == []
    with factory() as db:
        assert db.scalars(select(OutboxMessage)).all() == []
