"""Domain errors, and the one place where errors become HTTP responses."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.agents.service import AgentExists, AgentNotFound, AuthenticationFailed, NotAllowed
from api.knowledge.service import (
    DraftAlreadyDecided,
    DraftError,
    DraftNotFound,
    TicketNotResolved,
)
from api.tickets.service import (
    AlreadyClaimed,
    InvalidTransition,
    NothingToReveal,
    NotYourTicket,
    TicketError,
    TicketNotFound,
)
from bot.language import is_supported, load_rules
from bot.replies import reply

log = logging.getLogger(__name__)


class InvalidInput(Exception):
    """A request the user can fix; `key` names the text in bot/data/replies.yml."""

    def __init__(self, key: str, language: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.language, self.params = key, language, params


class BodyTooLarge(Exception):
    """The request body passed the size limit while it was being read."""


class WebhookRejected(Exception):
    """A channel webhook request that did not prove it comes from the provider
    (wrong or missing secret or signature, or the channel is not configured)."""


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


async def _on_invalid_input(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInput)
    return _error(422, exc.key.removeprefix("error_"), reply(exc.key, exc.language, **exc.params))


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = json.loads(json.dumps(exc.errors(), default=str))
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


_TICKET_ERRORS: dict[type[TicketError], tuple[int, str, str]] = {
    TicketNotFound: (404, "ticket_not_found", "No such ticket."),
    AlreadyClaimed: (409, "already_claimed", "Another agent has already claimed this ticket."),
    InvalidTransition: (409, "invalid_transition", "That cannot be done to this ticket now."),
    NotYourTicket: (403, "not_your_ticket", "Another agent has claimed this ticket."),
    NothingToReveal: (404, "nothing_to_reveal", "No masked message with that id in this ticket."),
}


async def _on_ticket_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TicketError)
    status, code, message = _TICKET_ERRORS.get(
        type(exc), (409, "ticket_error", "That cannot be done.")
    )
    if isinstance(exc, InvalidTransition):  # its text says what is wrong
        message = f"{message} {exc}"
    return _error(status, code, message)


_DRAFT_ERRORS: dict[type[DraftError], tuple[int, str, str]] = {
    DraftNotFound: (404, "draft_not_found", "No such draft."),
    DraftAlreadyDecided: (409, "draft_decided", "This draft was approved or rejected already."),
    TicketNotResolved: (409, "ticket_not_resolved", "Drafts come from resolved tickets only."),
}


async def _on_draft_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DraftError)
    status, code, message = _DRAFT_ERRORS.get(
        type(exc), (409, "draft_error", "That cannot be done.")
    )
    return _error(status, code, message)


async def _on_webhook_rejected(request: Request, exc: Exception) -> JSONResponse:
    return _error(403, "webhook_rejected", "This request is not from the channel's provider.")


async def _on_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    return _error(403, "not_allowed", "Your role does not allow this.")


async def _on_agent_exists(request: Request, exc: Exception) -> JSONResponse:
    return _error(409, "agent_exists", "That user name is taken.")


async def _on_agent_not_found(request: Request, exc: Exception) -> JSONResponse:
    return _error(404, "agent_not_found", "No such agent.")


async def _on_authentication_failed(request: Request, exc: Exception) -> JSONResponse:
    response = _error(401, "not_authenticated", "Log in first: wrong or expired credentials.")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def register_exception_handlers(app: FastAPI) -> None:
    """Map every domain and validation error to one JSON shape: detail, code, errors."""
    app.add_exception_handler(TicketError, _on_ticket_error)
    app.add_exception_handler(DraftError, _on_draft_error)
    app.add_exception_handler(AuthenticationFailed, _on_authentication_failed)
    app.add_exception_handler(NotAllowed, _on_not_allowed)
    app.add_exception_handler(AgentExists, _on_agent_exists)
    app.add_exception_handler(AgentNotFound, _on_agent_not_found)
    app.add_exception_handler(InvalidInput, _on_invalid_input)
    app.add_exception_handler(WebhookRejected, _on_webhook_rejected)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
