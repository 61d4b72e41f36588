"""Texts the gateway says itself, in every language, filled with support facts."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.language import SUPPORTED

# replies.yml, and one replies_<part>.yml per feature that has texts of its own
# (incidents, feedback): merged, a key defined twice is an error.
_REPLY_FILES = sorted((Path(__file__).parent / "data").glob("replies*.yml"))
_FACTS = Path(__file__).resolve().parent.parent / "knowledge" / "facts" / "support.yml"


@cache
def support_facts() -> dict[str, Any]:
    """The support facts (contact details, office hours) from knowledge/facts."""
    data: dict[str, Any] = yaml.safe_load(_FACTS.read_text(encoding="utf-8"))
    return data


@cache
def _replies() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    for path in _REPLY_FILES:
        part: dict[str, dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in part.items():
            if key in data:
                raise ValueError(f"{path}: {key} is defined in another replies file too")
            missing = set(SUPPORTED) - set(texts)
            if missing:
                raise ValueError(f"{path}: {key} has no text in {sorted(missing)}")
            data[key] = texts
    return data


def reply(key: str, language: str, **params: Any) -> str:
    """The text `key` in `language` (sv if unknown), with facts and `params` filled in."""
    texts = _replies()[key]
    template = texts.get(language) or texts["sv"]
    return template.format(**support_facts()["contact"], **params)
