"""A body nested too deeply to parse gets the documented 422, on every endpoint."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.limits import MAX_JSON_DEPTH, nested_deeper_than
from api.main import create_app
from tests.conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN

CHAT = "/api/v1/chat"
DEEP_ARRAYS = b"[" * 60_000  # under the 64 KiB body limit, deep enough to break json.loads
DEEP_OBJECTS = b'{"a":' * 10_000 + b"1" + b"}" * 10_000


@pytest.mark.parametrize("body", [DEEP_ARRAYS, DEEP_OBJECTS], ids=["arrays", "objects"])
@pytest.mark.parametrize("path", [CHAT, "/api/v1/triage", "/api/v1/agents/login"])
def test_deeply_nested_json_gets_422_in_the_users_language(
    client: TestClient, path: str, body: bytes
) -> None:
    response = client.post(
        path, content=body, headers={"content-type": "application/json", "accept-language": "en"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request could not be read. Please check the fields and try again.",
        "code": "invalid_request",
    }


@pytest.mark.parametrize("content_type", [None, "text/plain"])
def test_a_body_without_a_json_content_type_is_checked_too(
    client: TestClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(CHAT, content=DEEP_ARRAYS, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_the_telegram_webhook_never_parses_it(settings: Settings) -> None:
    # It reads its body itself (json.loads), where a RecursionError would be a 500.
    telegram = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(TELEGRAM_TOKEN),
            "telegram_secret_token": SecretStr(TELEGRAM_SECRET),
        }
    )
    with TestClient(create_app(telegram)) as client:
        response = client.post(
            "/api/v1/channels/telegram/webhook",
            content=DEEP_ARRAYS,
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET, "accept-language": "fi"},
        )
    assert response.status_code == 422
    assert (
        response.json()["detail"] == "Pyyntöä ei voitu lukea. Tarkista kentät ja yritä uudelleen."
    )


def test_brackets_inside_a_message_are_text(client: TestClient) -> None:
    text = 'mitt lösenord har tecknen \\" ' + "[{" * 200 + " i sig"
    response = client.post(CHAT, json={"sender": "brackets", "message": text})
    assert response.status_code == 200


def test_a_nested_body_still_passes_the_size_limit_first(client: TestClient) -> None:
    response = client.post(CHAT, content=b"[" * 100_000)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_a_deep_body_streamed_in_chunks_gets_422(client: TestClient) -> None:
    chunks = (b"[" * 1000 for _ in range(50))
    response = client.post(CHAT, content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_depth_is_counted_up_to_the_limit() -> None:
    at_limit = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert not nested_deeper_than(at_limit, MAX_JSON_DEPTH)
    assert nested_deeper_than(b"[" + at_limit + b"]", MAX_JSON_DEPTH)
    assert not nested_deeper_than(b'["' + b"[" * 100 + b'", {"a": "\\"{{{"}]', MAX_JSON_DEPTH)
    # Siblings do not add up: only nesting does.
    assert not nested_deeper_than(b"[" + b"[1]," * 1000 + b"[]]", 2)
