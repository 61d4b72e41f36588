"""Knowledge search latency: the real knowledge base and a generated one of 10,000 articles.

The generated articles reuse the real articles' words (per language, shuffled
into new titles, aliases and bodies of realistic length), so the index has a
realistic vocabulary and posting-list length. Queries are the tuning questions
(eval/tune), so no held-out question is used. Not part of the test suite.

    .venv/bin/python -m bench.knowledge_search [--articles 10000] [--queries 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace
from pathlib import Path

import yaml

from bot.knowledge.articles import Article, load_articles
from bot.knowledge.search import KnowledgeIndex, default_index

ROOT = Path(__file__).resolve().parent.parent


def generated(articles: tuple[Article, ...], total: int, seed: int = 7) -> list[Article]:
    """`total` articles made from the real ones' words, spread over the languages."""
    rng = random.Random(seed)
    out = []
    for number in range(total):
        base = articles[number % len(articles)]
        words = (base.title + " " + base.summary + " " + base.body).split()
        pool = [w for a in articles if a.language == base.language for w in a.body.split()]
        body = " ".join(rng.choice(pool) for _ in range(len(words)))
        out.append(
            replace(base, topic=f"gen_{number}", title=" ".join(rng.sample(words, 4)), body=body)
        )
    return out


def queries(limit: int) -> list[tuple[str, str]]:
    pairs = []
    for lang in ("sv", "en", "fi"):
        data = yaml.safe_load((ROOT / "eval" / "tune" / f"tune_{lang}.yml").read_text())
        pairs += [(q["text"], lang) for q in data["questions"]]
    random.Random(1).shuffle(pairs)
    return pairs[:limit]


def timed(index: KnowledgeIndex, pairs: list[tuple[str, str]]) -> dict[str, float]:
    for text, lang in pairs[:20]:  # warm caches (stemmer, tokenizer)
        index.search(text, lang, k=5)
    latencies = []
    for text, lang in pairs:
        started = time.perf_counter()
        index.search(text, lang, k=5)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    pairs = queries(args.queries)
    real = load_articles()

    started = time.perf_counter()
    index = default_index()
    build_real = time.perf_counter() - started
    print(
        f"real knowledge base: {len(real)} articles, built in {build_real:.1f} s "
        "(BM25 and topic classifiers)"
    )
    print("  ", timed(index, pairs))

    big = generated(real, args.articles)
    started = time.perf_counter()
    big_index = KnowledgeIndex(big)
    build_big = time.perf_counter() - started
    print(f"generated knowledge base: {len(big)} articles, BM25 built in {build_big:.1f} s")
    print("  ", timed(big_index, pairs))


if __name__ == "__main__":
    main()
