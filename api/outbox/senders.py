"""The senders the outbox worker hands messages to, one per channel that pushes."""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import Callable, Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Protocol

from api.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class SendFailed(Exception):
    """The provider did not take the message; `permanent` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Sender(Protocol):
    def send(self, address: str, text: str, headers: Mapping[str, str]) -> None:
        """Send `text` to `address`; `headers` are the row's mail headers (e-mail only)."""


class TelegramSender:
    """Sends through python-telegram-bot's `Bot` (address: the chat id). One bot and
    one event loop for the sender's life, so `getMe` is asked once, not per message."""

    def __init__(self, token: str, base_url: str) -> None:
        from telegram import Bot

        self.bot = Bot(token, base_url=base_url)
        self.loop = asyncio.new_event_loop()

    def send(self, address: str, text: str, headers: Mapping[str, str]) -> None:
        self.loop.run_until_complete(self._send(int(address), text))

    async def _send(self, chat_id: int, text: str) -> None:
        from telegram.error import BadRequest, Forbidden, TelegramError

        try:
            await self.bot.initialize()  # asks getMe once; after that it returns at once
            await self.bot.send_message(chat_id=chat_id, text=text)
        except (Forbidden, BadRequest) as exc:  # blocked by the user, or no such chat
            raise SendFailed(f"telegram refused: {type(exc).__name__}", permanent=True) from exc
        except TelegramError as exc:  # network, timeout, flood control: later
            raise SendFailed(f"telegram: {type(exc).__name__}") from exc


class SmsSender:
    """Sends through twilio's REST client (address: the phone number, E.164).

    What goes out here (agents' replies, notices such as "case resolved") is
    shaped for SMS like the assistant's answers: no Markdown, links whole, no
    typographic characters that would force UCS-2. It is not cut to three parts
    with a "reply MER" pointer, though: MER pages the assistant's last answer,
    and an agent's words are not ours to shorten. Only past ten parts (Twilio's
    advice; it refuses bodies over 1,600 characters) is it cut, at a sentence.
    So no language is needed here: the row does not carry one.
    """

    MAX_SEGMENTS = 10

    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_url: str | None):
        from twilio.rest import Client

        self.client = Client(account_sid, auth_token)
        if api_url:
            self.client.api.base_url = api_url
        self.from_number = from_number

    def send(self, address: str, text: str, headers: Mapping[str, str]) -> None:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            self.client.messages.create(to=address, from_=self.from_number, body=self.shape(text))
        except TwilioRestException as exc:
            # 4xx: a bad or unreachable number, retrying will not help; 5xx and 429: later
            permanent = 400 <= exc.status < 500 and exc.status != 429
            raise SendFailed(f"twilio {exc.status} {exc.code}", permanent=permanent) from exc
        except TwilioException as exc:
            raise SendFailed(f"twilio: {type(exc).__name__}") from exc

    @classmethod
    def shape(cls, text: str) -> str:
        """`text` as a plain SMS of at most MAX_SEGMENTS parts."""
        from bot.channels.plain import shorten
        from bot.channels.sms import plain_sms, segments

        body = plain_sms(text)
        if segments(body)[1] <= cls.MAX_SEGMENTS:
            return body

        def fits(start: str) -> bool:
            return segments(start)[1] <= cls.MAX_SEGMENTS

        return shorten(body, fits, ellipsis="...") or body


class EmailSender:
    """Sends by SMTP from the support address (address: the user's e-mail address).

    The row's headers thread the mail (Message-ID, In-Reply-To, References, the
    subject with the case number) and mark an automatic one (Auto-Submitted). One
    connection per mail: mails are few, and a dropped connection then costs nothing."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        user: str | None,
        password: str | None,
        from_address: str,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.user, self.password = user, password
        self.from_address, self.timeout = from_address, timeout

    def send(self, address: str, text: str, headers: Mapping[str, str]) -> None:
        mail = self.compose(address, text, headers)
        try:
            with self._connect() as smtp:
                if self.user and self.password is not None:
                    smtp.login(self.user, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:  # this address will not take it
            raise SendFailed("smtp: recipient refused", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx: refused for good (550 no such user, 554 rejected); 4xx: later
            permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code != 530
            raise SendFailed(f"smtp {exc.smtp_code}", permanent=permanent) from exc
        except (smtplib.SMTPException, OSError) as exc:  # network, timeout, TLS: later
            raise SendFailed(f"smtp: {type(exc).__name__}") from exc

    def compose(self, address: str, text: str, headers: Mapping[str, str]) -> EmailMessage:
        """The mail as it is sent: plain UTF-8 text, our address as sender."""
        from email.utils import formataddr, formatdate

        mail = EmailMessage()
        mail["From"] = formataddr(("Biometria VIOL 3 support", self.from_address))
        mail["To"] = address
        mail["Date"] = formatdate(usegmt=True)
        for name in ("Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted"):
            if headers.get(name):
                mail[name] = headers[name]
        mail.set_content(text)
        return mail

    def _connect(self) -> smtplib.SMTP:
        import ssl

        if self.security == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp


class WebhookSender:
    """Posts a signed webhook (Standard Webhooks) to a case-register endpoint
    (address: the endpoint's URL; headers: the delivery's `webhook-id` and endpoint).

    The endpoint is read at the moment of sending: a paused one waits, a removed
    or disabled one fails, and its address is checked against private networks
    again (what a name resolves to can change since registration). Redirects are
    not followed (one could lead inside the network). 2xx is delivered; 410 Gone
    disables the endpoint; any other answer is tried again later with the outbox's
    backoff. Errors never carry the URL, which may hold the receiver's token.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        key: bytes,
        *,
        timeout: float = 10.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        import httpx

        from api.database import utcnow

        self.factory, self.key = factory, key
        self.clock = clock or utcnow
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)

    def send(self, address: str, text: str, headers: Mapping[str, str]) -> None:
        from api.webhooks.signing import signed_headers

        endpoint_id = int(headers.get("endpoint", "0"))
        secret = self._usable_secret(address, endpoint_id)
        # A new timestamp on every try (the id stays): receivers refuse old ones.
        signed = signed_headers(secret, headers["webhook-id"], self.clock(), text)
        self._post(address, text, signed, endpoint_id)

    def _usable_secret(self, address: str, endpoint_id: int) -> str:
        from api.webhooks import service
        from api.webhooks.models import EndpointStatus
        from api.webhooks.ssrf import UnsafeTarget, check_target

        with self.factory() as db:
            found = service.receiver(db=db, endpoint_id=endpoint_id, key=self.key)
            if found is None:
                raise SendFailed("webhook endpoint deleted", permanent=True)
            endpoint, secret = found
            if endpoint.status in (EndpointStatus.DELETED, EndpointStatus.DISABLED):
                raise SendFailed(f"webhook endpoint {endpoint.status}", permanent=True)
            if endpoint.status == EndpointStatus.PAUSED:  # paused while this try began
                raise SendFailed("webhook endpoint paused")
            try:
                check_target(
                    address,
                    allow_http=endpoint.allow_http,
                    allow_private_network=endpoint.allow_private_network,
                )
            except UnsafeTarget as exc:
                raise SendFailed(f"address refused: {exc.detail}") from exc
        return secret

    def _post(self, address: str, text: str, signed: dict[str, str], endpoint_id: int) -> None:
        import httpx

        from api.webhooks import service

        try:
            answer = self.client.post(
                address,
                content=text.encode(),
                headers={**signed, "content-type": "application/json"},
            )
        except httpx.InvalidURL as exc:  # no later try can post to it
            raise SendFailed("webhook: invalid address", permanent=True) from exc
        except httpx.HTTPError as exc:  # network, TLS, timeout: later
            raise SendFailed(f"webhook: {type(exc).__name__}") from exc
        if answer.is_success:
            return
        if answer.status_code == 410:
            with self.factory() as db:
                service.disable(db=db, endpoint_id=endpoint_id, reason="the receiver answered 410")
            raise SendFailed("webhook 410 Gone: endpoint disabled", permanent=True)
        raise SendFailed(f"webhook HTTP {answer.status_code}")


def configured_senders(settings: Settings) -> dict[str, Sender]:
    """A sender for every channel whose credentials are set."""
    senders: dict[str, Sender] = {}
    if settings.telegram_bot_token is not None:
        token = settings.telegram_bot_token.get_secret_value()
        senders["telegram"] = TelegramSender(token, settings.telegram_api_url)
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from_number:
        senders["sms"] = SmsSender(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_from_number,
            settings.twilio_api_url,
        )
    if settings.mail_address and settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        senders["email"] = EmailSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=password,
            from_address=settings.mail_address,
        )
    return senders
