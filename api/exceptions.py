"""The one place where errors become HTTP responses (domain errors: api/errors.py)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import DomainError, InvalidInput, WebhookRejected
from bot.language import is_supported, load_rules
from bot.replies import reply

# Domain code raises these; they live in api/errors.py and are named here too,
# where they were first (`from api.exceptions import InvalidInput`).
__all__ = [
    "BodyTooLarge",
    "DomainError",
    "InvalidInput",
    "WebhookRejected",
    "body_too_large",
    "register_exception_handlers",
]

log = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    """The request body passed the size limit while it was being read."""


def _language_of(request: Request, body: Any = None) -> str:
    """The best guess at the user's language for an error: body, then Accept-Language."""
    if isinstance(body, dict) and is_supported(body.get("language")):
        return str(body["language"])
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if is_supported(code):
            return code
    return load_rules().default


def _error(status: int, code: str, message: str, errors: list[Any] | None = None) -> JSONResponse:
    content: dict[str, Any] = {"detail": message, "code": code}
    if errors is not None:
        content["errors"] = errors
    return JSONResponse(status_code=status, content=content)


def _validation_key(errors: list[Any]) -> str:
    if any(e.get("type") == "json_invalid" for e in errors):
        return "error_not_json"
    if any(e.get("loc", [None])[-1] in ("language", "lang") for e in errors):
        return "error_unknown_language"
    return "error_invalid_request"


# What a validation error may tell: never the submitted value (`input`), which can be a
# password or token, nor `ctx`, which can quote it; only where, what and why.
_TOLD = ("loc", "msg", "type")


def _without_input(error: dict[str, Any]) -> dict[str, Any]:
    return {k: error[k] for k in _TOLD if k in error}


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    """Any DomainError: its status, code and text, and its headers (WWW-Authenticate,
    Retry-After)."""
    assert isinstance(exc, DomainError)
    key = exc.text_key()
    if key is not None:
        message = reply(key, exc.language or _language_of(request), **exc.params)
    else:
        message = exc.detail or exc.message
    response = _error(exc.status_code, exc.error_code(), message)
    response.headers.update(exc.headers)
    return response


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_without_input(e) for e in json.loads(json.dumps(exc.errors(), default=str))]
    body = exc.body if isinstance(exc.body, dict) else None
    key = _validation_key(errors)
    value = (body or {}).get("language")
    message = reply(key, _language_of(request, body), value=value)
    return _error(422, key.removeprefix("error_"), message, errors)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    language = _language_of(request)
    if isinstance(exc.__cause__, UnicodeDecodeError):
        # FastAPI reports undecodable bodies as a bare 400; the user can fix it.
        return _error(422, "not_utf8", reply("error_not_utf8", language))
    if exc.status_code == 413 or isinstance(exc.__cause__, BodyTooLarge):
        return body_too_large(request)
    return JSONResponse(
        status_code=exc.status_code, content={"detail": exc.detail}, headers=exc.headers
    )


def body_too_large(request: Request) -> JSONResponse:
    """The 413 answer, in the user's language."""
    return _error(413, "body_too_large", reply("error_body_too_large", _language_of(request)))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _error(500, "internal", "Internal error")


def register_exception_handlers(app: FastAPI) -> None:
    """Map every domain and validation error to one JSON shape: detail, code, errors."""
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
