"""Triage: a priority tier 1-5, a queue, a billable flag and readable reasons.

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
from bot.language import choose_language
from bot.textmodel import TextClassifier
from bot.triage.training import load_requests

_RULES = Path(__file__).resolve().parents[1] / "data" / "triage_rules.yml"


@dataclass(frozen=True)
class Rule:
    id: str
    priority: int
    queue: str | None
    groups: tuple[tuple[re.Pattern[str], ...], ...]
    reason: dict[str, str]

    def matches(self, text: str) -> bool:
        return all(any(p.search(text) for p in group) for group in self.groups)


@dataclass(frozen=True)
class Triage:
    """The triage of one request."""

    language: str
    queue: str
    priority: int
    billable: bool
    reasons: list[str] = field(default_factory=list)
    rule: str | None = None  # the explicit rule that decided, if any


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
        )
        for r in _settings()["rules"]
    )


def first_rule(text: str) -> Rule | None:
    """The first explicit rule that matches `text`."""
    flat = folded(text)
    return next((rule for rule in rules() if rule.matches(flat)), None)


@cache
def classifiers(language: str) -> tuple[TextClassifier, TextClassifier]:
    """(queue classifier, priority classifier) trained on the language's requests."""
    requests = load_requests(language)
    texts = [r.text for r in requests]
    queue = TextClassifier(language, texts, [r.queue for r in requests])
    priority = TextClassifier(language, texts, [str(r.priority) for r in requests])
    return queue, priority


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
    queue, queue_p = queue_model.best(text)
    rule = first_rule(text)
    reasons: list[str] = []
    if rule is not None:
        priority = rule.priority
        queue = rule.queue or queue
        reasons.append(rule.reason[lang])
    else:
        priority, priority_p = _learned_priority(priority_model, text)
        reasons.append(_text("reason_priority_model", lang, priority=priority, p=priority_p))
    reasons.append(_text("reason_queue", lang, queue=queue, p=queue_p))
    billable, billing_key = is_billable(queue, text)
    reasons.append(_text(billing_key, lang))
    return Triage(lang, queue, priority, billable, reasons, rule.id if rule else None)


def _text(key: str, language: str, **params: Any) -> str:
    template: str = _settings()["texts"][key][language]
    return template.format(**params)
