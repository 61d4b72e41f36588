"""Telegram: verify and read an update, answer it as a chat turn, queue the replies.

The webhook and the long-polling mode both end in `handle_update`. Replies
never go back in the HTTP answer: they are queued in the outbox and sent
through python-telegram-bot's `Bot` by the outbox sender, like agents'
replies, so a Telegram outage delays them instead of losing them.

A conversation is keyed by a pseudonym of the chat id, not the id itself: a
Telegram id names a person and is easy to learn, and the public chat API
takes any sender, so a raw id would let anyone read that user's replies.
The chat id needed for sending is stored sealed, like a phone number.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, cast

from sqlalchemy.orm import Session
from telegram import Bot, Update
from telegram.constants import ChatType

from api.addresses import address_secret, pseudonym, seal
from api.assistant.client import RasaClient
from api.channels.base import Channel, Inbound, Turn
from api.channels.receipts import first_delivery
from api.channels.turn import admit_from_provider, conversation_of, take_turn
from api.config import Settings
from api.conversations.models import Conversation
from api.conversations.service import find_conversation
from api.exceptions import InvalidInput, WebhookRejected
from api.outbox.service import enqueue
from api.ratelimit import RateLimits
from bot.language import Lang, is_supported, load_rules

log = logging.getLogger(__name__)

CHANNEL: Final = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Rasa reads a message "/intent" as that intent without NLU: /start is a
# greeting, whatever language the user's app is in.
GREETING = "/greet"


@dataclass(frozen=True)
class TelegramText:
    """A private-chat message the assistant answers."""

    update_id: int
    chat_id: int
    text: str  # "" for a message without text: a sticker, a voice message, a bare photo
    language_hint: Lang | None


def check_secret(*, settings: Settings, given: str | None) -> None:
    """Accept only requests carrying the secret token given to setWebhook."""
    expected = settings.telegram_secret_token
    if expected is None or settings.telegram_bot_token is None:
        # Without a secret anyone could post updates; without a token we could not answer.
        log.warning("telegram webhook called, but the bot token or secret token is not set")
        raise WebhookRejected(CHANNEL)
    if not hmac.compare_digest((given or "").encode(), expected.get_secret_value().encode()):
        raise WebhookRejected(CHANNEL)


def parse_update(*, settings: Settings, data: Any) -> Update:
    """The update in Telegram's JSON, read by python-telegram-bot (no network call)."""
    language = load_rules().default  # the user is Telegram here, not a person
    if not isinstance(data, dict):
        raise InvalidInput("error_invalid_request", language)
    assert settings.telegram_bot_token is not None  # check_secret came first
    bot = _bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_url)
    try:
        return Update.de_json(data, bot)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput("error_invalid_request", language) from exc


@cache
def _bot(token: str, base_url: str) -> Bot:
    # One per process: a Bot holds HTTP clients, and parsing needs none of them.
    return Bot(token, base_url=base_url)


def language_hint(code: str | None) -> Lang | None:
    """The user's app language (an IETF tag such as "fi" or "en-GB"), if it is one of ours."""
    base = (code or "").split("-")[0].lower()
    return cast(Lang, base) if is_supported(base) else None


def read_update(update: Update) -> TelegramText | None:
    """The message in `update` the assistant answers, or None for anything else."""
    message = update.message
    # Edits of a message already answered, groups and channels, member changes:
    # nothing to answer (a support conversation is one person's, in private).
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    user = message.from_user
    return TelegramText(
        update_id=update.update_id,
        chat_id=message.chat.id,
        # A photo's caption is what the user wrote about it; the photo itself is
        # not read (nothing here could), so it counts as text like any other.
        text=_as_chat_text(message.text or message.caption or ""),
        language_hint=language_hint(user.language_code if user else None),
    )


def _as_chat_text(text: str) -> str:
    """Bot commands as the assistant should read them: /start greets, and any other
    "/word" is the word (so a user cannot trigger Rasa intents by name)."""
    if not text.startswith("/"):
        return text
    command, _, rest = text.partition(" ")
    name = command[1:].split("@")[0]  # "/start@viol3_bot" in groups
    if name.lower() == "start":  # "/start <deep-link payload>" included
        return GREETING
    return f"{name} {rest}".strip()


class TelegramChat(Channel[Update, list[str]]):
    """Private chats with the bot; replies leave through the outbox."""

    name = CHANNEL

    def __init__(self, db: Session, settings: Settings) -> None:
        self.db, self.settings = db, settings

    def receive(self, raw: Update) -> Inbound | None:
        """The update's message, keyed by the chat's pseudonym (the webhook's secret or
        our own getUpdates call proved it is Telegram's); None for anything else and
        for a redelivery."""
        incoming = read_update(raw)
        if incoming is None:
            return None
        if not first_delivery(db=self.db, channel=CHANNEL, external_id=str(incoming.update_id)):
            return None  # Telegram did not hear our first answer; we did answer
        secret = address_secret(self.settings)
        sender = pseudonym(secret, CHANNEL, str(incoming.chat_id))
        greeting = incoming.text == GREETING
        hint = incoming.language_hint
        if greeting and hint is None:
            # "/greet" reads as English to detection; without the app's language,
            # greet in the conversation's language, or the default.
            existing = find_conversation(db=self.db, channel=CHANNEL, sender=sender)
            hint = cast(Lang, existing.language) if existing else load_rules().default
        return Inbound(
            channel=CHANNEL,
            sender=sender,
            text=incoming.text,
            language_hint=hint,
            reply_address=seal(secret, str(incoming.chat_id)),
            command=GREETING.lstrip("/") if greeting else None,
        )

    def render(self, turn: Turn) -> list[str]:
        """One Telegram message per bubble, choices as numbered lines. A message the
        user can fix (a sticker: "please type your question") gets its reason."""
        return [m.as_plain_text() for m in turn.messages]

    def send(self, *, db: Session, conversation: Conversation, texts: list[str], key: str) -> None:
        for i, text in enumerate(texts):
            enqueue(db=db, conversation=conversation, text=text, kind="bot", key=f"{key}-{i}")
        db.commit()


def handle_update(
    *,
    db: Session,
    assistant: RasaClient,
    settings: Settings,
    update: Update,
    limits: RateLimits | None = None,
    client: str = "telegram",
) -> None:
    """Answer one update: once per update_id, the replies queued for the outbox.
    Through the webhook it counts against the rate limits (`limits`); long polling
    asks Telegram itself, at its own pace."""
    channel = TelegramChat(db, settings)
    inbound = channel.receive(update)
    if inbound is None:
        return
    if limits is not None:
        admit_from_provider(db=db, settings=settings, limits=limits, inbound=inbound, client=client)
    turn = take_turn(db=db, assistant=assistant, settings=settings, inbound=inbound)
    conversation = conversation_of(db, turn)
    channel.send(
        db=db,
        conversation=conversation,
        texts=channel.render(turn),
        key=f"telegram-{update.update_id}",
    )
