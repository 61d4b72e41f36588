"""No secret in a log line: the API asks Rasa for its status and trackers with the
token in the URL (Rasa takes it no other way), and that URL must not be logged."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import Stack, unique

pytestmark = pytest.mark.e2e


def test_the_rasa_token_never_reaches_the_api_log(stack: Stack) -> None:
    api = stack.services["api"]
    token = api.env["VIOL3_RASA_TOKEN"]
    # Both ask Rasa's HTTP API with the token: the health check, and a chat turn
    # (its tracker is read for what the assistant understood).
    assert httpx.get(f"{stack.api}/health", timeout=30).json()["rasa"]["status"] == "up"
    assert stack.chat(unique("log"), "vad betyder avdrag?").status_code == 200
    assert token not in api.log_path.read_text(errors="replace")


def test_no_secret_is_on_a_process_command_line(stack: Stack) -> None:
    # Every user of the machine can read every command line (`ps`).
    secrets = {
        name: value
        for service in stack.services.values()
        for name, value in service.env.items()
        if name.endswith(("TOKEN", "KEY")) and value
    }
    assert "VIOL3_RASA_TOKEN" in secrets and "VIOL3_ACTIONS_TOKEN" in secrets
    for service in stack.services.values():
        assert service.process is not None
        command_line = Path(f"/proc/{service.process.pid}/cmdline").read_bytes().decode()
        leaked = [name for name, value in secrets.items() if value in command_line]
        assert leaked == [], f"{service.name}: {leaked}"
