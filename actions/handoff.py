"""Hand a conversation to a person: collect what is missing, then open the ticket."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiUnavailable, create_handoff
from actions.turn import turn_info, user_events
from bot.orders import OrderKind, kinds, slot_of
from bot.redaction import EMAIL_MASK, PHONE_MASK
from bot.replies import reply
from bot.triage import is_how_to_question
from bot.turn import answer_while_waiting, is_cancel

log = logging.getLogger(__name__)

# On SMS and phone the number is known already: no need to ask for it.
CHANNELS_WITH_KNOWN_CONTACT = ("sms", "voice")
HANDOFF_SLOTS = (
    "handoff_description",
    "handoff_company",
    "handoff_contact",
    "handoff_key",
    "order_kind",
    "order_person",
    "order_access",
    "order_email",
)


def _form_done() -> list[EventType]:
    return [*(SlotSet(slot, None) for slot in HANDOFF_SLOTS), SlotSet("handoff_wanted", False)]


def _asks_again_on_questions(slot: str) -> Callable[..., dict[str, Any]]:
    """A `validate_<slot>` method that answers a question instead of taking it as the value."""

    def validate(
        self: FormValidationAction,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return _answer_and_ask_again(slot, str(value or ""), dispatcher, tracker)

    return validate


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
        if is_cancel(tracker.latest_message.get("text") or ""):
            return []  # the form ends; action_open_ticket says it is cancelled
        order = _order_kind(tracker)
        fields = [slot_of(f) for f in order.fields] if order else []
        # An order asks what the agent needs to carry it out, in the order's own order.
        slots = [s for s in domain_slots if not s.startswith("order_") or s in fields]
        if order is not None:
            rest = [s for s in slots if s not in fields and s != "handoff_description"]
            slots = ["handoff_description", *fields, *rest]
        if tracker.get_slot("channel") in CHANNELS_WITH_KNOWN_CONTACT or _gave_contact(tracker):
            slots = [s for s in slots if s != "handoff_contact"]
        return slots

    def validate_handoff_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Anything describes the matter, except a question the assistant can answer.
        text = str(value or "")
        if text.rstrip().endswith("?"):
            return _answer_and_ask_again("handoff_description", text, dispatcher, tracker)
        return {"handoff_description": text}

    # The other slots: a question asked instead of an answer is answered, and the
    # form asks again (rasa_sdk calls `validate_<slot>`).
    validate_handoff_company = _asks_again_on_questions("handoff_company")
    validate_order_person = _asks_again_on_questions("order_person")
    validate_order_access = _asks_again_on_questions("order_access")

    def validate_order_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        filled = _answer_and_ask_again("order_email", str(value or ""), dispatcher, tracker)
        if filled.get("order_email"):
            # The new user's address, not the caller's: the gateway keeps it off the contact.
            dispatcher.utter_message(json_message=turn_info(order_email=True))
        return filled

    validate_handoff_contact = _asks_again_on_questions("handoff_contact")


def _answer_and_ask_again(
    slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any]:
    """A question asked while the form waits for `slot` is answered, and the form asks
    again; anything else is the slot's value."""
    if is_cancel(text):
        return {slot: None}
    if not is_how_to_question(text):  # "Skogsbolaget AB, ekonomi" is an answer
        return {slot: text}
    answered = answer_while_waiting(text, tracker.get_slot("language") or "sv")
    if answered is None:
        return {slot: text}
    dispatcher.utter_message(text=answered.knowledge.text())
    info = {"decision": "answer", "reasons": list(answered.reasons), "topic": answered.topic}
    dispatcher.utter_message(json_message=turn_info(**info))
    return {slot: None}


def _order_kind(tracker: Tracker) -> OrderKind | None:
    wanted = tracker.get_slot("order_kind")
    return next((k for k in kinds() if k.id == wanted), None)


def _order(tracker: Tracker) -> dict[str, Any] | None:
    """The structured order the form collected, for the ticket."""
    order = _order_kind(tracker)
    if order is None:
        return None
    fields = {f: tracker.get_slot(slot_of(f)) for f in order.fields}
    return {"kind": order.id, "fields": {f: v for f, v in fields.items() if v}}


def _gave_contact(tracker: Tracker) -> bool:
    """Whether the user has already written a phone number or an e-mail address in this
    conversation (masked here; the gateway puts it in the ticket's contact field). In an
    order that collects an e-mail address, an address written is the new user's."""
    order = _order_kind(tracker)
    masks = (PHONE_MASK,) if order and "email" in order.fields else (PHONE_MASK, EMAIL_MASK)
    said = (e.get("text") or "" for e in user_events(tracker))
    return any(mask in text for text in said for mask in masks)


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
        if is_cancel(tracker.latest_message.get("text") or ""):
            return _cancel(dispatcher, tracker, language)
        try:
            # The ticket opened when the hand-off was decided, if it was; else a new one.
            key = tracker.get_slot("handoff_key")
            ticket = create_handoff(
                conversation_key=tracker.sender_id,
                idempotency_key=key or f"{tracker.sender_id}-{_handoff_started_at(tracker)}",
                description=tracker.get_slot("handoff_description") or "",
                company=tracker.get_slot("handoff_company"),
                contact=tracker.get_slot("handoff_contact"),
                order=_order(tracker),
            )
        except ApiUnavailable as exc:
            log.warning("hand-off for %s failed: %s", tracker.sender_id, exc)
            dispatcher.utter_message(response="utter_handoff_failed")
            return _form_done()
        key = "handoff_reopened" if ticket.get("reopened") else "handoff_done"
        text = reply(key, language, ticket=ticket["ticket_id"], handling=ticket["handling"])
        dispatcher.utter_message(text=text)
        handoff = {k: ticket[k] for k in ("ticket_id", "queue", "priority")}
        dispatcher.utter_message(json_message=turn_info(handoff=handoff))
        return _form_done()


def _cancel(dispatcher: CollectingDispatcher, tracker: Tracker, language: str) -> list[EventType]:
    """The user ended the form. A case registered when the hand-off was decided (a stop,
    an order) stays registered with what they wrote; otherwise nothing is opened."""
    key = tracker.get_slot("handoff_key")
    cleared: list[EventType] = _form_done()
    if not key:
        dispatcher.utter_message(text=reply("handoff_cancelled", language))
        dispatcher.utter_message(json_message=turn_info(decision="cancelled"))
        return cleared
    try:
        ticket = create_handoff(
            conversation_key=tracker.sender_id,
            idempotency_key=key,
            description=tracker.get_slot("handoff_description") or "-",
        )
    except ApiUnavailable as exc:
        log.warning("cancelled hand-off for %s not handed over: %s", tracker.sender_id, exc)
        dispatcher.utter_message(response="utter_handoff_failed")
        return cleared
    text = reply("handoff_cancelled_registered", language, ticket=ticket["ticket_id"])
    dispatcher.utter_message(text=text)
    handoff = {k: ticket[k] for k in ("ticket_id", "queue", "priority")}
    dispatcher.utter_message(json_message=turn_info(decision="cancelled", handoff=handoff))
    return cleared
