"""The outbox sender started before anything else (an empty database, no gateway)
migrates the database itself and sends; it never stops at "no such table"."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from api.addresses import seal
from api.conversations.models import Conversation
from api.database import make_engine, session_factory
from api.migrations import schema_is_current, upgrade_when_reachable
from api.outbox import service
from stack.processes import MAIN_PYTHON, ROOT, free_port
from tests.conftest import wait_until
from tests.fakes import FakeProvider, fake_provider

SECRET = "outbox-start-test-key"
TOKEN = "123456:TEST"


@pytest.fixture
def telegram() -> Iterator[FakeProvider]:
    with fake_provider("telegram") as fake:
        yield fake


def _start_sender(database_url: str, telegram: FakeProvider, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VIOL3_DATABASE_URL": database_url,
        "VIOL3_ADDRESS_KEY": SECRET,
        "VIOL3_TELEGRAM_BOT_TOKEN": TOKEN,
        "VIOL3_TELEGRAM_API_URL": f"{telegram.url}/bot",
        "VIOL3_OUTBOX_POLL_SECONDS": "0.1",
    }
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(MAIN_PYTHON), "-m", "api.outbox"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _queue_telegram_message(db: Session, text: str) -> None:
    chat = Conversation(
        channel="telegram",
        sender="tg-start-test",
        language="sv",
        reply_address=seal(SECRET.encode(), "5550001"),
    )
    db.add(chat)
    db.commit()
    service.enqueue(db=db, conversation=chat, text=text, kind="agent", key="start-1")
    db.commit()


def test_the_sender_on_an_empty_database_migrates_it_and_sends(
    database_url: str, telegram: FakeProvider, tmp_path: Path
) -> None:
    log = tmp_path / "outbox.log"
    sender = _start_sender(database_url, telegram, log)
    engine = make_engine(database_url)
    try:
        wait_until(lambda: sender.poll() is not None or schema_is_current(engine), "the schema")
        assert sender.poll() is None, log.read_text()
        with session_factory(engine)() as db:
            _queue_telegram_message(db, "Ditt ärende är löst.")
        wait_until(lambda: bool(telegram.sent("sendMessage")), "the message to be sent")
        assert telegram.sent("sendMessage") == [
            {"chat_id": "5550001", "text": "Ditt ärende är löst."}
        ]
    finally:
        os.killpg(sender.pid, signal.SIGTERM)
        returncode = sender.wait(30)
        engine.dispose()
    output = log.read_text()
    assert returncode == 0, output
    assert "no such table" not in output and "Traceback" not in output


def test_a_database_server_that_is_not_up_yet_is_waited_for(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    stop = threading.Event()
    result: list[bool] = []
    waiting = threading.Thread(
        target=lambda: result.append(upgrade_when_reachable(engine, stop, retry_seconds=0.05))
    )
    with caplog.at_level(logging.WARNING, logger="api.migrations"):
        waiting.start()
        wait_until(lambda: "database not reachable" in caplog.text, "a retry")
        stop.set()
        waiting.join(30)
    engine.dispose()
    assert result == [False]  # still waiting when told to stop; it never gave up by itself
