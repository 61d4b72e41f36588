"""Read the Rasa NLU training examples (nlu_data/nlu/<lang>/*.yml) without Rasa."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

NLU = Path(__file__).resolve().parent.parent / "nlu_data" / "nlu"


def read_examples(language: str, root: Path = NLU) -> Iterator[tuple[str, str]]:
    """(text, intent) for every example of one language, file by file."""
    for path in sorted((root / language).glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    yield text, block["intent"]
