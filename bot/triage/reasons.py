"""Triage reasons as data: what decided, stored language-neutral and told in any language.

A reason is stored as a small JSON object, never as a sentence: `{"rule": id}`
for an explicit rule (its text per language in bot/data/triage_rules.yml), or
`{"key": text key, "params": {...}}` for the model's and the billing texts
(`texts` in the same file). A `queue` parameter is a queue id; it is told by
the queue's name in the language (knowledge/facts/opening_hours.yml), so no
id reaches the reader. Rows stored before reasons were data are plain strings:
they read as themselves in every language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.facts import load
from bot.language import SUPPORTED

_RULES = Path(__file__).resolve().parents[1] / "data" / "triage_rules.yml"


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_RULES.read_text(encoding="utf-8"))
    return data


@cache
def queue_names() -> dict[str, dict[str, str]]:
    """Each queue id's name in sv, en and fi (the service areas of the opening hours)."""
    return {
        str(area["queue"]): {lang: str(area["name"][lang]) for lang in SUPPORTED}
        for area in load("opening_hours")["areas"]
    }


def rule_reason(rule_id: str) -> dict[str, Any]:
    """The stored reason of an explicit rule."""
    return {"rule": rule_id}


def text_reason(key: str, **params: Any) -> dict[str, Any]:
    """The stored reason of one of the `texts` (with its parameters)."""
    return {"key": key, "params": params}


def render(reason: object, language: str) -> str:
    """The reason as a sentence in `language` (an old plain-string reason as it is)."""
    if isinstance(reason, str):
        return reason
    if not isinstance(reason, dict):
        return str(reason)
    if "rule" in reason:
        texts = _rule_texts().get(str(reason["rule"]))
        return texts[language] if texts else str(reason["rule"])
    template = _data()["texts"].get(str(reason.get("key")))
    if template is None:
        return str(reason.get("key", ""))
    params = dict(reason.get("params") or {})
    if "queue" in params:
        params["queue"] = (
            queue_names().get(str(params["queue"]), {}).get(language, str(params["queue"]))
        )
    return str(template[language]).format(**params)


def render_all(reason: object) -> dict[str, str]:
    """The reason in every supported language: {"sv": ..., "en": ..., "fi": ...}."""
    return {lang: render(reason, lang) for lang in SUPPORTED}


@cache
def _rule_texts() -> dict[str, dict[str, str]]:
    return {str(r["id"]): dict(r["reason"]) for r in _data()["rules"]}
