"""Trained models kept on disk, retrained only when what they learn from changes.

The API and the action server both need the same models, and training them
takes seconds per language (much longer on a busy machine): whichever process
needs a model first trains it, and every later start just loads it.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import sklearn

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "cache"
CODE = [Path(__file__).with_name("textmodel.py"), ROOT / "bot" / "knowledge" / "text.py"]

T = TypeVar("T")


def fingerprint(sources: Iterable[Path]) -> str:
    """Changes whenever a file under `sources` (or the shared model code) changes."""
    digest = hashlib.sha256()
    files = sorted(p for s in sources for p in (s.rglob("*") if s.is_dir() else [s]) if p.is_file())
    for path in [*files, *CODE]:
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    digest.update(sklearn.__version__.encode())  # a pickle only loads in its own version
    return digest.hexdigest()[:16]


def cached(name: str, sources: Iterable[Path], train: Callable[[], T]) -> T:
    """The model `name` from var/cache if it was trained on today's `sources`, else
    `train()` once and keep the result (older versions are removed)."""
    path = CACHE / f"{name}-{fingerprint(sources)}.pkl"
    if path.exists():
        try:
            with path.open("rb") as stored:
                loaded: T = pickle.load(stored)
            return loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a damaged or outdated cache: train again
    model = train()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
        pickle.dump(model, out)
    Path(out.name).replace(path)  # atomic: a reader never sees half a file
    for old in path.parent.glob(f"{name}-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)
    return model
