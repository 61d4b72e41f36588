"""A throwaway Redis server for tests: installed if missing, started, removed.

Debian's `redis-server` package is installed with apt-get when no server binary
is found (the machines run as root). The server keeps nothing on disk, listens
on 127.0.0.1 on a free port, and is stopped and its directory deleted afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from stack.debian import installed
from stack.processes import free_port

READY_TIMEOUT_SECONDS = 30.0


class RedisUnavailable(RuntimeError):
    """No Redis server could be installed or started here."""


def server_binary() -> Path | None:
    """The installed redis-server, if any."""
    found = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin")
    return Path(found) if found else None


def install() -> Path:
    """The server binary, installing Debian's package first if needed."""
    return installed("redis-server", server_binary, RedisUnavailable, recommends=False)


def _wait_until_answers(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until the server answers PING; its exit or the deadline is a failure."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1.0)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    try:
        while True:
            if server.poll() is not None:
                told = log.read_text(errors="replace") if log.exists() else "no log"
                raise RedisUnavailable(f"redis-server exited ({server.returncode}): {told}")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RedisUnavailable(f"redis-server did not answer in {READY_TIMEOUT_SECONDS} s")
            time.sleep(0.05)
    finally:
        client.close()


@contextmanager
def running_redis() -> Iterator[str]:
    """A started, empty server; yields its URL (redis://127.0.0.1:PORT/0)."""
    binary = install()
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="viol3-redis-"))
    log = root / "redis.log"
    command = [
        str(binary),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(root),
        "--save",
        "",
        "--appendonly",
        "no",
        "--logfile",
        str(log),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until_answers(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(root, ignore_errors=True)
