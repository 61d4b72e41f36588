"""Refuse oversized and too deeply nested request bodies, with the same JSON error
shape as other errors."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.exceptions import BodyTooLarge, _language_of, body_too_large
from bot.replies import reply

# Deeper than any request of ours (a Telegram update nests about six levels), and
# far below where Python's JSON parser gives up with a RecursionError.
MAX_JSON_DEPTH = 32
# Bodies that are read as something other than JSON: left to stream as they come.
_NOT_JSON = (b"application/x-www-form-urlencoded", b"multipart/")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether arrays and objects in `body` nest more than `limit` levels deep
    (brackets inside strings do not count)."""
    depth = 0
    for bracket in _JSON_STRING.sub(b"", body).translate(None, _NOT_A_BRACKET):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False


def too_deeply_nested(request: Request) -> JSONResponse:
    """The 422 answer for a body nested too deeply to read, in the user's language."""
    message = reply("error_invalid_request", _language_of(request))
    return JSONResponse(status_code=422, content={"detail": message, "code": "invalid_request"})


class BodySizeLimit:
    """A 413 for bodies over `max_bytes`: at once when Content-Length says so,
    otherwise as soon as the streamed body passes the limit. A body that may be
    read as JSON is read whole first (it is small by then) and gets a 422 when it
    nests deeper than `max_depth`: parsing it would fail with a RecursionError."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app, self.max_bytes, self.max_depth = app, max_bytes, max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await body_too_large(Request(scope))(scope, receive, send)
        elif headers.get(b"content-type", b"").lower().startswith(_NOT_JSON):
            await self._streamed(scope, receive, send)
        else:
            await self._read_whole(scope, receive, send)

    async def _read_whole(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away: nobody to answer
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await body_too_large(Request(scope))(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if nested_deeper_than(body, self.max_depth):
            await too_deeply_nested(Request(scope))(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await body_too_large(Request(scope))(scope, receive, send)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then what the client sends next
    (a disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
