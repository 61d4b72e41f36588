"""The action server fills the language slot, over its real HTTP webhook."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rasa_sdk_plugins import HEADER
from tests.conftest import ACTIONS_TOKEN, Stack

pytestmark = pytest.mark.e2e

DOMAIN = {
    "slots": {
        "language": {
            "type": "categorical",
            "values": ["sv", "en", "fi"],
            "mappings": [{"type": "custom"}],
        },
        "channel": {"type": "text", "mappings": [{"type": "custom"}]},
    },
    "forms": {},
}


def _run_slot_action(stack: Stack, text: str, metadata: dict[str, Any], language: str) -> dict:
    tracker = {
        "sender_id": "actions-test",
        "slots": {"language": language, "channel": None},
        "latest_message": {"text": text, "intent": {}, "entities": [], "metadata": metadata},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    payload = {
        "next_action": "action_validate_slot_mappings",
        "sender_id": "actions-test",
        "tracker": tracker,
        "domain": DOMAIN,
        "version": "3.6.21",
    }
    # Called as Rasa calls it, with the action server's secret.
    response = httpx.post(
        f"{stack.actions}/webhook", json=payload, headers={HEADER: ACTIONS_TOKEN}, timeout=30
    )
    assert response.status_code == 200, response.text
    return {e["name"]: e["value"] for e in response.json()["events"] if e["event"] == "slot"}


def test_the_gateways_language_and_channel_become_slots(stack: Stack) -> None:
    slots = _run_slot_action(stack, "hej", {"language": "fi", "channel": "sms"}, "sv")
    assert slots == {"language": "fi", "channel": "sms"}


def test_without_the_gateway_the_action_decides_the_language_itself(stack: Stack) -> None:
    assert _run_slot_action(stack, "I forgot my password", {}, "sv")["language"] == "en"
    assert _run_slot_action(stack, "ok", {}, "fi")["language"] == "fi"
