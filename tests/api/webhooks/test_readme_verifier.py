"""The README's receiving side, run as written: it accepts our deliveries, files a
retried one once, and refuses a forged one."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import ROOT
from api.outbox.models import OutboxMessage, OutboxStatus
from stack.processes import free_port
from tests.api.desk import conversation_with, ticket_on
from tests.api.webhooks.conftest import ENDPOINTS, Outbox, register
from tests.conftest import wait_until

MARKER = "<!-- verifier: tests/api/webhooks/test_readme_verifier.py runs this block -->"


def readme_verifier() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.split(MARKER, 1)[1]
    found = re.match(r"\s*```python\n(.*?)```", after, re.S)
    assert found, "the verifier block follows its marker"
    return found.group(1)


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def verifier(
    client: TestClient, admin: dict[str, str], tmp_path: Path
) -> Iterator[tuple[dict[str, object], Path, int]]:
    port = free_port()
    endpoint = register(client, admin, f"http://127.0.0.1:{port}/viol3")
    script, output = tmp_path / "receiver.py", tmp_path / "filed.txt"
    script.write_text(readme_verifier(), encoding="utf-8")
    env = {"WEBHOOK_SECRET": str(endpoint["secret"]), "PORT": str(port), "PATH": ""}
    with output.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(script)], env=env, stdout=out, stderr=subprocess.DEVNULL
        )
    try:
        wait_until(lambda: listening(port), "the README's receiver listens")
        yield endpoint, output, port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_readme_verifier_files_our_deliveries_once_and_refuses_forgeries(
    client: TestClient,
    db: Session,
    admin: dict[str, str],
    outbox: Outbox,
    verifier: tuple[dict[str, object], Path, int],
) -> None:
    endpoint, output, port = verifier
    ticket = ticket_on(db, conversation_with(db, "web-readme"))
    client.post(f"{ENDPOINTS}/{endpoint['id']}/test", headers=admin)
    assert outbox.deliver() == 2

    def filed() -> list[str]:
        return output.read_text().splitlines()

    wait_until(lambda: len(filed()) == 2, "both deliveries filed")
    created, ping = filed()
    assert created.startswith("ticket.created ") and f'"ticket": {ticket.id}' in created
    assert ping.startswith("webhook.ping ")

    # A sender that died after sending, before marking it sent, sends it again:
    # the same webhook-id, accepted and not filed twice.
    row = db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "webhook")).first()
    assert row is not None
    row.status = OutboxStatus.PENDING
    db.commit()
    assert outbox.deliver() == 1
    forged = {"webhook-id": row.key, "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}
    answer = httpx.post(f"http://127.0.0.1:{port}/viol3", content=row.text, headers=forged)
    assert answer.status_code == 400
    assert len(filed()) == 2
