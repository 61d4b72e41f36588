"""Requests as Twilio sends them: form fields signed with the account's auth token by
twilio's own `RequestValidator` (the signature covers the URL and the fields)."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from twilio.request_validator import SIGNATURE_HEADER, RequestValidator

from api.config import Settings
from tests.conftest import TWILIO_NUMBER, TWILIO_SID, TWILIO_TOKEN


def with_twilio(settings: Settings, **more: Any) -> Settings:
    """`settings` for the in-process app (public URL http://testserver) with the test
    Twilio account and an address key, plus `more`."""
    return settings.model_copy(
        update={
            "public_url": "http://testserver",
            "address_key": SecretStr("test-address-key"),
            "twilio_account_sid": TWILIO_SID,
            "twilio_auth_token": SecretStr(TWILIO_TOKEN),
            "twilio_from_number": TWILIO_NUMBER,
            **more,
        }
    )


def signed(url: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> dict[str, str]:
    """The headers of Twilio's request to `url` with `params`."""
    return {SIGNATURE_HEADER: RequestValidator(token).compute_signature(url, params)}


def sms_params(number: str, body: str, sid: str, to: str = "+46700000000") -> dict[str, str]:
    """The fields Twilio posts when `number` sends `body` (message `sid`)."""
    return {
        "AccountSid": TWILIO_SID,
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": number,
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": to,
    }


def call_params(number: str, call_sid: str, **extra: str) -> dict[str, str]:
    """The fields Twilio posts about call `call_sid` from `number` (plus `extra`)."""
    return {
        "AccountSid": TWILIO_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "From": number,
        "To": "+46700000000",
        **extra,
    }
