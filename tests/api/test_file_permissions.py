"""The SQLite database, the logs and var/ are readable by their owner only."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import stack.processes
from api.config import Settings
from api.database import make_engine
from api.main import create_app
from stack.processes import Service, free_port


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _settings(database: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=f"sqlite:///{database}",
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_url=f"http://127.0.0.1:{free_port()}",
    )


def test_a_started_apps_database_is_the_owners_alone(tmp_path: Path) -> None:
    database = tmp_path / "var" / "viol3.db"
    with TestClient(create_app(_settings(database))) as client:
        assert client.post("/api/v1/chat", json={"sender": "u1", "message": "hej"}).is_success
        files = [database, *tmp_path.glob("var/viol3.db-*")]  # and its -wal and -shm
        modes = {path.name: _mode(path) for path in files}
    assert _mode(database.parent) == 0o700
    assert len(modes) == 3 and set(modes.values()) == {0o600}, modes


def test_a_database_left_readable_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    database.chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert _mode(database) == 0o600


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://"])
def test_an_in_memory_database_makes_no_file(url: str, tmp_path: Path) -> None:
    make_engine(url).dispose()
    assert not list(Path.cwd().glob(":memory:*"))


def test_started_processes_write_private_logs_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)  # as an older run left it
    monkeypatch.setattr(stack.processes, "LOGS", var / "log")
    made = var / "made-by-the-process"
    service = Service(
        name="writer",
        command=[sys.executable, "-c", f"open({str(made)!r}, 'w').write('x'); print('done')"],
        ready=lambda: True,
    )
    service.start()
    assert service.process is not None and service.process.wait(60) == 0
    assert {_mode(var), _mode(var / "log")} == {0o700}
    assert _mode(service.log_path) == 0o600 and "done" in service.log_path.read_text()
    assert _mode(made) == 0o600  # the process runs with umask 077
