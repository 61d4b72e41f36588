"""POST /api/v1/channels/telegram/webhook: updates from Telegram's Bot API."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from telegram import Update

from api.channels import telegram_service as service
from api.deps import AssistantDep, SessionDep, SettingsDep
from api.exceptions import InvalidInput
from api.ratelimit import RateLimitsDep, client_address
from bot.language import load_rules

router = APIRouter(prefix="/api/v1/channels/telegram", tags=["channels"])


class WebhookAck(BaseModel):
    """Telegram only looks at the status; a 2xx stops it from delivering again."""

    ok: bool = True


async def verified_update(request: Request, settings: SettingsDep) -> Update:
    """The posted update, once its secret token is checked (403 otherwise).

    The body is read here rather than declared as a parameter, so that a request
    without the secret is refused before its body is looked at."""
    service.check_secret(settings=settings, given=request.headers.get(service.SECRET_HEADER))
    try:
        data = json.loads(await request.body())
    except ValueError as exc:  # not JSON, or not UTF-8
        raise InvalidInput("error_not_json", load_rules().default) from exc
    return service.parse_update(settings=settings, data=data)


VerifiedUpdate = Annotated[Update, Depends(verified_update)]


@router.post("/webhook", response_model=WebhookAck)
def webhook(
    update: VerifiedUpdate,
    request: Request,
    db: SessionDep,
    assistant: AssistantDep,
    settings: SettingsDep,
    limits: RateLimitsDep,
) -> WebhookAck:
    """Receive one update from Telegram; replies go out through the outbox."""
    service.handle_update(
        db=db,
        assistant=assistant,
        settings=settings,
        update=update,
        limits=limits,
        client=client_address(request),
    )
    return WebhookAck()
