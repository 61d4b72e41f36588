"""POST /api/v1/channels/twilio/voice (Twilio's "A call comes in" webhook) and the
two addresses the call's TwiML sends Twilio to next: /voice/language, /voice/speech."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.channels import twilio_voice_service as service
from api.channels.twilio import PREFIX, TwilioParams, twiml
from api.database import utcnow
from api.deps import AssistantDep, SessionDep, SettingsDep
from api.exceptions import InvalidInput
from api.ratelimit import RateLimitsDep, client_address
from bot.language import load_rules

router = APIRouter(prefix=f"{PREFIX}/voice", tags=["channels"])


def current_call(params: TwilioParams) -> service.Call:
    """The call the (signed) request is about; 422 if it names none."""
    call = service.Call.from_params(params)
    if call is None:
        raise InvalidInput("error_invalid_request", load_rules().default)
    return call


CurrentCall = Annotated[service.Call, Depends(current_call)]


@router.post("", response_class=Response)
def incoming_call(call: CurrentCall, settings: SettingsDep) -> Response:
    """A call comes in: a greeting and the language menu (1 svenska, 2 English, 3 suomi)."""
    return twiml(service.greet(settings=settings, call=call))


@router.post("/language", response_class=Response)
def language_chosen(call: CurrentCall, params: TwilioParams, settings: SettingsDep) -> Response:
    """The key pressed in the menu (`Digits`); then the caller is asked to speak."""
    digits = params.get("Digits", "")
    return twiml(service.choose_language(settings=settings, call=call, digits=digits))


@router.post("/speech", response_class=Response)
def caller_spoke(
    call: CurrentCall,
    params: TwilioParams,
    request: Request,
    db: SessionDep,
    assistant: AssistantDep,
    settings: SettingsDep,
    limits: RateLimitsDep,
) -> Response:
    """What the caller said (`SpeechResult`), answered aloud, connected or ended."""
    answer = service.answer_speech(
        db=db,
        assistant=assistant,
        settings=settings,
        call=call,
        state=service.CallState.from_query(request.query_params),
        speech=params.get("SpeechResult", ""),
        now=utcnow(),
        limits=limits,
        client=client_address(request),
    )
    return twiml(answer)
