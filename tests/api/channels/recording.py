"""A test double of a channel: what a user "sends" is a (sender, text) pair, and
what the channel answers or sends later is recorded."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.channels.base import Channel, Inbound, Turn
from api.conversations.models import Conversation


class RecordingChannel(Channel[tuple[str, str], list[str]]):
    """A channel whose provider is this test."""

    name = "test"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # (key, text) sent later, in order

    def receive(self, raw: tuple[str, str]) -> Inbound | None:
        sender, text = raw
        return Inbound(channel=self.name, sender=sender, text=text) if sender else None

    def render(self, turn: Turn) -> list[str]:
        return [message.as_plain_text() for message in turn.messages]

    def send(self, *, db: Session, conversation: Conversation, texts: list[str], key: str) -> None:
        self.sent.extend((key, text) for text in texts)
