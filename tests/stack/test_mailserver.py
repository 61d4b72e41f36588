"""The throwaway mail server (stack/mailserver.py) behaves as the e-mail channel
will find a real one: authenticated SMTP submission, delivery into IMAP mailboxes
with the text intact, bounces for unknown mailboxes, refusals for other domains,
and IMAP IDLE."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.policy import default
from email.utils import formatdate, make_msgid, parseaddr
from typing import cast

import pytest
from imapclient import IMAPClient

from stack import mailserver
from stack.mailserver import MailNotArrived, MailServer, running_mailserver

SUPPORT = "support@viol3.test"
ASA = "asa.lindqvist@viol3.test"
VILLE = "ville.virtanen@viol3.test"
KASSA = "kassa@viol3.test"
TUKI = "tuki@viol3.fi"  # a second served domain
QUIET = "tyhja@viol3.test"  # no test sends here
MAILBOXES = {
    SUPPORT: "support-secret",
    ASA: "asa-secret",
    VILLE: "ville-secret",
    KASSA: "kassa-secret",
    TUKI: "tuki-secret",
    QUIET: "quiet-secret",
}
BODY = (
    "Hej!\n\n"
    "Mitt paket från Göteborg har inte kommit än. Kan ni kolla order 4711?\n\n"
    "Hyvää päivää! Tilaukseni ei ole vieläkään saapunut. Kiitos avusta.\n\n"
    "– Åsa\n"
)


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    """A real Dovecot behind a real SMTP server for these tests (installed if missing)."""
    with running_mailserver(MAILBOXES) as server:
        yield server


def _message(sender: str, to: str, subject: str, body: str = BODY) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="viol3.test")
    message.set_content(body)
    return message


def _smtp(mail: MailServer, login: str | None = None) -> smtplib.SMTP:
    smtp = smtplib.SMTP(mail.host, mail.smtp_port, timeout=30)
    if login:
        smtp.login(login, mail.mailboxes[login])
    return smtp


def _parsed(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=default)


def _arrivals(mail: MailServer, address: str, before: int, count: int = 1) -> list[EmailMessage]:
    """The messages that came into `address` after the first `before` ones."""
    return [_parsed(raw) for raw in mail.wait_for_messages(address, before + count)[before:]]


def test_a_mail_sent_with_login_arrives_with_its_text_and_headers_intact(
    mail: MailServer,
) -> None:
    sent = _message(
        f"Åsa Lindqvist <{ASA}>",
        f"Viol3 kundtjänst <{SUPPORT}>",
        "Beställning 4711 – paketet har inte kommit / Tilaus ei ole saapunut",
    )
    before = len(mail.fetch_all(SUPPORT))
    with _smtp(mail, ASA) as smtp:
        assert smtp.send_message(sent) == {}

    (received,) = _arrivals(mail, SUPPORT, before)
    for name, value in sent.items():
        assert received[name] == value, name
    # Lines end in CRLF on the wire and in the mailbox; their text is what was sent.
    assert received.get_content().splitlines() == BODY.splitlines()
    assert received.get_content_charset() == "utf-8"
    assert received["Return-Path"] == f"<{ASA}>"  # the envelope sender, as Dovecot saw it


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_each_mailbox_logs_in_with_its_own_password_only(mail: MailServer, mechanism: str) -> None:
    def auth(smtp: smtplib.SMTP, user: str, password: str) -> int:
        smtp.user, smtp.password = user, password
        login = smtp.auth_plain if mechanism == "PLAIN" else smtp.auth_login
        return smtp.auth(mechanism, login)[0]

    for user, password in [
        (SUPPORT, "wrong-password"),
        (SUPPORT, MAILBOXES[ASA]),  # someone else's
        ("nobody@viol3.test", "support-secret"),
    ]:
        with _smtp(mail) as smtp:
            smtp.ehlo()
            with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
                auth(smtp, user, password)
            assert refused.value.smtp_code == 535, user
    with _smtp(mail) as smtp:
        smtp.ehlo()
        assert auth(smtp, SUPPORT, MAILBOXES[SUPPORT]) == 235


def test_nothing_is_taken_without_login(mail: MailServer) -> None:
    with _smtp(mail) as smtp, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        smtp.send_message(_message(ASA, SUPPORT, "Ingen inloggning"))
    assert refused.value.smtp_code == 530


def test_an_unknown_mailbox_in_a_served_domain_bounces_to_the_sender(mail: MailServer) -> None:
    sent = _message(VILLE, f"ingen@viol3.fi, {KASSA}", "Kuitti puuttuu / Kvitto saknas")
    sender_before, kassa_before = len(mail.fetch_all(VILLE)), len(mail.fetch_all(KASSA))
    with _smtp(mail, VILLE) as smtp:
        assert smtp.send_message(sent) == {}  # accepted at RCPT, like an MTA that queues

    (delivered,) = _arrivals(mail, KASSA, kassa_before)
    assert delivered["Message-ID"] == sent["Message-ID"]
    (dsn,) = _arrivals(mail, VILLE, sender_before)
    assert dsn.get_content_type() == "multipart/report"
    assert dsn.get_param("report-type") == "delivery-status"
    assert parseaddr(dsn["From"])[1] == "MAILER-DAEMON@viol3.fi"
    assert parseaddr(dsn["To"])[1] == VILLE
    assert dsn["Auto-Submitted"] == "auto-replied"
    assert dsn["Return-Path"] == "<>"  # a bounce is never bounced
    parts = {part.get_content_type(): part for part in dsn.iter_parts()}
    assert list(parts) == ["text/plain", "message/delivery-status", "text/rfc822-headers"]
    assert "ingen@viol3.fi" in parts["text/plain"].get_content()
    per_message, *per_recipient = cast(
        list[Message], parts["message/delivery-status"].get_payload()
    )
    assert per_message["Reporting-MTA"] == "dns; viol3.fi"
    assert [(r["Final-Recipient"], r["Action"], r["Status"]) for r in per_recipient] == [
        ("rfc822; ingen@viol3.fi", "failed", "5.1.1")
    ]
    headers = HeaderParser(policy=default).parsestr(parts["text/rfc822-headers"].get_content())
    assert headers["Message-ID"] == sent["Message-ID"]
    assert headers["Subject"] == sent["Subject"]


def test_a_foreign_domain_is_refused_with_550_and_the_rest_delivered(mail: MailServer) -> None:
    with _smtp(mail, SUPPORT) as smtp, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        smtp.send_message(_message(SUPPORT, "asiakas@example.com", "Vastaus"))
    assert refused.value.recipients["asiakas@example.com"][0] == 550

    sent = _message(SUPPORT, f"asiakas@example.com, {TUKI}", "Vastaus / Svar")
    before = len(mail.fetch_all(TUKI))
    with _smtp(mail, SUPPORT) as smtp:
        refusals = smtp.send_message(sent)
    assert list(refusals) == ["asiakas@example.com"]
    assert refusals["asiakas@example.com"][0] == 550
    (received,) = _arrivals(mail, TUKI, before)
    assert received["Message-ID"] == sent["Message-ID"]


def test_the_imap_server_advertises_idle(mail: MailServer) -> None:
    with IMAPClient(mail.host, port=mail.imap_port, ssl=False, timeout=10) as client:
        assert client.has_capability("IDLE")  # before login: what a client decides on
        client.login(SUPPORT, MAILBOXES[SUPPORT])
        assert client.has_capability("IDLE")


def test_a_wait_ends_with_mail_that_arrives_while_it_waits(mail: MailServer) -> None:
    before = len(mail.fetch_all(KASSA))
    sent = _message(ASA, KASSA, "Väntar på svar")
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(mail.wait_for_messages, KASSA, before + 1)
        with _smtp(mail, ASA) as smtp:
            smtp.send_message(sent)
        arrived = waiting.result()
    assert _parsed(arrived[-1])["Message-ID"] == sent["Message-ID"]


def test_a_wait_past_its_deadline_says_what_did_arrive(mail: MailServer) -> None:
    assert mail.fetch_all(QUIET) == []
    with pytest.raises(MailNotArrived, match=r"1 message\(s\), 0 arrived"):
        mail.wait_for_messages(QUIET, 1, timeout=0)

    sent = _message(ASA, QUIET, "Ensam i lådan")
    with _smtp(mail, ASA) as smtp:
        smtp.send_message(sent)
    _arrivals(mail, QUIET, 0)
    with pytest.raises(MailNotArrived, match=r"2 message.*1 arrived.*Ensam i lådan"):
        mail.wait_for_messages(QUIET, 2, timeout=0)


@pytest.mark.parametrize("taken", ["imap", "smtp"])
def test_a_port_taken_before_the_server_binds_it_is_picked_again(
    monkeypatch: pytest.MonkeyPatch, taken: str
) -> None:
    # Another process wins the race between picking a free port and binding it:
    # the first ports offered include one that something already listens on.
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        real = mailserver._distinct_free_ports
        offered: list[list[int]] = []

        def ports(count: int) -> list[int]:
            picked = real(count)
            if not offered:
                picked[0 if taken == "imap" else 2] = busy  # imap, lmtp, smtp
            offered.append(picked)
            return picked

        monkeypatch.setattr(mailserver, "_distinct_free_ports", ports)
        with running_mailserver({SUPPORT: "support-secret"}) as server:
            assert len(offered) == 2
            assert busy not in (server.imap_port, server.smtp_port)
            with server.imap(SUPPORT) as client:
                assert client.select_folder("INBOX")[b"EXISTS"] == 0
