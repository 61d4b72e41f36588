"""Which incidents concern a message, and which tickets look like reports of one.

A message concerns an incident when anything known about it names an affected
area: the topic the assistant answered on (and that topic's queue), the queue
of a hand-off or of the user's open ticket, or, when the assistant names none
of these (it is down, or it answered small talk), the queue that triage reads in
the user's own words: the spec's words for a queue always, the triage model
only when it is sure. A question about incidents as such concerns them all.

A ticket is proposed for linking by three parts of a score: its area (its queue
named by the incident, or an affected topic in its conversation, weighs more than
a queue only reached through a topic), its time (the sooner after the start,
the likelier), and the words it shares with the incident's text (Snowball
stems, as the knowledge search compares them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from api.conversations.schemas import ChatResponse
from api.incidents.areas import queues_of, topic_queues
from api.incidents.models import Incident
from api.incidents.texts import in_language
from api.tickets.models import Ticket
from bot.knowledge.text import stem, words
from bot.triage import classifiers, queue_by_rule

# The knowledge topic whose question is "is something broken right now?".
INCIDENTS_TOPIC: Final = "incidents"
# How sure the triage model must be of a queue read in the user's words.
TEXT_QUEUE_MIN_PROBABILITY: Final = 0.5
# Weights of a proposal's score parts (they add up to 1).
AREA_WEIGHT, TIME_WEIGHT, TEXT_WEIGHT = 0.5, 0.2, 0.3
# Two hours after the start a new ticket's time part is half of one at the start.
HALF_TIME_MINUTES: Final = 120
# Shared words for a full text part.
FULL_TEXT_WORDS: Final = 3


@dataclass(frozen=True)
class TurnAreas:
    """What is known about one message: the areas it touches."""

    topics: frozenset[str] = frozenset()
    queues: frozenset[str] = frozenset()

    def concern(self, incident: Incident) -> bool:
        if INCIDENTS_TOPIC in self.topics:
            return True
        areas = set(incident.areas)
        return bool(areas & self.topics or queues_of(areas) & self.queues)


def turn_areas(
    response: ChatResponse, *, user_text: str, language: str, open_queue: str | None
) -> TurnAreas:
    """The areas of one answered message (see the module docstring)."""
    topics = {response.topic} if response.topic else set()
    queues = {topic_queues()[t] for t in topics if t in topic_queues()}
    if response.handoff is not None:
        queues.add(response.handoff.queue)
    if open_queue:
        queues.add(open_queue)
    if not queues and user_text:
        queues |= _queues_in_words(user_text, language)
    return TurnAreas(frozenset(topics), frozenset(queues))


def _queues_in_words(text: str, language: str) -> set[str]:
    named = queue_by_rule(text)
    if named:
        return {named}
    queue, probability = classifiers(language)[0].best(text)
    return {queue} if probability >= TEXT_QUEUE_MIN_PROBABILITY else set()


@dataclass
class Score:
    """A candidate's score and its reasons (see schemas.ProposalReason)."""

    total: float = 0.0
    reasons: list[dict[str, object]] = field(default_factory=list)

    def add(self, weight: float, part: float, kind: str, **detail: object) -> None:
        self.total += weight * part
        self.reasons.append({"kind": kind, "score": round(part, 3), **detail})


def score(incident: Incident, ticket: Ticket, topics: Iterable[str]) -> Score:
    """How likely `ticket` reports `incident` (0-1), and why; `topics` are the
    knowledge topics its conversation touched."""
    found = Score()
    affected_topic = next((t for t in topics if t in incident.areas), None)
    direct = ticket.queue in incident.areas or affected_topic is not None
    found.add(AREA_WEIGHT, 1.0 if direct else 0.5, "area", queue=ticket.queue, topic=affected_topic)
    minutes = int((ticket.created_at - incident.starts_at).total_seconds() // 60)
    found.add(TIME_WEIGHT, 1.0 / (1 + max(minutes, 0) / HALF_TIME_MINUTES), "time", minutes=minutes)
    shared = shared_words(incident, ticket)
    if shared:
        found.add(TEXT_WEIGHT, min(1.0, len(shared) / FULL_TEXT_WORDS), "text", words=shared)
    found.total = round(found.total, 3)
    return found


def affected_queues(incident: Incident) -> set[str]:
    """The queues whose tickets may report `incident`."""
    return queues_of(incident.areas)


def shared_words(incident: Incident, ticket: Ticket) -> list[str]:
    """The ticket's words (as it wrote them) whose stems the incident's text has too,
    in the ticket's language, leaving out words that say nothing ("och", "the")."""
    language = ticket.language
    incident_text = " ".join(
        (in_language(incident.title, language), in_language(incident.text, language))
    )
    theirs = {stem(w, language) for w in _content_words(incident_text, language)}
    shared: dict[str, str] = {}
    for word in _content_words(" ".join((ticket.subject or "", ticket.description)), language):
        stemmed = stem(word, language)
        if stemmed in theirs and stemmed not in shared:
            shared[stemmed] = word
    return list(shared.values())


def _content_words(text: str, language: str) -> list[str]:
    stop = _stop_words(language)
    return [w for w in words(text, language) if len(w) > 2 and w not in stop]


@cache
def _stop_words(language: str) -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fi.stop_words import STOP_WORDS as FI
    from spacy.lang.sv.stop_words import STOP_WORDS as SV

    return frozenset({"sv": SV, "en": EN, "fi": FI}.get(language, SV))
