"""The base of every domain error: it carries its own HTTP status, code and text.

A service raises the error that says what went wrong; the one handler in
api/exceptions.py turns any `DomainError` into the JSON answer
`{"detail": ..., "code": ...}` with the error's status. Errors a user of the
chat sees (not an agent) name a text in bot/data/replies.yml (`reply_key`) and
are told in the user's language.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Subclasses set `status_code`, `code` and `message` (English, for agents and
    admins), or `reply_key` for a text in the user's language."""

    status_code: ClassVar[int] = 409
    code: ClassVar[str] = "conflict"
    message: ClassVar[str] = "That cannot be done now."
    reply_key: ClassVar[str | None] = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        language: str | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(detail or self.message)
        self.detail, self.language, self.params = detail, language, params
        self.headers = headers or {}

    def error_code(self) -> str:
        """The `code` of the JSON answer (a subclass may name it per instance)."""
        return self.code

    def text_key(self) -> str | None:
        """The text in bot/data/replies.yml the user is told, if any (else `detail`)."""
        return self.reply_key


class InvalidInput(DomainError):
    """A request the user can fix; `key` names the text in bot/data/replies.yml
    (error_message_empty -> 422 with code "message_empty")."""

    status_code = 422
    code = "invalid_request"
    language: str  # always known: the text is told in it

    def __init__(self, key: str, language: str, **params: Any) -> None:
        super().__init__(key, language=language, **params)
        self.key = key

    def error_code(self) -> str:
        return self.key.removeprefix("error_")

    def text_key(self) -> str:
        return self.key


class WebhookRejected(DomainError):
    """A channel webhook request that did not prove it comes from the provider
    (wrong or missing secret or signature, or the channel is not configured)."""

    status_code = 403
    code = "webhook_rejected"
    message = "This request is not from the channel's provider."

    def __init__(self, channel: str | None = None) -> None:
        super().__init__(channel=channel)  # which channel, for logs; not told to the caller
        self.channel = channel
