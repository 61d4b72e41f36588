"""The senders the outbox worker hands messages to, one per channel that pushes."""

from __future__ import annotations

import asyncio
from typing import Protocol

from api.config import Settings


class SendFailed(Exception):
    """The provider did not take the message; `permanent` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Sender(Protocol):
    def send(self, address: str, text: str) -> None: ...


class TelegramSender:
    """Sends through python-telegram-bot's `Bot` (address: the chat id). One bot and
    one event loop for the sender's life, so `getMe` is asked once, not per message."""

    def __init__(self, token: str, base_url: str) -> None:
        from telegram import Bot

        self.bot = Bot(token, base_url=base_url)
        self.loop = asyncio.new_event_loop()

    def send(self, address: str, text: str) -> None:
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

    def send(self, address: str, text: str) -> None:
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
    return senders
