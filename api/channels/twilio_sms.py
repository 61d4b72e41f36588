"""POST /api/v1/channels/twilio/sms: Twilio's "A message comes in" webhook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from twilio.twiml.messaging_response import MessagingResponse

from api.channels import twilio_sms_service as service
from api.channels.twilio import PREFIX, TwilioParams, twiml
from api.deps import AssistantDep, SessionDep, SettingsDep
from api.exceptions import InvalidInput
from api.ratelimit import RateLimitsDep, client_address
from bot.language import load_rules

router = APIRouter(prefix=PREFIX, tags=["channels"])


def incoming(params: TwilioParams) -> service.IncomingSms:
    """The SMS in the (signed) request; 422 if it has no message id or sender."""
    sms = service.IncomingSms.from_params(params)
    if sms is None:
        raise InvalidInput("error_invalid_request", load_rules().default)
    return sms


IncomingSms = Annotated[service.IncomingSms, Depends(incoming)]


@router.post("/sms", response_class=Response)
def incoming_sms(
    sms: IncomingSms,
    request: Request,
    db: SessionDep,
    assistant: AssistantDep,
    settings: SettingsDep,
    limits: RateLimitsDep,
) -> Response:
    """Answer one SMS with TwiML: the assistant's answer in at most three SMS, or
    nothing for a redelivered message or a number over its hourly limit."""
    answer = MessagingResponse()
    text = service.answer_sms(
        db=db,
        assistant=assistant,
        settings=settings,
        sms=sms,
        limits=limits,
        client=client_address(request),
    )
    if text:
        answer.message(text)
    return twiml(answer)
