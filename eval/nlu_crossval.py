"""Cross-validated intent F1 per language: our pipeline against Rasa's default.

Runs in the Rasa environment (it trains Rasa NLU models):

    .venv-rasa/bin/python -m eval.nlu_crossval                 # 5 folds, both configs
    .venv-rasa/bin/python -m eval.nlu_crossval --folds 3 --configs config.yml

Folds are stratified by (intent, language) with a fixed seed, so every
configuration sees the same splits. Each fold trains an NLU-only model on the
other folds and parses the held-back examples. Reported per language:
weighted-average intent F1 (as `rasa test nlu` reports it), macro F1 and
accuracy; a prediction of `nlu_fallback` counts as wrong. Results are also
written as JSON to results/nlu_crossval.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

from bot.nlu_examples import read_examples

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("sv", "en", "fi")
DEFAULT_CONFIGS = ("config.yml", "eval/configs/rasa_init_default.yml")

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_examples() -> list[tuple[str, str, str]]:
    """(text, intent, language) for every NLU example."""
    return [(text, intent, lang) for lang in LANGUAGES for text, intent in read_examples(lang)]


def folds(examples: list[tuple[str, str, str]], k: int, seed: int = 42) -> list[list[int]]:
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{intent}/{lang}" for _, intent, lang in examples]
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [list(test) for _, test in splitter.split(examples, strata)]


def write_nlu(examples: list[tuple[str, str, str]], path: Path) -> None:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent, _ in examples:
        by_intent[intent].append(text)
    nlu = [
        {"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)}
        for intent, texts in sorted(by_intent.items())
    ]
    path.write_text(yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True))


def predict(model: str, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    async def parse_all() -> list[str]:
        return [(await agent.parse_message(t))["intent"]["name"] for t in texts]

    return asyncio.run(parse_all())


def run_config(config: str, examples: list[tuple[str, str, str]], k: int) -> dict:
    from rasa.model_training import train_nlu

    predictions: list[str | None] = [None] * len(examples)
    started = time.monotonic()
    for number, test_idx in enumerate(folds(examples, k), 1):
        held = set(test_idx)
        train = [e for i, e in enumerate(examples) if i not in held]
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "nlu.yml"
            write_nlu(train, data)
            model = train_nlu(str(ROOT / config), str(data), tmp, fixed_model_name=f"fold{number}")
            assert model, f"training failed for {config} fold {number}"
            texts = [examples[i][0] for i in test_idx]
            for i, label in zip(test_idx, predict(model, texts), strict=True):
                predictions[i] = label
        print(
            f"  {config}: fold {number}/{k} done ({time.monotonic() - started:.0f} s)", flush=True
        )
    return {
        "config": config,
        "seconds": round(time.monotonic() - started),
        "per_language": scores(examples, predictions),
    }


def scores(examples: list[tuple[str, str, str]], predictions: list[str | None]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    result = {}
    for lang in (*LANGUAGES, "all"):
        idx = [i for i, e in enumerate(examples) if lang in ("all", e[2])]
        truth = [examples[i][1] for i in idx]
        guess = [predictions[i] or "none" for i in idx]
        labels = sorted(set(truth))
        result[lang] = {
            "n": len(idx),
            "f1_weighted": round(f1_score(truth, guess, labels=labels, average="weighted"), 3),
            "f1_macro": round(f1_score(truth, guess, labels=labels, average="macro"), 3),
            "accuracy": round(accuracy_score(truth, guess), 3),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--configs", nargs="+", default=list(DEFAULT_CONFIGS))
    args = parser.parse_args()
    examples = load_examples()
    print(f"{len(examples)} examples, {args.folds} folds", flush=True)
    results = [run_config(c, examples, args.folds) for c in args.configs]
    out = ROOT / "results" / "nlu_crossval.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\n{'config':<40}{'lang':>6}{'n':>6}{'F1 w':>8}{'F1 m':>8}{'acc':>8}")
    for r in results:
        for lang, s in r["per_language"].items():
            print(
                f"{r['config']:<40}{lang:>6}{s['n']:>6}{s['f1_weighted']:>8}"
                f"{s['f1_macro']:>8}{s['accuracy']:>8}"
            )
        print(f"{'':<40}training+parsing: {r['seconds']} s")


if __name__ == "__main__":
    main()
