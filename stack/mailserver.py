"""A throwaway mail server for tests: Dovecot (IMAP, LMTP) behind an SMTP server.

The e-mail channel reads a support mailbox over IMAP (IDLE where offered) and
sends by SMTP with AUTH, so its tests need both, real. Debian's `dovecot-imapd`
and `dovecot-lmtpd` are installed with apt-get when missing (the machines run
as root). Dovecot runs from a config, state and maildirs of its own in a
temporary directory, never /etc/dovecot or /var/mail. An aiosmtpd server in this
process takes authenticated submissions and hands each message to Dovecot over
LMTP; an unknown mailbox in a served domain is bounced to the sender with a
delivery status notification, as a real MTA does, and other domains are refused.
Everything listens on 127.0.0.1 and is stopped and deleted afterwards.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import pwd
import re
import secrets
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from imapclient import IMAPClient

from stack.debian import installed

HOST = "127.0.0.1"
DOVECOT_LIBEXEC = Path("/usr/lib/dovecot")  # where Debian puts imap, lmtp and the rest
# Dovecot will not run mail processes as root; its own system user owns the mail.
MAIL_USER = "dovecot"
READY_TIMEOUT_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0
# An IDLE wait ends early when Dovecot reports new mail; the bound only makes a
# missed notification cost a re-check instead of the whole deadline.
IDLE_RECHECK_SECONDS = 1.0
IMAP_TIMEOUT_SECONDS = 10.0

log = logging.getLogger(__name__)


class MailServerUnavailable(RuntimeError):
    """No mail server could be installed or started here."""


class MailNotArrived(TimeoutError):
    """A mailbox did not get the messages a test waited for in time."""


def server_binary() -> Path | None:
    """The installed dovecot master, if its IMAP server is installed too."""
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin")
    return Path(found) if found and (DOVECOT_LIBEXEC / "imap").exists() else None


def lmtp_binary() -> Path | None:
    """Dovecot's installed LMTP server, if any."""
    found = DOVECOT_LIBEXEC / "lmtp"
    return found if found.exists() else None


def install() -> Path:
    """The dovecot binary, installing Debian's IMAP and LMTP packages first if needed."""
    installed("dovecot-lmtpd", lmtp_binary, MailServerUnavailable, recommends=False)
    return installed("dovecot-imapd", server_binary, MailServerUnavailable, recommends=False)


@dataclass(frozen=True)
class MailServer:
    """A running server: IMAP and SMTP on `host`, and the mailboxes it serves
    (lower-case address -> password; the address is also the login name)."""

    host: str
    imap_port: int
    smtp_port: int
    mailboxes: dict[str, str]

    @contextmanager
    def imap(self, address: str) -> Iterator[Any]:
        """An IMAPClient logged in as `address`, logged out afterwards."""
        user = address.lower()
        with IMAPClient(
            self.host, port=self.imap_port, ssl=False, timeout=IMAP_TIMEOUT_SECONDS
        ) as client:
            client.login(user, self.mailboxes[user])
            yield client

    def fetch_all(self, address: str) -> list[bytes]:
        """The raw RFC 822 bytes of every message in `address`'s INBOX, oldest first."""
        with self.imap(address) as client:
            client.select_folder("INBOX", readonly=True)
            return _inbox(client)

    def wait_for_messages(self, address: str, count: int, timeout: float = 30.0) -> list[bytes]:
        """Every message in `address`'s INBOX once it holds at least `count`, waiting
        with IMAP IDLE; MailNotArrived (saying what did arrive) after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self.imap(address) as client:
            client.select_folder("INBOX", readonly=True)
            while len(_inbox_uids(client)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise MailNotArrived(_too_few(address, count, timeout, _inbox(client)))
                client.idle()
                try:
                    client.idle_check(timeout=min(remaining, IDLE_RECHECK_SECONDS))
                finally:
                    client.idle_done()
            return _inbox(client)


def _inbox_uids(client: Any) -> list[int]:
    """The UIDs in the selected mailbox now (NOOP first: Dovecot reports new mail
    at a command's end, and SEARCH only sees mail already reported)."""
    client.noop()
    return list(client.search("ALL"))


def _inbox(client: Any) -> list[bytes]:
    """The raw messages of the selected mailbox, in UID (arrival) order."""
    uids = _inbox_uids(client)
    if not uids:
        return []
    fetched = client.fetch(uids, ["BODY.PEEK[]"])  # PEEK: reading marks nothing \Seen
    return [bytes(fetched[uid][b"BODY[]"]) for uid in sorted(fetched)]


def _too_few(address: str, count: int, timeout: float, arrived: list[bytes]) -> str:
    """What a test waited for and what came instead, by subject and Message-ID."""
    parser = BytesHeaderParser(policy=SMTP)
    seen = [
        f"{headers.get('Subject', '')!r} {headers.get('Message-ID', '')}"
        for headers in (parser.parsebytes(raw) for raw in arrived)
    ]
    return (
        f"{address}: waited {timeout:.1f} s for {count} message(s), {len(arrived)} arrived: {seen}"
    )


def _normalised(mailboxes: dict[str, str]) -> dict[str, str]:
    """The mailboxes keyed by lower-case address (mail domains and Dovecot's user
    names compare case-insensitively), refusing what the passwd-file cannot hold."""
    normal: dict[str, str] = {}
    for address, password in mailboxes.items():
        local, _, domain = address.lower().rpartition("@")
        if not local or not domain or re.search(r"[\s:]", address) or re.search("[:\n]", password):
            raise ValueError(f"unusable mailbox {address!r} (or its password)")
        normal[f"{local}@{domain}"] = password
    if not normal:
        raise ValueError("a mail server needs at least one mailbox")
    return normal


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _users_file(mailboxes: dict[str, str]) -> str:
    """Dovecot's passwd-file: user:password, the rest from the config's defaults."""
    return "".join(
        f"{address}:{{PLAIN}}{password}::::::\n" for address, password in mailboxes.items()
    )


def _dovecot_config(root: Path, imap_port: int, lmtp_port: int, user: pwd.struct_passwd) -> str:
    """Dovecot 2.3 settings that use nothing outside `root` and listen on loopback only."""
    return f"""\
# Written by stack/mailserver.py for one test run; deleted with {root}.
protocols = imap lmtp
listen = {HOST}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
auth_verbose = yes
# Loopback only: no TLS, and plaintext logins are fine.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
mail_uid = {user.pw_uid}
mail_gid = {user.pw_gid}
# A system user's uid is below the default 500.
first_valid_uid = {user.pw_uid}
first_valid_gid = {user.pw_gid}
# Where inotify cannot tell IDLE about new mail, look this often.
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = username_format=%Lu {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%Lu {root}/users
  default_fields = home={root}/mail/%Lu
}}
service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {imap_port}
  }}
  # Built in on 993 otherwise.
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = {HOST}
    port = {lmtp_port}
  }}
}}
"""


def _prepare(root: Path, config: str, mailboxes: dict[str, str], user: pwd.struct_passwd) -> None:
    """The config, the password file and the mail directory, each readable by whom
    needs it: Dovecot's auth and mail processes run as `user`, not root."""
    root.chmod(0o711)  # they must pass through; only root lists it
    (root / "dovecot.conf").write_text(config)
    (root / "state").mkdir(mode=0o750)
    users = root / "users"
    users.write_text(_users_file(mailboxes))
    users.chmod(0o640)
    os.chown(users, 0, user.pw_gid)
    mail = root / "mail"
    mail.mkdir(mode=0o700)
    os.chown(mail, user.pw_uid, user.pw_gid)


def _dovecot_said(root: Path) -> str:
    """Dovecot's log, and what it printed before it had one (config errors)."""
    parts = []
    for name in ("dovecot.out", "dovecot.log"):
        path = root / name
        if path.exists() and (text := path.read_text(errors="replace").strip()):
            parts.append(f"{name}:\n{text}")
    return "\n".join(parts) or "no log"


def _greets(port: int, greeting: bytes) -> bool:
    """Whether the server on `port` answers a connection with `greeting`."""
    try:
        with (
            socket.create_connection((HOST, port), timeout=1.0) as sock,
            sock.makefile("rb") as reply,
        ):
            return reply.readline().startswith(greeting)
    except OSError:
        return False


def _wait_until_answers(
    dovecot: subprocess.Popen[bytes], root: Path, imap_port: int, lmtp_port: int, smtp_port: int
) -> None:
    """Until IMAP, LMTP and SMTP greet; Dovecot's exit or the deadline is a failure."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        if dovecot.poll() is not None:
            said = _dovecot_said(root)
            if "Address already in use" in said:
                raise _PortTaken(f"dovecot: {said}")
            raise MailServerUnavailable(f"dovecot exited ({dovecot.returncode}): {said}")
        if (
            _greets(imap_port, b"* OK")
            and _greets(lmtp_port, b"220")
            and _greets(smtp_port, b"220")
        ):
            return
        if time.monotonic() > deadline:
            raise MailServerUnavailable(
                f"mail server did not answer in {READY_TIMEOUT_SECONDS} s: {_dovecot_said(root)}"
            )
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class _Authenticator:
    """SMTP AUTH (PLAIN or LOGIN) that accepts exactly the mailboxes' passwords."""

    def __init__(self, mailboxes: dict[str, str]) -> None:
        self.mailboxes = mailboxes

    def __call__(
        self, server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            login = data.login.decode(errors="replace").lower()
            known = self.mailboxes.get(login)
            if known is not None and secrets.compare_digest(known.encode(), data.password):
                return AuthResult(success=True, auth_data=data)
        # handled=False: aiosmtpd then answers 535 itself (True would answer nothing).
        return AuthResult(success=False, handled=False)


def _deliver(lmtp_port: int, sender: str, recipient: str, data: bytes) -> None:
    """`data` into `recipient`'s mailbox. One recipient per transaction: smtplib's
    LMTP reads only one reply after DATA, where LMTP sends one per recipient."""
    options = ["BODY=8BITMIME"] if not data.isascii() else []
    with smtplib.LMTP(HOST, lmtp_port, timeout=30.0) as lmtp:
        lmtp.sendmail(sender, [recipient], data, mail_options=options)


def delivery_status_notification(
    original: bytes, sender: str, failed: Sequence[str], domain: str
) -> EmailMessage:
    """The bounce for `original` (RFC 3464): a human explanation, the status of each
    `failed` recipient, and the original's headers, from MAILER-DAEMON@`domain`."""
    now = format_datetime(datetime.now(UTC))
    report = EmailMessage(policy=SMTP)
    report["From"] = f"Mail Delivery System <MAILER-DAEMON@{domain}>"
    report["To"] = sender
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = now
    report["Message-ID"] = make_msgid("bounce", domain=domain)
    report["Auto-Submitted"] = "auto-replied"  # RFC 3834: auto-responders leave it alone
    listed = "\n".join(f"<{recipient}>: no such mailbox" for recipient in failed)
    report.set_content(
        f"This is the mail system at {domain}.\n\n"
        "Your message could not be delivered to one or more recipients:\n\n"
        f"{listed}\n"
    )
    report.make_mixed()
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")
    report.attach(_delivery_status(domain, failed, now))
    report.attach(_original_headers(original))
    return report


def _delivery_status(domain: str, failed: Sequence[str], arrived: str) -> EmailMessage:
    """The message/delivery-status part: a per-message block, one per recipient."""
    per_message = Message(policy=SMTP)
    per_message["Reporting-MTA"] = f"dns; {domain}"
    per_message["Arrival-Date"] = arrived
    blocks: list[Message[str, str] | str] = [per_message]
    for recipient in failed:
        block = Message(policy=SMTP)
        block["Final-Recipient"] = f"rfc822; {recipient}"
        block["Action"] = "failed"
        block["Status"] = "5.1.1"
        block["Diagnostic-Code"] = f"smtp; 550 5.1.1 <{recipient}>: no such mailbox"
        blocks.append(block)
    part = EmailMessage(policy=SMTP)
    part["Content-Type"] = "message/delivery-status"
    part.set_payload(blocks)  # the email package writes each block's fields, blank-separated
    return part


def _original_headers(original: bytes) -> EmailMessage:
    """The text/rfc822-headers part: the original's header lines as they came."""
    headers = re.split(rb"\r?\n\r?\n", original, maxsplit=1)[0]
    text = headers.decode("utf-8", errors="replace")
    part = EmailMessage(policy=SMTP)
    part.set_content(text, subtype="rfc822-headers", cte="7bit" if text.isascii() else "8bit")
    # RFC 6522 gives text/rfc822-headers no parameters; set_content adds a charset,
    # and a MIME-Version that belongs in the report's own headers only.
    part.replace_header("Content-Type", "text/rfc822-headers")
    del part["MIME-Version"]
    return part


class _Relay:
    """The SMTP side: local mailboxes get the message over LMTP, unknown ones in a
    served domain a bounce to the sender, other domains a 550 at RCPT."""

    def __init__(self, mailboxes: dict[str, str], lmtp_port: int) -> None:
        self.mailboxes = mailboxes
        self.domains = {_domain(address) for address in mailboxes}
        self.lmtp_port = lmtp_port

    async def handle_MAIL(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        # AUTH is enforced here rather than with aiosmtpd's auth_required, which
        # warns on every connection that it is not over TLS; without MAIL there is
        # no RCPT or DATA, so the effect is the same.
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if _domain(address) not in self.domains:
            return f"550 5.7.1 <{address}>: relay access denied"
        # An unknown local mailbox is accepted now and bounced later, as an MTA
        # that looks up mailboxes only at delivery does: the sender gets a DSN.
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        sender = envelope.mail_from or ""
        try:
            await asyncio.to_thread(self._deliver_all, sender, list(envelope.rcpt_tos), data)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("LMTP delivery failed: %s", exc)
            return f"451 4.3.0 delivery failed, try again: {exc}"
        return "250 2.0.0 OK: delivered"

    def _deliver_all(self, sender: str, recipients: list[str], data: bytes) -> None:
        failed = [address for address in recipients if address.lower() not in self.mailboxes]
        for address in recipients:
            if address.lower() in self.mailboxes:
                _deliver(self.lmtp_port, sender, address.lower(), data)
        if failed:
            self._bounce(sender, failed, data)

    def _bounce(self, sender: str, failed: list[str], data: bytes) -> None:
        """The DSN, delivered with the null sender so that it never bounces itself;
        a bounce (null sender) or a sender with no mailbox here gets none."""
        bounce_to = parseaddr(sender)[1].lower()
        if bounce_to not in self.mailboxes:
            log.info("no bounce for %s: sender %r has no mailbox here", failed, sender)
            return
        report = delivery_status_notification(data, bounce_to, failed, _domain(failed[0]))
        _deliver(self.lmtp_port, "", bounce_to, report.as_bytes(policy=SMTP))


def _distinct_free_ports(count: int) -> list[int]:
    """`count` different ports nothing listens on now (held open together while they
    are picked, so that no two are the same)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class _PortTaken(MailServerUnavailable):
    """A port picked as free was taken by another process before the server bound it."""


START_ATTEMPTS = 3


@contextmanager
def running_mailserver(mailboxes: dict[str, str]) -> Iterator[MailServer]:
    """A started server with these mailboxes (address -> password), all empty. A port
    taken between picking it and binding it (another process can win that race) is
    picked again, a few times."""
    binary = install()
    if os.geteuid() != 0:
        raise MailServerUnavailable("dovecot's master process must be started as root")
    served = _normalised(mailboxes)
    for attempt in range(1, START_ATTEMPTS + 1):
        with ExitStack() as running:
            try:
                server = running.enter_context(_started(binary, served))
            except _PortTaken as taken:
                if attempt == START_ATTEMPTS:
                    raise
                log.info("mail server port taken (%s); picking others", taken)
                continue
            yield server
            return


@contextmanager
def _started(binary: Path, served: dict[str, str]) -> Iterator[MailServer]:
    user = pwd.getpwnam(MAIL_USER)
    imap_port, lmtp_port, smtp_port = _distinct_free_ports(3)
    root = Path(tempfile.mkdtemp(prefix="viol3-mail-"))
    try:
        _prepare(root, _dovecot_config(root, imap_port, lmtp_port, user), served, user)
        with (root / "dovecot.out").open("wb") as output:
            dovecot = subprocess.Popen(
                [str(binary), "-F", "-c", str(root / "dovecot.conf")],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            controller = Controller(
                _Relay(served, lmtp_port),
                hostname=HOST,
                port=smtp_port,
                authenticator=_Authenticator(served),
                auth_require_tls=False,  # loopback only, and no TLS here at all
            )
            try:
                controller.start()
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise _PortTaken(f"SMTP port {smtp_port}") from exc
                raise
            try:
                _wait_until_answers(dovecot, root, imap_port, lmtp_port, smtp_port)
                yield MailServer(HOST, imap_port, smtp_port, served)
            finally:
                controller.stop()
        finally:
            _stop(dovecot)
    finally:
        shutil.rmtree(root, ignore_errors=True)
