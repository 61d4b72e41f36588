"""Recognise a named fact in a question (a reject code, a unit, a rule set, a price term).

A question such as "what does 9993 mean" gets that one line first, in the
user's language, before the article; the fact's topic also steers search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.knowledge.facts import load
from bot.knowledge.text import folded

_CODE = re.compile(r"(?<!\d)(999\d)(?!\d)")


@dataclass(frozen=True)
class FactMention:
    topic: str
    key: str  # the code, unit id, rule set or price term id
    line: str  # the fact in the asked language
    # Whether naming it says which article is meant: a reject code does, a unit
    # such as m3f does not (it appears in questions about many fields).
    decisive: bool = True


@cache
def _unit_patterns() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    patterns = []
    for unit in load("units")["units"]:
        spellings = {unit["id"], unit["symbol"], *unit.get("aliases", [])}
        alternatives = "|".join(
            re.escape(folded(s)) for s in sorted(spellings, key=len, reverse=True)
        )
        patterns.append((re.compile(rf"(?<![\w*])(?:{alternatives})(?![\w*])"), unit))
    return patterns


def _reject_code(question: str, lang: str) -> list[FactMention]:
    codes = {c["code"]: c for c in load("reject_codes")["reject_codes"]}
    return [
        FactMention(
            "mb_reject", code, f"{code} {codes[code]['name'][lang]}: {codes[code]['cause'][lang]}"
        )
        for code in dict.fromkeys(_CODE.findall(question))
        if code in codes
    ]


def _units(question: str, lang: str) -> list[FactMention]:
    question_folded = folded(question)
    return [
        FactMention(
            "mb_units",
            unit["id"],
            f"{unit['name'][lang]}: {unit['description'][lang]}",
            decisive=False,
        )
        for pattern, unit in _unit_patterns()
        if pattern.search(question_folded)
    ]


def _rule_regions(question: str, lang: str) -> list[FactMention]:
    words = set(re.findall(r"\w+", question))  # case kept: "Syd", "Nord", "Qbera"
    return [
        FactMention("mb_rule_region", r["id"], f"{r['id']}: {r['region'][lang]}")
        for r in load("rule_regions")["rule_regions"]
        if r["id"] in words or (r["id"] == "Qbera" and "qbera" in question.lower())
    ]


def _price_terms(question: str, lang: str) -> list[FactMention]:
    question_folded = folded(question)
    return [
        FactMention("mb_price_terms", t["id"], f"{t['name'][lang]}: {t['description'][lang]}")
        for t in load("price_terms")["price_terms"]
        if any(folded(name) in question_folded for name in t["name"].values())
    ]


def mentions(question: str, lang: str) -> list[FactMention]:
    """The named facts in `question`, each written in `lang`."""
    return [
        *_reject_code(question, lang),
        *_units(question, lang),
        *_rule_regions(question, lang),
        *_price_terms(question, lang),
    ]
