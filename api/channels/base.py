"""The one interface every channel implements, as Dispatch's plugin bases do.

A channel turns what its provider delivers into an `Inbound` message whose
sender is verified (`receive`), turns the outcome of the turn into what the
provider expects back (`render`), and sends a message to the user later, on
its own (`send`: an agent's reply, a notice). Everything between receive and
render, the turn itself, is the same for all channels: api/channels/turn.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from sqlalchemy.orm import Session

from api.conversations.models import Conversation
from api.conversations.schemas import BotMessage, ChatResponse
from api.exceptions import InvalidInput
from bot.language import Lang
from bot.replies import reply

Raw = TypeVar("Raw")
Out = TypeVar("Out")


@dataclass(frozen=True)
class Inbound:
    """One message from a user, as every channel delivers it to the turn.

    `sender` is the conversation's key on its channel, and only a channel that
    has verified who is writing (a signed webhook, a conversation token) makes
    one. On channels that push replies it is a pseudonym, never the address."""

    channel: str
    sender: str
    text: str
    language: Lang | None = None  # picked in the client or the phone menu
    language_hint: str | None = None  # the channel's guess: app language, country code
    contact: str | None = None  # the user's number, where the channel knows it (SMS, phone)
    reply_address: str | None = None  # sealed: where later messages go (Telegram, SMS)
    command: str | None = None  # an intent the channel itself asks for (Telegram's /start)


@dataclass(frozen=True)
class Turn:
    """What one inbound message came to: the answer, or why it was refused."""

    inbound: Inbound
    language: str
    conversation: Conversation | None  # None when a new sender's first message was refused
    response: ChatResponse | None = None
    refused: InvalidInput | None = None  # empty, too long: the user can fix it

    @property
    def messages(self) -> list[BotMessage]:
        """What to tell the user: the answer, or the refusal in their language."""
        if self.response is not None:
            return self.response.messages
        assert self.refused is not None
        refused = self.refused
        return [BotMessage(text=reply(refused.key, refused.language, **refused.params))]


class Channel(ABC, Generic[Raw, Out]):
    """A channel: `Raw` is what its provider delivers, `Out` what it answers with."""

    name: ClassVar[str]

    @abstractmethod
    def receive(self, raw: Raw) -> Inbound | None:
        """The message in `raw` with its verified sender; None if there is nothing to
        answer (a redelivery, an edit, a group chat)."""

    @abstractmethod
    def render(self, turn: Turn) -> Out:
        """The turn's outcome as the provider expects it back."""

    def send(self, *, db: Session, conversation: Conversation, texts: list[str], key: str) -> None:
        """Send `texts` to the user later, on this channel. The web chat and calls
        have nothing to send to: the widget polls, and a call has no address."""
