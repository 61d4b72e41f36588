"""`python -m stack.mail_demo`: a local mail server to try the e-mail channel with.

Starts the tests' real Dovecot and SMTP server (stack/mailserver.py, as root: it
installs Debian's packages when missing) with a support mailbox and two users'
mailboxes, prints the settings that point `./scripts/run` at it, and keeps it
running until Ctrl-C. Mail sent to the support address from a user's mailbox
(any mail program, or the `swaks`/`python -m smtplib` of your choice, logged in
as that user) is answered by the assistant, and the answer arrives in the
user's mailbox.
"""

from __future__ import annotations

import signal
import threading

from stack.mailserver import running_mailserver

SUPPORT = "support@viol3.test"
USERS = {"anna@kund.test": "anna-demo-password", "matti@asiakas.test": "matti-demo-password"}
SUPPORT_PASSWORD = "support-demo-password"  # a local demo only, never a real mailbox


def main() -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with running_mailserver({SUPPORT: SUPPORT_PASSWORD, **USERS}) as server:
        print("Mail server running. In another shell, start the assistant with:\n")
        settings = {
            "VIOL3_MAIL_ADDRESS": SUPPORT,
            "VIOL3_IMAP_HOST": server.host,
            "VIOL3_IMAP_PORT": server.imap_port,
            "VIOL3_IMAP_SECURITY": "none",
            "VIOL3_IMAP_USER": SUPPORT,
            "VIOL3_IMAP_PASSWORD": SUPPORT_PASSWORD,
            "VIOL3_SMTP_HOST": server.host,
            "VIOL3_SMTP_PORT": server.smtp_port,
            "VIOL3_SMTP_SECURITY": "none",
            "VIOL3_SMTP_USER": SUPPORT,
            "VIOL3_SMTP_PASSWORD": SUPPORT_PASSWORD,
        }
        print(
            "  "
            + " \\\n  ".join(f"{k}={v}" for k, v in settings.items())
            + " \\\n  ./scripts/run\n"
        )
        print(f"Users (IMAP {server.imap_port}, SMTP {server.smtp_port}, log in as the address):")
        for address, password in USERS.items():
            print(f"  {address}  password {password}")
        print("\nCtrl-C stops it.")
        stop.wait()


if __name__ == "__main__":
    main()
