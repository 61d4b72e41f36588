"""Debian packages that the test servers need, installed with apt-get when missing.

The machines run as root; elsewhere a missing package is the caller's error to
report, since nothing can be installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path


def installed(
    package: str,
    find: Callable[[], Path | None],
    unavailable: type[RuntimeError],
    *,
    recommends: bool = True,
) -> Path:
    """What `find` finds, installing Debian's `package` first if it finds nothing."""
    found = find()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise unavailable(f"no {package}, and apt-get cannot install it here")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    options = [] if recommends else ["--no-install-recommends"]
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *options, package],
        check=True,
        env=env,
        capture_output=True,
    )
    found = find()
    if found is None:
        raise unavailable(f"apt-get installed {package} but its program was not found")
    return found
