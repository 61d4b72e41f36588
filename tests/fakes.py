"""Stand-ins for the providers this machine cannot reach (Telegram's and Twilio's
servers): real HTTP servers on localhost that answer the way the providers'
APIs do and record what they were sent. The official client libraries talk
to them unchanged; only their base URL points here."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from stack.processes import free_port


@dataclass
class Received:
    path: str
    fields: dict[str, Any]


@dataclass
class FakeProvider:
    """What a fake provider was sent; `fail_next` makes the next sends fail with a status."""

    url: str
    received: list[Received] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds before each answer, like a slow provider
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0  # requests being answered right now

    def sent(self, path_part: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r.fields for r in self.received if path_part in r.path]

    def idle(self) -> bool:
        """Whether every request that reached the server has been answered (or dropped)."""
        with self.lock:
            return self.in_flight == 0


class _CutShort(Exception):
    """The client went away before its whole request had arrived."""


def _read_fields(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    if len(body) < length:
        # A real provider never acts on half a request (a sender killed mid-send).
        raise _CutShort
    raw = body.decode()
    if "json" in (handler.headers.get("Content-Type") or ""):
        loaded: dict[str, Any] = json.loads(raw or "{}")
        return loaded
    return {k: v[-1] for k, v in parse_qs(raw).items()}


def _telegram_answer(path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    method = path.rsplit("/", 1)[-1]
    if method == "getMe":
        bot = {"id": 4242, "is_bot": True, "first_name": "VIOL 3", "username": "viol3_test_bot"}
        return 200, {"ok": True, "result": bot}
    if method == "sendMessage":
        message = {
            "message_id": 1,
            "date": 0,
            "chat": {"id": int(fields.get("chat_id", 0)), "type": "private"},
            "text": fields.get("text", ""),
        }
        return 200, {"ok": True, "result": message}
    if method in ("getUpdates", "deleteWebhook", "setWebhook"):
        return 200, {"ok": True, "result": [] if method == "getUpdates" else True}
    return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


def _twilio_answer(path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if path.endswith("/Messages.json"):
        return 201, {
            "sid": "SM" + "0" * 32,
            "to": fields.get("To"),
            "from": fields.get("From"),
            "body": fields.get("Body"),
            "status": "queued",
        }
    return 404, {"code": 20404, "message": "not found", "status": 404}


_FAILURES = {
    "telegram": lambda status: {"ok": False, "error_code": status, "description": "fake failure"},
    "twilio": lambda status: {"code": 20500, "message": "fake failure", "status": status},
}


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A client killed mid-request (the outbox kill test) is expected, not news.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def fake_provider(kind: str) -> Iterator[FakeProvider]:
    """A fake Telegram Bot API (`kind="telegram"`) or Twilio REST API (`"twilio"`)."""
    answer = _telegram_answer if kind == "telegram" else _twilio_answer
    port = free_port()
    provider = FakeProvider(url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            with provider.lock:
                provider.in_flight += 1
            try:
                self._answer()
            finally:
                with provider.lock:
                    provider.in_flight -= 1

        def _answer(self) -> None:
            time.sleep(provider.delay)
            path = urlparse(self.path).path
            try:
                fields = _read_fields(self)
            except _CutShort:
                self.close_connection = True
                return
            with provider.lock:
                failing = provider.fail_next.pop(0) if provider.fail_next else None
                if failing is None:
                    provider.received.append(Received(path, fields))
            status, body = (failing, _FAILURES[kind](failing)) if failing else answer(path, fields)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

    server = _Server(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
