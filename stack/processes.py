"""Start, watch and stop the assistant's processes: actions, Rasa, API, outbox sender.

Used by `scripts/run` (python -m stack) and by the end-to-end tests, so both
start exactly the same thing.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import httpx

ROOT = Path(__file__).resolve().parent.parent
MAIN_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MODEL = ROOT / "models" / "viol3.tar.gz"
LOGS = ROOT / "var" / "log"
# Logs, the address key, caches and the SQLite database hold personal data.
PRIVATE_UMASK = 0o077


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def private_log(path: Path) -> BinaryIO:
    """`path` opened for appending, readable by the owner only, like its directory
    and var/ above it (an older run may have left them open to everyone)."""
    for directory in (path.parent.parent, path.parent):
        directory.mkdir(mode=0o700, exist_ok=True)
        directory.chmod(0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "ab")


class StartupFailed(RuntimeError):
    """A process exited or did not become ready in time."""


@dataclass
class Ports:
    api: int = 8000
    rasa: int = 5005
    actions: int = 5055

    @classmethod
    def from_env(cls) -> Ports:
        return cls(
            api=int(os.environ.get("VIOL3_API_PORT", 8000)),
            rasa=int(os.environ.get("VIOL3_RASA_PORT", 5005)),
            actions=int(os.environ.get("VIOL3_ACTIONS_PORT", 5055)),
        )


@dataclass
class Service:
    name: str
    command: list[str]
    ready: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 180.0
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return LOGS / f"{self.name}.log"

    def start(self) -> None:
        with private_log(self.log_path) as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() reaches children
                umask=PRIVATE_UMASK,  # what it creates (the database, var/) is the owner's
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise StartupFailed(
                    f"{self.name} exited ({self.process.returncode}); {self.tail()}"
                )
            if self.ready():
                return
            time.sleep(0.5)
        raise StartupFailed(f"{self.name} not ready after {self.timeout:.0f} s; {self.tail()}")

    def stop(self, grace: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def tail(self, lines: int = 25) -> str:
        if not self.log_path.exists():
            return "no log"
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"last lines of {self.log_path}:\n" + "\n".join(text)


def _answers(url: str, check: Callable[[httpx.Response], bool] = lambda r: r.is_success) -> bool:
    try:
        return check(httpx.get(url, timeout=2.0))
    except httpx.HTTPError:
        return False


def rasa_env(actions_url: str, actions_token: str = "") -> dict[str, str]:
    """Environment for the Rasa server and Rasa CLI commands (endpoints.yml needs
    both variables set; a command that calls no action may leave the token empty)."""
    return {
        "VIOL3_ACTIONS_TOKEN": actions_token,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONWARNINGS": "ignore",
        "VIOL3_ACTION_SERVER_URL": actions_url,
    }


def build_services(
    ports: Ports,
    *,
    token: str,
    database_url: str | None = None,
    model: Path = MODEL,
    env: dict[str, str] | None = None,
) -> list[Service]:
    """The services, in start order (actions first: Rasa calls them). `env` adds
    settings (channel credentials, say) for the API and the outbox sender."""
    actions_url = f"http://127.0.0.1:{ports.actions}"
    rasa_url = f"http://127.0.0.1:{ports.rasa}"
    # The hand-off endpoint's secret: one per start unless configured.
    internal = os.environ.get("VIOL3_INTERNAL_TOKEN") or secrets.token_hex(16)
    # The action server's: Rasa sends it (endpoints.yml), the server checks it
    # (rasa_sdk_plugins); one per start unless configured.
    actions_token = (
        (env or {}).get("VIOL3_ACTIONS_TOKEN")
        or os.environ.get("VIOL3_ACTIONS_TOKEN")
        or secrets.token_hex(16)
    )
    api_env = {
        "VIOL3_RASA_URL": rasa_url,
        "VIOL3_RASA_TOKEN": token,
        "VIOL3_ACTION_SERVER_URL": actions_url,
        "VIOL3_API_PORT": str(ports.api),
        "VIOL3_INTERNAL_TOKEN": internal,
    }
    if database_url:
        api_env["VIOL3_DATABASE_URL"] = database_url
    api_env.update(env or {})
    return [
        Service(
            name="actions",
            command=[
                str(MAIN_PYTHON),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(ports.actions),
                "--quiet",
            ],
            ready=lambda: _answers(f"{actions_url}/health"),
            env={
                "PYTHONWARNINGS": "ignore",
                "VIOL3_API_URL": f"http://127.0.0.1:{ports.api}",
                "VIOL3_INTERNAL_TOKEN": internal,
                "VIOL3_ACTIONS_TOKEN": actions_token,
                "SANIC_HOST": "127.0.0.1",  # loopback only: Rasa is its one caller
            },
        ),
        Service(
            name="rasa",
            # The token goes in the environment: a command line is public (`ps`).
            command=[
                str(RASA_PYTHON),
                "-m",
                "stack.rasa_server",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(ports.rasa),
                "--model",
                str(model),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
            ],
            ready=lambda: _answers(
                f"{rasa_url}/status?token={token}",
                lambda r: r.is_success and bool(r.json().get("model_file")),
            ),
            env={**rasa_env(actions_url, actions_token), "VIOL3_RASA_TOKEN": token},
        ),
        Service(
            name="api",
            command=[
                str(MAIN_PYTHON),
                "-m",
                "uvicorn",
                "api.main:create_app",
                "--factory",
                "--host",
                os.environ.get("VIOL3_API_HOST", "127.0.0.1"),
                "--port",
                str(ports.api),
                "--no-access-log",
            ],
            ready=lambda: _answers(f"http://127.0.0.1:{ports.api}/health"),
            env=api_env,
        ),
        outbox_service(api_env),
        *([email_reader_service(api_env)] if _mailbox_configured(api_env) else []),
    ]


def _mailbox_configured(env: dict[str, str]) -> bool:
    """Whether a support mailbox is set, in `env` or in this process's environment."""
    return all(
        env.get(name) or os.environ.get(name)
        for name in ("VIOL3_MAIL_ADDRESS", "VIOL3_IMAP_HOST", "VIOL3_IMAP_USER")
    )


def email_reader_service(env: dict[str, str]) -> Service:
    """The mailbox reader: its own process, like the outbox sender, so that killing it
    loses no mail (see api/channels/email_reader.py)."""
    return Service(
        name="email",
        command=[str(MAIN_PYTHON), "-m", "api.channels.email_reader"],
        ready=lambda: True,  # no port; it keeps trying until the mailbox answers
        env=env,
    )


def outbox_service(env: dict[str, str]) -> Service:
    """The outbox sender: its own process, so killing it loses nothing (see api/outbox)."""
    return Service(
        name="outbox",
        command=[str(MAIN_PYTHON), "-m", "api.outbox"],
        ready=lambda: True,  # it has no port; it keeps trying until the database is there
        env=env,
    )


@contextmanager
def running(
    ports: Ports,
    *,
    token: str | None = None,
    database_url: str | None = None,
    on_ready: Callable[[Service], None] = lambda s: None,
    env: dict[str, str] | None = None,
) -> Iterator[list[Service]]:
    """Start every service, yield them once all are ready, stop them all afterwards."""
    if not MODEL.exists():
        raise StartupFailed(f"no trained model at {MODEL}; run scripts/train first")
    services = build_services(
        ports, token=token or secrets.token_hex(16), database_url=database_url, env=env
    )
    try:
        for service in services:
            service.start()
        for service in services:
            service.wait_ready()
            on_ready(service)
        yield services
    finally:
        for service in reversed(services):
            service.stop()
