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
