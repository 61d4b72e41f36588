"""Answer questions from the knowledge base (bot/knowledge) in the user's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.knowledge.answer import decide
from bot.replies import reply
from bot.triage import needs_person

MISSES_BEFORE_HANDOFF = 2


def turn_info(**info: Any) -> dict[str, Any]:
    """A custom message the gateway reads and does not show: what this turn did."""
    return {"viol3": info}


class ActionAnswerKnowledge(Action):
    """Answer with an article, ask which of close topics is meant, or say none fits."""

    def name(self) -> str:
        return "action_answer_knowledge"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker.get_slot("language") or "sv"
        question = tracker.latest_message.get("text") or ""
        intent = tracker.latest_message.get("intent") or {}
        decision = decide(
            question,
            language,
            intent=intent.get("name"),
            intent_confidence=float(intent.get("confidence") or 0.0),
        )
        rule = needs_person(question)
        if rule is not None:  # an article may help while they wait, but a person must act
            if decision.kind == "answer":
                dispatcher.utter_message(text=decision.text())
            urgent = rule.priority <= 2
            key = "needs_person_urgent" if urgent else "needs_person_request"
            dispatcher.utter_message(text=reply(key, language))
            info = turn_info(topic=decision.topic, needs_person=rule.id)
            dispatcher.utter_message(json_message=info)
            return [
                SlotSet("knowledge_misses", 0),
                SlotSet("handoff_description", question),
                FollowupAction("handoff_form"),
            ]
        if decision.kind == "answer":
            dispatcher.utter_message(text=decision.text())
            dispatcher.utter_message(json_message=turn_info(topic=decision.topic))
            return [SlotSet("knowledge_misses", 0)]
        if decision.kind == "clarify":
            buttons = [{"title": h.title, "payload": h.title} for h in decision.hits]
            dispatcher.utter_message(response="utter_knowledge_clarify", buttons=buttons)
            dispatcher.utter_message(
                json_message=turn_info(choices=[h.topic for h in decision.hits])
            )
            return []
        misses = int(tracker.get_slot("knowledge_misses") or 0) + 1
        dispatcher.utter_message(json_message=turn_info(unanswered=True))
        if misses >= MISSES_BEFORE_HANDOFF:  # failed twice: a person takes over
            dispatcher.utter_message(response="utter_knowledge_none_handoff")
            return [SlotSet("knowledge_misses", 0), FollowupAction("handoff_form")]
        dispatcher.utter_message(response="utter_knowledge_none")
        return [SlotSet("knowledge_misses", misses)]
