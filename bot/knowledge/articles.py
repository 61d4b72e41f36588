"""Knowledge articles: Markdown with front matter, one per topic and language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.knowledge.facts import render
from bot.language import SUPPORTED

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
MAX_SUMMARY_CHARS = 320
# Topics learned from resolved tickets (approved article drafts, api/knowledge/)
# are not spec topics: their ids start with this and need no entry in topics.yml.
LEARNED_PREFIX = "faq_"


class InvalidArticle(ValueError):
    """An article file that does not follow knowledge/FORMAT.md."""


@dataclass(frozen=True)
class Article:
    topic: str
    language: str
    title: str
    aliases: tuple[str, ...]
    summary: str
    body: str  # facts placeholders already rendered in the article's language
    path: Path
    # Topics the article offers to go on to (the note's parts, for `mb_how_to_read`).
    choices: tuple[str, ...] = ()
    # The material the article names (an instruction, a price list), with its address.
    material: tuple[Material, ...] = ()


@dataclass(frozen=True)
class Material:
    label: str
    url: str  # https only


def _material(meta: dict[str, object]) -> tuple[Material, ...] | None:
    """The front matter's `material` list, or None if an entry is not {label, https url}."""
    items = meta.get("material") or []
    if not isinstance(items, list):
        return None
    found = []
    for item in items:
        if not isinstance(item, dict):
            return None
        label, url = str(item.get("label") or "").strip(), str(item.get("url") or "").strip()
        if not label or not url.startswith("https://") or any(c.isspace() for c in url):
            return None
        found.append(Material(" ".join(label.split()), url))
    return tuple(found)


@cache
def topic_ids(root: Path = KNOWLEDGE) -> tuple[str, ...]:
    """The knowledge topic ids of the spec (knowledge/topics.yml)."""
    data = yaml.safe_load((root / "topics.yml").read_text(encoding="utf-8"))
    return tuple(data["topics"])


def is_learned(topic: object) -> bool:
    """Whether `topic` is a learned (approved from a ticket) rather than a spec topic."""
    return isinstance(topic, str) and topic.startswith(LEARNED_PREFIX) and len(topic) > 4


def parse(path: Path, topics: tuple[str, ...]) -> Article:
    """Read and check one article file."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise InvalidArticle(f"{path}: no front matter")
    head, body = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(head)
    language = path.parent.name
    problems = [
        f"topic {meta.get('topic')!r} is not a spec topic"
        if meta.get("topic") not in topics and not is_learned(meta.get("topic"))
        else "",
        f"language {meta.get('language')!r} is not {language!r}"
        if meta.get("language") != language
        else "",
        f"file name does not match topic {meta.get('topic')!r}"
        if path.stem != meta.get("topic")
        else "",
        "summary is missing or too long"
        if not meta.get("summary") or len(meta["summary"]) > MAX_SUMMARY_CHARS
        else "",
        "title is missing" if not meta.get("title") else "",
        "material needs a label and an https url" if _material(meta) is None else "",
        "a choice is not a spec topic"
        if any(c not in topics for c in meta.get("choices") or ())
        else "",
    ]
    if any(problems):
        raise InvalidArticle(f"{path}: " + "; ".join(p for p in problems if p))
    return Article(
        topic=meta["topic"],
        language=language,
        title=meta["title"].strip(),
        aliases=tuple(str(a) for a in meta.get("aliases") or ()),
        summary=" ".join(meta["summary"].split()),
        body=render(body.strip(), language),
        path=path,
        choices=tuple(meta.get("choices") or ()),
        material=_material(meta) or (),
    )


@cache
def load_articles(root: Path = KNOWLEDGE) -> tuple[Article, ...]:
    """Every article under knowledge/articles/<lang>/, validated."""
    topics = topic_ids(root)
    articles = tuple(
        parse(path, topics)
        for lang in SUPPORTED
        for path in sorted((root / "articles" / lang).glob("*.md"))
    )
    return articles
