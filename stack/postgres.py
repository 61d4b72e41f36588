"""A throwaway PostgreSQL server for tests: installed if missing, started, removed.

Debian's `postgresql` package is installed with apt-get when no server binary
is found (the machines run as root). The cluster lives in a temporary
directory owned by the `postgres` user, listens on 127.0.0.1 on a free port,
and is stopped and deleted afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack.debian import installed
from stack.processes import free_port


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be installed or started here."""


def server_binaries() -> Path | None:
    """The bin directory of the newest installed PostgreSQL server, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return Path(found[-1]).parent if found else None


def install() -> Path:
    """The server binaries, installing Debian's package first if needed."""
    return installed("postgresql", server_binaries, PostgresUnavailable)


def _as_postgres(command: list[str]) -> list[str]:
    """Run as the `postgres` user when root (initdb refuses to run as root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def running_postgres(database: str = "viol3_test") -> Iterator[str]:
    """A started server with an empty `database`; yields its SQLAlchemy URL."""
    binaries = install()
    root = Path(tempfile.mkdtemp(prefix="viol3-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale",
                    "C",
                ]
            ),
            check=True,
            capture_output=True,
        )
        port = free_port()  # picked just before the start: initdb takes seconds
        subprocess.run(
            _as_postgres(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(root / "log"),
                    "-w",
                    "-o",
                    f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            _as_postgres(
                [
                    str(binaries / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    database,
                ]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
