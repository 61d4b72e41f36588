"""A web chat user as the widget is one: it keeps each sender's conversation token
from the first answer and sends it back with every later call."""

from __future__ import annotations

from typing import Any, Protocol

import httpx

TOKEN_HEADER = "X-Conversation-Token"


class _Http(Protocol):  # httpx.Client, or FastAPI's TestClient
    def post(self, url: str, **kwargs: Any) -> httpx.Response: ...
    def get(self, url: str, **kwargs: Any) -> httpx.Response: ...


class WebChat:
    """POST /api/v1/chat and GET /api/v1/chat/messages with the senders' tokens."""

    def __init__(self, http: _Http, base: str = "") -> None:
        self.http, self.base = http, base
        self.tokens: dict[str, str] = {}

    def headers(self, sender: str) -> dict[str, str]:
        return {TOKEN_HEADER: self.tokens[sender]} if sender in self.tokens else {}

    def send(self, sender: str, message: str, **fields: Any) -> httpx.Response:
        body = {"sender": sender, "message": message, "channel": "web", **fields}
        response = self.http.post(
            f"{self.base}/api/v1/chat", json=body, headers=self.headers(sender)
        )
        if response.status_code == 200 and response.json().get("conversation_token"):
            self.tokens[sender] = response.json()["conversation_token"]
        return response

    def poll(self, sender: str, after: int = 0) -> httpx.Response:
        return self.http.get(
            f"{self.base}/api/v1/chat/messages",
            params={"sender": sender, "after": after},
            headers=self.headers(sender),
        )
