"""Rate limits count per scope and key, in the process or in a Redis that several
API processes share, and a request over a limit is told when to come back."""

from __future__ import annotations

import logging

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.exceptions import register_exception_handlers
from api.ratelimit import RateLimited, RateLimits, Scope
from stack.processes import free_port
from tests.conftest import wait_until

PHONE = "+46701234567"


def _settings(storage: str, **limits: str) -> Settings:
    return Settings(
        environment="test",
        rate_limit_storage=storage,
        address_key=SecretStr("rate-limit-test-key"),
        **{f"rate_limit_{name}": value for name, value in limits.items()},
    )


def _refusal(limits: RateLimits, scope: Scope, key: str, language: str = "sv") -> RateLimited:
    with pytest.raises(RateLimited) as refused:
        limits.check(scope, key, language)
    return refused.value


def test_the_request_over_the_limit_gets_429_with_retry_after(storage_uri: str) -> None:
    limits = RateLimits(_settings(storage_uri, chat_per_sender="3/minute"))
    for _ in range(3):
        limits.check(Scope.CHAT_SENDER, "web-user-1", "fi")
    refused = _refusal(limits, Scope.CHAT_SENDER, "web-user-1", "fi")
    assert (refused.status_code, refused.code) == (429, "rate_limited")
    assert refused.reply_key == "error_rate_limited" and refused.language == "fi"
    assert 1 <= refused.retry_after <= 60
    assert refused.headers == {"Retry-After": str(refused.retry_after)}
    assert refused.params == {"seconds": refused.retry_after}


def test_each_sender_and_each_scope_has_its_own_count(storage_uri: str) -> None:
    limits = RateLimits(_settings(storage_uri, chat_per_sender="1/minute"))
    limits.check(Scope.CHAT_SENDER, "web-user-1")
    _refusal(limits, Scope.CHAT_SENDER, "web-user-1")
    limits.check(Scope.CHAT_SENDER, "web-user-2")  # another sender
    limits.check(Scope.MESSAGES_SENDER, "web-user-1")  # polling is counted apart


def test_every_limit_of_a_scope_holds(storage_uri: str) -> None:
    limits = RateLimits(_settings(storage_uri, webhook_per_sender="10/minute;2/hour"))
    limits.check(Scope.WEBHOOK_SENDER, PHONE)
    limits.check(Scope.WEBHOOK_SENDER, PHONE)
    assert _refusal(limits, Scope.WEBHOOK_SENDER, PHONE).retry_after > 60  # the hour's


def test_retry_after_says_when_the_next_request_is_allowed(storage_uri: str) -> None:
    limits = RateLimits(_settings(storage_uri, widget_per_client="1/second"))
    assert limits.retry_after(Scope.WIDGET_CLIENT, "127.0.0.1") == 0
    limits.check(Scope.WIDGET_CLIENT, "127.0.0.1")
    assert limits.retry_after(Scope.WIDGET_CLIENT, "127.0.0.1") == 1
    _refusal(limits, Scope.WIDGET_CLIENT, "127.0.0.1")
    wait_until(lambda: limits.retry_after(Scope.WIDGET_CLIENT, "127.0.0.1") == 0, "window", 5)
    limits.check(Scope.WIDGET_CLIENT, "127.0.0.1")


def test_polling_every_two_seconds_stays_allowed(storage_uri: str) -> None:
    limits = RateLimits(_settings(storage_uri))  # the defaults
    for _ in range(30):  # a minute of the widget's polling, and more, at once
        limits.check(Scope.MESSAGES_SENDER, "web-user-1")
        limits.check(Scope.MESSAGES_CLIENT, "127.0.0.1")


def test_processes_on_one_redis_share_the_count(redis_server: str) -> None:
    settings = _settings(redis_server, webhook_per_sender="2/minute")
    first, second = RateLimits(settings), RateLimits(settings)
    first.check(Scope.WEBHOOK_SENDER, "+4670 shared")
    second.check(Scope.WEBHOOK_SENDER, "+4670 shared")
    _refusal(first, Scope.WEBHOOK_SENDER, "+4670 shared")
    _refusal(second, Scope.WEBHOOK_SENDER, "+4670 shared")


def test_redis_keys_do_not_hold_phone_numbers_or_addresses(redis_server: str) -> None:
    limits = RateLimits(_settings(redis_server))
    limits.check(Scope.WEBHOOK_SENDER, PHONE)
    limits.check(Scope.WEBHOOK_CLIENT, "203.0.113.7")
    with redis.Redis.from_url(redis_server) as client:
        keys = [key.decode() for key in client.keys("viol3-rl*")]
    assert len(keys) >= 2
    assert not [k for k in keys if "46701234567" in k or "203.0.113" in k]


def test_a_store_that_is_down_limits_nothing_and_logs_no_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits = RateLimits(
        _settings(f"redis://127.0.0.1:{free_port()}/0", webhook_per_sender="1/minute")
    )
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        limits.check(Scope.WEBHOOK_SENDER, PHONE)
        limits.check(Scope.WEBHOOK_SENDER, PHONE)
        assert limits.retry_after(Scope.WEBHOOK_SENDER, PHONE) == 0
    assert "rate limit store unavailable (ConnectionError)" in caplog.text
    assert "46701234567" not in caplog.text


@pytest.mark.parametrize("setting", ["chat_per_sender", "webhook_per_client"])
def test_a_malformed_limit_fails_at_startup(setting: str) -> None:
    with pytest.raises(ValueError, match="VIOL3_RATE_LIMIT"):
        RateLimits(_settings("memory://", **{setting: "twenty a minute"}))


def test_the_api_answers_429_with_retry_after_in_the_users_language() -> None:
    limits = RateLimits(_settings("memory://", chat_per_sender="1/minute"))
    app = FastAPI()
    register_exception_handlers(app)

    @app.get("/limited")
    def limited() -> dict[str, bool]:
        limits.check(Scope.CHAT_SENDER, "web-user-1", "en")
        return {"ok": True}

    with TestClient(app) as client:
        assert client.get("/limited").status_code == 200
        response = client.get("/limited")
    assert response.status_code == 429
    seconds = int(response.headers["retry-after"])
    assert 1 <= seconds <= 60
    assert response.json() == {
        "detail": f"Too many requests in a short time. Please wait a moment and try again "
        f"in {seconds} s.",
        "code": "rate_limited",
    }
