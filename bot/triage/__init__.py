"""Triage: a priority tier 1-5, a queue, a billable flag and readable reasons.

Reasons are kept as data (bot/triage/reasons.py): `reason_items` is what a
ticket stores, told later in any language; `reasons` is the same, told in the
request's language.

Safety first: explicit rules (bot/data/triage_rules.yml) decide what the
support offer states outright — a driver stuck at a measuring site,
measurement stopped, missing master data that stops deliveries (priority 1),
the customer test environment (5), a stopped administrative flow (2), orders
(4). Classifiers trained on labelled requests in each language
(triage/training/) decide the queue, and the priority where no rule applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.text import folded
from bot.language import SUPPORTED, choose_language
from bot.modelcache import cached
from bot.textmodel import TextClassifier
from bot.triage.reasons import render, rule_reason, text_reason
from bot.triage.training import TRAINING, load_requests

_RULES = Path(__file__).resolve().parents[1] / "data" / "triage_rules.yml"


@dataclass(frozen=True)
class Rule:
    id: str
    priority: int
    queue: str | None
    groups: tuple[tuple[re.Pattern[str], ...], ...]
    reason: dict[str, str]
    unless: tuple[re.Pattern[str], ...] = ()
    hand_off: str | None = None  # "always", "requests" (not how-to questions) or None
    # Safety first: a rule that lowers the priority gives way when the model
    # sees a likely stop (an "order" that is really blocking deliveries).
    yields_to_priority_one: bool = False

    def matches(self, text: str) -> bool:
        if any(p.search(text) for p in self.unless):
            return False
        return all(any(p.search(text) for p in group) for group in self.groups)


@dataclass(frozen=True)
class Triage:
    """The triage of one request."""

    language: str
    queue: str
    priority: int
    billable: bool
    reasons: list[str] = field(default_factory=list)  # in `language`
    rule: str | None = None  # the explicit rule that decided, if any
    # The same reasons as data, for storing (bot/triage/reasons.py).
    reason_items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stored_reasons(self) -> list[Any]:
        """What a ticket keeps: the reasons as data (plain texts where there are none)."""
        return list(self.reason_items) if self.reason_items else list(self.reasons)


@cache
def _settings() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_RULES.read_text(encoding="utf-8"))
    return data


@cache
def rules() -> tuple[Rule, ...]:
    """The explicit rules, in the order they are tried."""
    return tuple(
        Rule(
            id=r["id"],
            priority=int(r["priority"]),
            queue=r.get("queue"),
            groups=tuple(tuple(re.compile(p) for p in group) for group in r["all"]),
            reason=r["reason"],
            unless=tuple(re.compile(p) for p in r.get("unless", [])),
            hand_off=r.get("hand_off"),
            yields_to_priority_one=bool(r.get("yields_to_priority_one")),
        )
        for r in _settings()["rules"]
    )


def first_rule(text: str) -> Rule | None:
    """The first explicit rule that matches `text`."""
    flat = folded(text)
    return next((rule for rule in rules() if rule.matches(flat)), None)


def queue_by_rule(text: str) -> str | None:
    """The queue the spec's own words name for this request, if any."""
    flat = folded(text)
    for queue, patterns in _settings()["queue_rules"].items():
        if any(re.search(p, flat) for p in patterns):
            return str(queue)
    return None


def is_how_to_question(text: str) -> bool:
    """ "How do I order a user?" asks for instructions; "please add a user" asks for action."""
    flat = folded(text).strip()
    return any(re.search(p, flat) for p in _settings()["how_to_question"])


def needs_person(text: str) -> Rule | None:
    """The explicit rule that says this request needs a person to act, if one does."""
    rule = first_rule(text)
    if rule is None or rule.hand_off is None:
        return None
    if rule.hand_off == "requests" and is_how_to_question(text):
        return None
    return rule


@cache
def classifiers(language: str) -> tuple[TextClassifier, TextClassifier]:
    """(queue classifier, priority classifier) trained on the language's requests."""
    return _all_classifiers()[language]


@cache
def _all_classifiers() -> dict[str, tuple[TextClassifier, TextClassifier]]:
    sources = [TRAINING, Path(__file__).with_name("training.py")]
    return cached("triage-classifiers", sources, _train_classifiers)


def _train_classifiers() -> dict[str, tuple[TextClassifier, TextClassifier]]:
    models: dict[str, tuple[TextClassifier, TextClassifier]] = {}
    for language in SUPPORTED:
        requests = load_requests(language)
        texts = [r.text for r in requests]
        queue = TextClassifier(language, texts, [r.queue for r in requests])
        priority = TextClassifier(language, texts, [str(r.priority) for r in requests])
        models[language] = (queue, priority)
    return models


def warm_up() -> None:
    """Load (or train) the classifiers now, not on the first hand-off."""
    _all_classifiers()


def _learned_priority(model: TextClassifier, text: str) -> tuple[int, float]:
    """The model's priority, leaning to 1: a missed stop costs more than a false alarm."""
    probabilities = model.probabilities(text)
    p1 = probabilities.get("1", 0.0)
    if p1 >= _settings()["priority_one_threshold"]:
        return 1, p1
    best, p = model.best(text)
    return int(best), p


def is_billable(queue: str, text: str) -> tuple[bool, str]:
    """The billing rule that applies, as (billable, reason key)."""
    billing = _settings()["billing"]
    flat = folded(text)
    if queue in billing["free_queues"]:
        return False, "free_driver_support"
    if any(re.search(p, flat) for p in billing["biometria_fault_patterns"]):
        return False, "free_biometria_fault"
    return True, "billable_ordered_support"


def triage(text: str, language: str | None = None, channel: str | None = None) -> Triage:
    """Triage one request (any of sv, en, fi; the language is detected if not given)."""
    lang = choose_language(text, choice=language).language
    queue_model, priority_model = classifiers(lang)
    learned, learned_p = _learned_priority(priority_model, text)
    rule = first_rule(text)
    if rule is not None and rule.yields_to_priority_one and learned == 1:
        rule = None
    if rule is not None:
        priority, items = rule.priority, [rule_reason(rule.id)]
    else:
        priority = learned
        items = [
            text_reason("reason_priority_model", priority=priority, p=round(float(learned_p), 4))
        ]
    queue, queue_reason = _queue(text, rule, queue_model)
    if queue_reason:
        items.append(queue_reason)
    billable, billing_key = is_billable(queue, text)
    items.append(text_reason(billing_key))
    reasons = [render(item, lang) for item in items]
    return Triage(lang, queue, priority, billable, reasons, rule.id if rule else None, items)


def _queue(
    text: str, rule: Rule | None, model: TextClassifier
) -> tuple[str, dict[str, Any] | None]:
    """The queue, and why (None when the rule's own reason already says it)."""
    if rule is not None and rule.queue:
        return rule.queue, None
    named = queue_by_rule(text)
    if named:
        return named, text_reason(f"reason_queue_{named}", queue=named)
    queue, p = model.best(text)
    return queue, text_reason("reason_queue", queue=queue, p=round(float(p), 4))
