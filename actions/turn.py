"""`action_decide_turn`: every user message outside a form comes here; bot/turn.py
decides what to do with it, and this adapter says it in the user's language."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiUnavailable, create_handoff
from bot.knowledge.search import default_index
from bot.orders import OrderKind, given, kind_of, slot_of
from bot.replies import reply
from bot.turn import Turn, TurnDecision, decide_turn, is_plain_request_for_person

log = logging.getLogger(__name__)

# Where a long article would push the hand-off notice out of sight (SMS parts,
# speech), the notice and the form's question come alone.
SHORT_CHANNELS = ("sms", "voice")


def user_events(tracker: Tracker) -> list[dict[str, Any]]:
    """What the user said in this conversation, oldest first (Rasa's `user` events)."""
    return [e for e in tracker.events if e.get("event") == "user"]


def turn_info(**info: Any) -> dict[str, Any]:
    """A custom message the gateway reads and does not show: what this turn did."""
    return {"viol3": info}


class ActionDecideTurn(Action):
    """Answer, ask which topic, admit not knowing, hand off, small talk or a language switch."""

    def name(self) -> str:
        return "action_decide_turn"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = tracker.get_slot("language") or "sv"
        text = tracker.latest_message.get("text") or ""
        intent = tracker.latest_message.get("intent") or {}
        misses = int(tracker.get_slot("knowledge_misses") or 0)
        turn = Turn(
            text=text,
            language=language,
            intent=intent.get("name"),
            intent_confidence=float(intent.get("confidence") or 0.0),
            misses=misses,
        )
        decision = decide_turn(turn)
        info: dict[str, Any] = {"decision": decision.outcome, "reasons": list(decision.reasons)}
        events = _say(decision, dispatcher, tracker, language, info)
        dispatcher.utter_message(json_message=turn_info(**info))
        # The rules start the hand-off form on this slot (nlu_data/rules/support.yml).
        return [*events, SlotSet("handoff_wanted", decision.outcome == "handoff")]


def _say(
    decision: TurnDecision,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    language: str,
    info: dict[str, Any],
) -> list[EventType]:
    knowledge = decision.knowledge
    if decision.outcome == "language":
        dispatcher.utter_message(response="utter_language_switched")
        return []
    if decision.outcome == "small_talk":
        dispatcher.utter_message(response=decision.response)
        return []
    if decision.outcome == "answer":
        text = knowledge.text()
        if knowledge.alternatives:  # close topics, one choice away
            text = f"{text}\n\n{reply('knowledge_alternatives', language)}"
            info["choices"] = [h.topic for h in knowledge.alternatives]
        dispatcher.utter_message(text=text, buttons=_choices(decision, language))
        info["topic"] = decision.topic
        return [SlotSet("knowledge_misses", 0)]
    if decision.outcome == "clarify":
        buttons = [{"title": h.title, "payload": h.title} for h in knowledge.hits]
        dispatcher.utter_message(response="utter_knowledge_clarify", buttons=buttons)
        info["choices"] = [h.topic for h in knowledge.hits]
        return []
    if decision.outcome == "no_answer":
        info["unanswered"] = True
        if decision.unrelated:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        dispatcher.utter_message(response="utter_knowledge_none")
        misses = int(tracker.get_slot("knowledge_misses") or 0) + 1
        return [SlotSet("knowledge_misses", misses)]
    return _hand_off(decision, dispatcher, tracker, language, info)


def _choices(decision: TurnDecision, language: str) -> list[dict[str, str]]:
    """The parts an article offers to go on to, then the close topics, as buttons
    (numbered lines on SMS and Telegram)."""
    knowledge = decision.knowledge
    index = default_index()
    parts = (index.hit_for(topic, language) for topic in knowledge.hits[0].article.choices)
    hits = [*(hit for hit in parts if hit is not None), *knowledge.alternatives]
    titles = dict.fromkeys(hit.title for hit in hits)
    return [{"title": title, "payload": title} for title in titles]


def _hand_off(
    decision: TurnDecision,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    language: str,
    info: dict[str, Any],
) -> list[EventType]:
    text = tracker.latest_message.get("text") or ""
    knowledge = decision.knowledge
    described: str | None = None
    article: str | None = None
    order: OrderKind | None = None
    if decision.person is not None:  # a person must act; an article may help meanwhile
        key = "needs_person_urgent" if decision.person.priority <= 2 else "needs_person_request"
        dispatcher.utter_message(text=reply(key, language))
        short = tracker.get_slot("channel") in SHORT_CHANNELS
        if knowledge.kind == "answer" and not short:
            article = knowledge.text()
            info["topic"] = knowledge.topic
        info["needs_person"] = decision.person.id
        described = text
        order = kind_of(text) if decision.person.id == "order" else None
    elif decision.cause == "asked":
        # "I want to talk to someone. Our invoice is wrong." already says what it is about.
        if not is_plain_request_for_person(text, language):
            described = text
    else:
        info["unanswered"] = True
        dispatcher.utter_message(response="utter_knowledge_none_handoff")
        described = " / ".join(_recent_questions(tracker))
    events: list[EventType] = [SlotSet("knowledge_misses", 0)]
    fields: dict[str, str] = {}
    if order is not None:  # the form asks for what the agent needs to carry it out
        fields = {f: v for f, v in given(text).items() if f in order.fields}
        if "email" in fields:  # the new user's address: the gateway keeps it off the contact
            info["order_email"] = True
        events.append(SlotSet("order_kind", order.id))
        events += [SlotSet(slot_of(f), v) for f, v in fields.items()]
    if described:
        # Registered now, so the case exists even if the user stops answering.
        ordered = {"kind": order.id, "fields": fields} if order else None
        events += _open_at_once(tracker, described, dispatcher, language, info, ordered)
    if article:
        dispatcher.utter_message(text=article)
    return events


def _open_at_once(
    tracker: Tracker,
    description: str,
    dispatcher: CollectingDispatcher,
    language: str,
    info: dict[str, Any],
    order: dict[str, Any] | None,
) -> list[EventType]:
    """Open the ticket now; the form then adds what it collects to the same one."""
    key = f"{tracker.sender_id}-{_latest_user_timestamp(tracker)}"
    events: list[EventType] = [SlotSet("handoff_description", description)]
    try:
        ticket = create_handoff(
            conversation_key=tracker.sender_id,
            idempotency_key=key,
            description=description,
            order=order,
            collecting=True,
        )
    except ApiUnavailable as exc:  # the form goes on; its end tries again
        log.warning("hand-off for %s not opened at once: %s", tracker.sender_id, exc)
        return events
    info["handoff"] = {k: ticket[k] for k in ("ticket_id", "queue", "priority")}
    dispatcher.utter_message(text=reply("handoff_registered", language, ticket=ticket["ticket_id"]))
    return [*events, SlotSet("handoff_key", key)]


def _latest_user_timestamp(tracker: Tracker) -> float:
    said = user_events(tracker)
    return float(said[-1].get("timestamp") or 0) if said else 0.0


def _recent_questions(tracker: Tracker, count: int = 2) -> list[str]:
    """The user's last `count` messages, oldest first: what went unanswered."""
    said = [e.get("text") or "" for e in user_events(tracker)]
    return [text for text in said[-count:] if text]
