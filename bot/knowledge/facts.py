"""Structured facts (knowledge/facts/*.yml), kept once and rendered into each language.

An article line that is only a placeholder such as `{{ reject_codes }}` is
replaced by the list in the article's language, so a code, unit or opening
hour is written in one place and every language shows the same fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.replies import reply

FACTS = Path(__file__).resolve().parents[2] / "knowledge" / "facts"
PLACEHOLDER = re.compile(r"^\{\{\s*(\w+)\s*\}\}$", re.MULTILINE)


@cache
def load(name: str) -> dict[str, Any]:
    """One facts file, parsed."""
    data: dict[str, Any] = yaml.safe_load((FACTS / f"{name}.yml").read_text(encoding="utf-8"))
    return data


def _reject_codes(lang: str) -> list[str]:
    return [
        f"- {c['code']} {c['name'][lang]}: {c['cause'][lang]}"
        for c in load("reject_codes")["reject_codes"]
    ]


def _price_terms(lang: str) -> list[str]:
    terms = load("price_terms")["price_terms"]
    return [f"{i}. {t['name'][lang]}: {t['description'][lang]}" for i, t in enumerate(terms, 1)]


def _units(lang: str) -> list[str]:
    return [f"- {u['name'][lang]}: {u['description'][lang]}" for u in load("units")["units"]]


def _rule_regions(lang: str) -> list[str]:
    return [f"- {r['id']}: {r['region'][lang]}" for r in load("rule_regions")["rule_regions"]]


def hours_text(open_: str, lang: str) -> str:
    """'around the clock' or the office hours, in `lang`."""
    if open_ == "always":
        return reply("hours_always", lang)
    office = load("opening_hours")["office_hours"]
    return reply("hours_office", lang, opens=office["opens"], closes=office["closes"])


def _opening_hours(lang: str) -> list[str]:
    data = load("opening_hours")
    lines = [f"- {a['name'][lang]}: {hours_text(a['open'], lang)}" for a in data["areas"]]
    lines.append(f"- {data['case_intake']['note'][lang]}")
    return lines


def _contact(lang: str) -> list[str]:
    return [f"- {reply(key, lang)}" for key in ("contact_portal", "contact_email", "contact_phone")]


def _priorities(lang: str) -> list[str]:
    return [
        f"{p['id']}. {p['name'][lang]} ({p['examples'][lang]})"
        for p in load("priorities")["priorities"]
    ]


RENDERERS: dict[str, Callable[[str], list[str]]] = {
    "reject_codes": _reject_codes,
    "price_terms": _price_terms,
    "units": _units,
    "rule_regions": _rule_regions,
    "opening_hours": _opening_hours,
    "contact": _contact,
    "priorities": _priorities,
}


def render(text: str, lang: str) -> str:
    """`text` with every placeholder line replaced by its facts in `lang`."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in RENDERERS:
            raise KeyError(f"unknown facts placeholder {{{{ {name} }}}}")
        return "\n".join(RENDERERS[name](lang))

    return PLACEHOLDER.sub(replace, text)
