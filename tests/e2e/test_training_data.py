"""The Rasa project's own checks pass on the real data."""

from __future__ import annotations

import os
import subprocess

import pytest

from stack.processes import RASA, ROOT, rasa_env

pytestmark = pytest.mark.e2e


def test_rasa_data_validate_passes() -> None:
    result = subprocess.run(
        [
            str(RASA),
            "data",
            "validate",
            "--fail-on-warnings",
            "--data",
            "nlu_data",
            "--domain",
            "domain.yml",
            "--config",
            "config.yml",
        ],
        cwd=ROOT,
        env={**os.environ, **rasa_env("http://127.0.0.1:1")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
