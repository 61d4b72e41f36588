"""What the Twilio SMS and phone webhooks share: the request signature, TwiML
answers, and "more" for answers that were cut short.

Twilio signs every webhook request with the account's auth token over the URL
it called and the posted form fields (`X-Twilio-Signature`); twilio's own
`RequestValidator` checks it. The URL is the public one (VIOL3_PUBLIC_URL plus
the path and query), since behind a proxy or tunnel the gateway sees another.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.request_validator import SIGNATURE_HEADER, RequestValidator
from twilio.twiml import TwiML

from api.config import Settings
from api.conversations.models import Conversation, Message
from api.deps import SettingsDep
from api.exceptions import WebhookRejected
from bot.channels.plain import load_data
from bot.channels.sms import rules as sms_rules
from bot.knowledge.text import folded

log = logging.getLogger(__name__)

CHANNEL = "twilio"
PREFIX = "/api/v1/channels/twilio"


def public_url(settings: Settings, path: str, query: str = "") -> str:
    """The URL Twilio calls for `path` (and signs), from outside."""
    url = settings.public_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


async def signed_params(request: Request, settings: SettingsDep) -> dict[str, str]:
    """The posted form fields, once the signature proves Twilio sent them (403 otherwise)."""
    token = settings.twilio_auth_token
    if token is None:
        log.warning("twilio webhook called, but VIOL3_TWILIO_AUTH_TOKEN is not set")
        raise WebhookRejected(CHANNEL)
    try:
        # Twilio posts each field once, form-encoded in UTF-8.
        params = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    except UnicodeDecodeError as exc:
        raise WebhookRejected(CHANNEL) from exc
    url = public_url(settings, request.url.path, request.url.query)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not RequestValidator(token.get_secret_value()).validate(url, params, signature):
        raise WebhookRejected(CHANNEL)
    return params


TwilioParams = Annotated[dict[str, str], Depends(signed_params)]


def twiml(document: TwiML) -> Response:
    """A TwiML document as the HTTP answer to a webhook."""
    return Response(content=str(document), media_type="application/xml")


@cache
def _more_words() -> frozenset[str]:
    speech = load_data("speech")["more_keyword"]
    words = [*sms_rules().more_keyword.values(), *speech.values()]
    return frozenset(folded(str(w)) for w in words)


def asks_for_more(text: str) -> bool:
    """Whether the user answered a shortened answer's pointer ("MER", "more", "lisää")."""
    return folded(text.strip().strip(".!?,'\" ")) in _more_words()


def last_answer(*, db: Session, conversation: Conversation) -> tuple[str, Message] | None:
    """What the gateway and the assistant said to the user's latest message, joined,
    and that message; None if nothing was said to it."""
    user = db.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.author == "user")
        .order_by(Message.id.desc())
    ).first()
    if user is None:
        return None
    said = db.scalars(
        select(Message.text)
        .where(
            Message.conversation_id == conversation.id,
            Message.id > user.id,
            Message.author.in_(("bot", "system")),
        )
        .order_by(Message.id)
    ).all()
    return ("\n\n".join(said), user) if said else None
