"""How the assistant chooses between answering, asking and admitting it does not know."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.knowledge.answer import decide, thresholds
from bot.knowledge.articles import Article
from bot.knowledge.search import KnowledgeIndex


def _article(topic: str, title: str, body: str) -> Article:
    return Article(topic, "sv", title, (), body, body, Path(f"{topic}.md"))


INDEX = KnowledgeIndex(
    [
        _article("mb_gross", "Bruttokvantitet", "Kvantitet före avdrag, alla stockar"),
        _article("mb_net", "Nettokvantitet", "Kvantitet efter avdrag för vrak"),
        _article("mb_archive", "Arkiv", "Mätbesked sparas i arkivet i sju år"),
    ]
)
LIMITS = replace(thresholds(), min_score=0.5, ambiguity_ratio=0.85)


def test_a_clear_match_is_answered_with_its_summary() -> None:
    decision = decide("hur länge sparas arkivet", "sv", index=INDEX, limits=LIMITS)
    assert decision.kind == "answer" and decision.topic == "mb_archive"
    assert decision.text() == "Mätbesked sparas i arkivet i sju år"


def test_two_close_topics_make_the_assistant_ask_which_one() -> None:
    decision = decide("kvantitet avdrag", "sv", index=INDEX, limits=LIMITS)
    assert decision.kind == "clarify"
    assert {h.topic for h in decision.hits} == {"mb_gross", "mb_net"}
    assert decision.topic is None


def test_a_whole_question_between_close_topics_gets_the_best_with_the_other_offered() -> None:
    decision = decide(
        "vad betyder kvantitet och avdrag på mitt besked", "sv", index=INDEX, limits=LIMITS
    )
    assert decision.kind == "answer"
    offered = [decision.topic, *(h.topic for h in decision.alternatives)]
    assert sorted(offered) == ["mb_gross", "mb_net"]
    assert decision.text() == decision.hits[0].article.summary


def test_nothing_matching_means_no_answer() -> None:
    decision = decide("fotboll på lördag", "sv", index=INDEX, limits=LIMITS)
    assert decision.kind == "none" and decision.text() == ""


def test_an_intent_that_names_a_topic_answers_with_that_article() -> None:
    limits = replace(LIMITS, intent_topics={"archive_intent": "mb_archive"})
    decision = decide("kvantitet avdrag", "sv", intent="archive_intent", index=INDEX, limits=limits)
    assert decision.kind == "answer" and decision.topic == "mb_archive"


def test_an_unsure_intent_is_searched_like_any_other_question() -> None:
    limits = replace(LIMITS, intent_topics={"archive_intent": "mb_archive"})
    decision = decide(
        "kvantitet avdrag",
        "sv",
        intent="archive_intent",
        intent_confidence=0.3,
        index=INDEX,
        limits=limits,
    )
    assert decision.kind == "clarify"


def test_an_answer_lists_the_material_its_article_names_as_links() -> None:
    decision = decide("var finns instruktionen om kvalitetssäkrad mätning med skördare", "sv")
    assert decision.topic == "mb_harvester"
    summary, material = decision.text().split("\n")
    assert summary.startswith("Vid skördarmätning")
    assert material.startswith("- Biometrias instruktion om kvalitetssäkrad mätning")
    assert material.endswith(
        "https://www.biometria.se/media/a2sne5vx/kvalitetssakrad-maetning-med-skoerdare-2021-08-01.pdf"
    )
