"""Fill the `language` and `channel` slots on every turn.

The gateway decides the language (bot/language.py) and sends it as message
metadata; Rasa runs this action after each user message because both slots
have custom mappings. Without metadata (rasa shell, rasa test) the same rules
decide here, so the assistant behaves the same without the gateway.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from bot.language import choose_language, is_supported


def _metadata(tracker: Tracker) -> dict[str, Any]:
    return tracker.latest_message.get("metadata") or {}


class ValidateGlobalSlots(ValidationAction):
    """`action_validate_slot_mappings`: the slots that are not part of a form."""

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        hinted = _metadata(tracker).get("language")
        if is_supported(hinted):
            return {"language": hinted}
        text = tracker.latest_message.get("text") or ""
        decision = choose_language(text, previous=tracker.get_slot("language"))
        return {"language": decision.language}

    def extract_channel(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        channel = _metadata(tracker).get("channel")
        return {"channel": channel} if isinstance(channel, str) else {}
