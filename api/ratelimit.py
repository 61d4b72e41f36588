"""Rate limits on the public endpoints, per client address and per sender.

Built on the `limits` package: a moving window (no burst at a window's edge),
kept in this process (`memory://`) or, when the API runs in several
processes, in one Redis they share (VIOL3_RATE_LIMIT_STORAGE=redis://...).
Every key is a keyed hash before it reaches the store: sender ids, phone
numbers and client addresses are personal data and must not stand in clear in
Redis. Over the limit, `check` raises `RateLimited` (429, with Retry-After).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from enum import StrEnum
from typing import Annotated, ClassVar

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.addresses import address_secret
from api.config import Settings
from api.errors import DomainError

log = logging.getLogger(__name__)

KEY_PREFIX = "viol3-rl"
# How long a request waits for Redis before the limit is skipped (see `check`).
REDIS_TIMEOUT_SECONDS = 1.0


class Scope(StrEnum):
    """What is counted, and by whom: one limit (setting) per scope."""

    CHAT_SENDER = "chat_sender"
    CHAT_CLIENT = "chat_client"
    MESSAGES_SENDER = "messages_sender"
    MESSAGES_CLIENT = "messages_client"
    WIDGET_CLIENT = "widget_client"
    INCIDENTS_CLIENT = "incidents_client"
    WEBHOOK_CLIENT = "webhook_client"
    WEBHOOK_SENDER = "webhook_sender"


def _limits_of(settings: Settings) -> dict[Scope, list[RateLimitItem]]:
    """Each scope's limits from the settings; a malformed one fails at startup."""
    configured = {
        Scope.CHAT_SENDER: settings.rate_limit_chat_per_sender,
        Scope.CHAT_CLIENT: settings.rate_limit_chat_per_client,
        Scope.MESSAGES_SENDER: settings.rate_limit_messages_per_sender,
        Scope.MESSAGES_CLIENT: settings.rate_limit_messages_per_client,
        Scope.WIDGET_CLIENT: settings.rate_limit_widget_per_client,
        Scope.INCIDENTS_CLIENT: settings.rate_limit_incidents_per_client,
        Scope.WEBHOOK_CLIENT: settings.rate_limit_webhook_per_client,
        Scope.WEBHOOK_SENDER: settings.rate_limit_webhook_per_sender,
    }
    try:
        return {scope: parse_many(text) for scope, text in configured.items()}
    except ValueError as exc:
        raise ValueError(f"VIOL3_RATE_LIMIT_*: {exc}") from exc


class RateLimited(DomainError):
    """Too many requests from this client or sender; try again after `retry_after` s."""

    status_code: ClassVar[int] = 429
    code: ClassVar[str] = "rate_limited"
    message: ClassVar[str] = "Too many requests; try again later."
    reply_key: ClassVar[str | None] = "error_rate_limited"

    def __init__(self, retry_after: int, *, language: str | None = None) -> None:
        super().__init__(
            language=language, headers={"Retry-After": str(retry_after)}, seconds=retry_after
        )
        self.retry_after = retry_after


class RateLimits:
    """The limits of every scope over one store (shared by all processes on Redis)."""

    def __init__(self, settings: Settings) -> None:
        self._limits = _limits_of(settings)
        self._secret = hmac.new(address_secret(settings), b"rate-limit", hashlib.sha256).digest()
        self._limiter = MovingWindowRateLimiter(_storage(settings.rate_limit_storage))

    def check(self, scope: Scope | str, key: str, language: str | None = None) -> None:
        """Count one request of `key` in `scope`; raise RateLimited (in `language`) if
        it is over a limit. A refused request is not counted."""
        scope, hashed = Scope(scope), self._hashed(key)
        try:
            for item in self._limits[scope]:
                if not self._limiter.hit(item, scope.value, hashed):
                    raise RateLimited(
                        self._seconds_until_free(item, scope, hashed), language=language
                    )
        except StorageError as exc:
            # The store (Redis) is unreachable: serve the request unlimited rather
            # than take the public endpoints down with it.
            _store_unavailable(scope, exc)

    def retry_after(self, scope: Scope | str, key: str) -> int:
        """Whole seconds until `key` may make its next request in `scope` (0: now)."""
        scope, hashed = Scope(scope), self._hashed(key)
        try:
            waits = [
                self._seconds_until_free(item, scope, hashed)
                for item in self._limits[scope]
                if not self._limiter.test(item, scope.value, hashed)
            ]
        except StorageError as exc:
            _store_unavailable(scope, exc)
            return 0
        return max(waits, default=0)

    def _seconds_until_free(self, item: RateLimitItem, scope: Scope, hashed: str) -> int:
        # The moving window frees a place when its oldest request leaves it.
        reset_at = self._limiter.get_window_stats(item, scope.value, hashed).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def _hashed(self, key: str) -> str:
        return hmac.new(self._secret, key.encode(), hashlib.sha256).hexdigest()[:32]


def _store_unavailable(scope: Scope, exc: StorageError) -> None:
    # The error's type only: its text can name the store's address.
    log.warning(
        "rate limit store unavailable (%s): %s not limited",
        type(exc.storage_error).__name__,
        scope.value,
    )


def _storage(uri: str) -> Storage:
    """The `limits` store behind `uri`; Redis with short timeouts and wrapped errors."""
    options: dict[str, float | str | bool] = {"wrap_exceptions": True}
    if uri.startswith(("redis", "valkey")):
        options |= {
            "key_prefix": KEY_PREFIX,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        }
    storage = storage_from_string(uri, **options)
    if not isinstance(storage, Storage):  # async+...: not for this synchronous limiter
        raise ValueError(f"VIOL3_RATE_LIMIT_STORAGE: {uri.split(':', 1)[0]} is not supported")
    return storage


def client_address(request: Request) -> str:
    """The address the request came from. Behind a reverse proxy uvicorn puts the
    client's address from X-Forwarded-For here, when the proxy is one it trusts
    (FORWARDED_ALLOW_IPS, loopback by default); nobody else can set it that way."""
    return request.client.host if request.client else "unknown"


def get_rate_limits(request: Request) -> RateLimits:
    """The app's rate limits (set up in the lifespan)."""
    limits: RateLimits = request.app.state.rate_limits
    return limits


RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]
