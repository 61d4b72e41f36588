"""Hand a conversation to a person: collect what is missing, then open the ticket."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiUnavailable, create_handoff
from actions.turn import turn_info
from bot.redaction import EMAIL_MASK, PHONE_MASK
from bot.replies import reply

log = logging.getLogger(__name__)

# On SMS and phone the number is known already: no need to ask for it.
CHANNELS_WITH_KNOWN_CONTACT = ("sms", "voice")
HANDOFF_SLOTS = ("handoff_description", "handoff_company", "handoff_contact", "handoff_key")


class ValidateHandoffForm(FormValidationAction):
    """`validate_handoff_form`: asks only for what is missing."""

    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("channel") in CHANNELS_WITH_KNOWN_CONTACT or _gave_contact(tracker):
            return [s for s in domain_slots if s != "handoff_contact"]
        return domain_slots


def _gave_contact(tracker: Tracker) -> bool:
    """Whether the user has already written a phone number or an e-mail address in this
    conversation (masked here; the gateway puts it in the ticket's contact field)."""
    said = (e.get("text") or "" for e in tracker.events if e.get("event") == "user")
    return any(PHONE_MASK in text or EMAIL_MASK in text for text in said)


def _handoff_started_at(tracker: Tracker) -> float:
    """When this hand-off's form started: the same for every retry of the action."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "handoff_form":
            return float(event.get("timestamp") or 0)
    return 0.0


class ActionOpenTicket(Action):
    """`action_open_ticket`: create the ticket through the API and say who handles it when."""

    def name(self) -> str:
        return "action_open_ticket"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker.get_slot("language") or "sv"
        try:
            # The ticket opened when the hand-off was decided, if it was; else a new one.
            key = tracker.get_slot("handoff_key")
            ticket = create_handoff(
                conversation_key=tracker.sender_id,
                idempotency_key=key or f"{tracker.sender_id}-{_handoff_started_at(tracker)}",
                description=tracker.get_slot("handoff_description") or "",
                company=tracker.get_slot("handoff_company"),
                contact=tracker.get_slot("handoff_contact"),
            )
        except ApiUnavailable as exc:
            log.warning("hand-off for %s failed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(response="utter_handoff_failed")
            return [SlotSet(slot, None) for slot in HANDOFF_SLOTS]
        key = "handoff_reopened" if ticket.get("reopened") else "handoff_done"
        text = reply(key, language, ticket=ticket["ticket_id"], handling=ticket["handling"])
        dispatcher.utter_message(text=text)
        handoff = {k: ticket[k] for k in ("ticket_id", "queue", "priority")}
        dispatcher.utter_message(json_message=turn_info(handoff=handoff))
        return [SlotSet(slot, None) for slot in HANDOFF_SLOTS]
