"""The knowledge base: every spec topic in every language, with the facts of the seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.articles import InvalidArticle, is_learned, load_articles, parse, topic_ids
from bot.language import SUPPORTED

SPEC = Path(__file__).resolve().parents[4] / "shared" / "spec" / "support-model.md"


def article(topic: str, language: str) -> str:
    found = [a for a in load_articles() if a.topic == topic and a.language == language]
    assert len(found) == 1, (topic, language)
    return f"{found[0].title}\n{found[0].summary}\n{found[0].body}"


def test_the_topic_list_is_the_specs() -> None:
    if not SPEC.exists():
        pytest.skip("shared/spec is not beside this checkout")
    section = SPEC.read_text().split("## Knowledge topics")[1].split("## The evaluation")[0]
    assert list(topic_ids()) == re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.MULTILINE)


def test_every_topic_has_exactly_one_article_per_language() -> None:
    # Learned articles (approved from tickets) may exist in one language only.
    pairs = [(a.topic, a.language) for a in load_articles() if not is_learned(a.topic)]
    assert sorted(pairs) == sorted((t, lang) for t in topic_ids() for lang in SUPPORTED)


def test_an_article_with_an_unknown_topic_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sv" / "mb_unknown.md"
    path.parent.mkdir()
    path.write_text("---\ntopic: mb_unknown\nlanguage: sv\ntitle: X\nsummary: Y\n---\nZ\n")
    with pytest.raises(InvalidArticle, match="not a spec topic"):
        parse(path, topic_ids())


def test_no_placeholder_is_left_unrendered() -> None:
    for a in load_articles():
        assert "{{" not in a.body, a.path


# Facts from the seeds that every language's article must carry.
KEY_FACTS = {
    "support_channels": ["Mina Sidor", "support.viol3@biometria.se", "228 59 00"],
    "opening_hours": ["08:00", "16:30"],
    "mb_reject": [str(code) for code in range(9990, 10000)],
    "mb_units": ["m³f", "m³to", "m³fub", "MWh", "ttv", "ton"],
    "mb_rule_region": ["Nord", "Qbera", "Syd"],
    "mb_rounding": ["3", "2"],
    "mb_archive": ["7"],
    "mb_distribution": ["Addoro", "SPAR", "Kivra"],
    "mb_contract_forms": [
        "rotpost",
        "Avverkningsuppdrag",
        "Leverans",
        "Leveransrotköp",
        "Skördarmätt uppdrag",
    ],
    "mb_no_log_list": ["stocknota"],
    "case_priority": ["1.", "2.", "3.", "4.", "5."],
    "mb_certification": ["PEFC", "FSC"],
    "mb_frequency": ["1", "365"],
    "driver_remote_help": ["TeamViewer"],
}


@pytest.mark.parametrize("language", SUPPORTED)
@pytest.mark.parametrize("topic", sorted(KEY_FACTS))
def test_key_facts_appear_in_every_language(topic: str, language: str) -> None:
    text = article(topic, language).lower()
    for fact in KEY_FACTS[topic]:
        # A number must stand as a number ("7 år"), not inside another one.
        pattern = rf"(?<![\d,]){re.escape(fact.lower())}(?!\d|,\d)"
        assert re.search(pattern, text), (topic, language, fact)


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_five_price_terms_are_listed(language: str) -> None:
    text = article("mb_price_terms", language)
    assert len(re.findall(r"^\d\. ", text, re.MULTILINE)) == 5
    assert "SERROT1" in text


@pytest.mark.parametrize("language", SUPPORTED)
def test_summaries_fit_a_chat_bubble(language: str) -> None:
    for a in load_articles():
        assert 0 < len(a.summary) <= 320, a.path


# What support costs: charged per Biometria's price list, and what is free.
SUPPORT_COSTS = {
    "sv": ["prislista", "gratis"],
    "en": ["price list", "free"],
    "fi": ["hinnasto", "maksuton"],
}


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_costs_article_says_what_is_charged_and_what_is_free(language: str) -> None:
    text = article("support_costs", language).lower()
    for word in SUPPORT_COSTS[language]:
        assert word in text, word


def test_material_needs_a_label_and_an_https_address(tmp_path: Path) -> None:
    path = tmp_path / "sv" / "support_costs.md"
    path.parent.mkdir()
    path.write_text(
        "---\ntopic: support_costs\nlanguage: sv\ntitle: X\nsummary: Y\n"
        "material:\n  - label: Prislistan\n    url: http://www.biometria.se\n---\nZ\n"
    )
    with pytest.raises(InvalidArticle, match="https url"):
        parse(path, topic_ids())
