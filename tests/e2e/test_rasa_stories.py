"""The hand-off form's paths as Rasa test stories (tests/stories/), run with
`rasa test core` on the trained model against the stack's real action server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from stack.processes import MODEL, RASA, ROOT, rasa_env
from tests.conftest import ACTIONS_TOKEN, Stack

pytestmark = pytest.mark.e2e

STORIES = ROOT / "tests" / "stories"


def test_the_form_stories_pass(stack: Stack, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(RASA),
            "test",
            "core",
            "--stories",
            str(STORIES),
            "--model",
            str(MODEL),
            "--endpoints",
            "endpoints.yml",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        env={**os.environ, **rasa_env(stack.actions, ACTIONS_TOKEN)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text()
    assert "story:" not in failed, failed
